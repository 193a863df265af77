/**
 * The child side of a benchmark process: runs `start`, sends its report to the parent, then
 * stops cleanly when the parent says so (or goes away). Servers under load and syncs whose
 * peak memory is measured run in their own process, so the load tool and other measurements
 * neither share their event loop nor their heap.
 */

/** What a started child offers: the report for the parent and how to stop. */
export interface StartedChild<Report> {
  readonly report: Report;
  stop(): Promise<void>;
}

/** Messages a child sends. */
export type ChildMessage<Report> = { readonly type: 'ready'; readonly report: Report } | { readonly type: 'failed'; readonly message: string };

export function runBenchChild<Report>(start: () => Promise<StartedChild<Report>>): void {
  const send = (message: ChildMessage<Report>) => new Promise<void>((done) => process.send?.(message, () => done()) ?? done());
  start().then(
    async (started) => {
      let stopping: Promise<void> | null = null;
      const stop = () => {
        stopping ??= started.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`bench child: stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('message', (message) => message === 'stop' && stop());
      process.once('disconnect', stop);
      process.once('SIGTERM', stop);
      await send({ type: 'ready', report: started.report });
    },
    async (err: unknown) => {
      await send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    },
  );
}

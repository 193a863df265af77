/**
 * Tap calls that run on their own, after the caller was answered (`afterDeploy`): kept here so
 * that the host can let them finish before the plugins that run them close.
 */
export class BackgroundTaps {
  readonly #running = new Set<Promise<void>>();

  /** Runs `call` without making anyone wait for it; it must not reject. */
  start(call: () => Promise<void>): void {
    const running = call().finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Resolves once no call is running, those started meanwhile included. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}

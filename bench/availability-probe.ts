import { setTimeout as sleep } from 'node:timers/promises';
import { docker } from '../test/support/docker-cli.js';

/** Label of the probe containers, so a later run removes what an interrupted one left. */
export const PROBE_LABEL = 'rsgo-bench.probe';

/** What the probe saw during one redeploy. */
export interface ProbeWindow {
  readonly requests: number;
  readonly failed: number;
  /** First failed request to the first success after it, in ms; 0 when nothing failed. */
  readonly unavailableMs: number;
}

/**
 * A BusyBox container on the stack's network requesting `http://<target>/` every 20 ms, one
 * process per request (so the name is resolved again each time), printing `ok` for a 200 and
 * `fail` otherwise. The request is an HTTP/1.0 GET through `nc`: the test images' statically
 * linked BusyBox `wget` crashes in a container without glibc's NSS modules. The engine
 * time-stamps each line (`docker logs -t`): the image has no clock finer than seconds. The loop
 * ends by itself after `seconds`, so a probe an interrupted run left stops sending.
 */
export interface AvailabilityProbe {
  /** Requests from `from` (epoch ms) to the first success after `to`, once there is one. */
  window(from: number, to: number): Promise<ProbeWindow>;
  remove(): Promise<void>;
}

const PROBE_SCRIPT =
  'end=$(( $(date +%s) + SECONDS_LEFT )); while [ "$(date +%s)" -lt "$end" ]; do case "$(printf \'GET / HTTP/1.0\\r\\n\\r\\n\' | nc -w 1 "$TARGET" 80 2>&1)" in ' +
  '"HTTP/1.1 200"*|"HTTP/1.0 200"*) echo ok ;; *) echo fail ;; esac; sleep 0.02; done';
/** How long the service may stay unreachable after a redeploy answered before the probe gives up. */
const RECOVERY_TIMEOUT_MS = 60_000;

interface ProbeLine {
  readonly at: number;
  readonly ok: boolean;
}

/** `2026-12-07T07:13:00.123456789Z ok` → epoch ms (the nanoseconds cut to what Date reads). */
function probeLines(logs: string): ProbeLine[] {
  return logs.split('\n').flatMap((line) => {
    const match = /^(\S+?T[\d:]+)(\.\d+)?Z (ok|fail)$/.exec(line.trim());
    if (!match) return [];
    return [{ at: Date.parse(`${match[1]}${(match[2] ?? '.0').slice(0, 4)}Z`), ok: match[3] === 'ok' }];
  });
}

export async function startAvailabilityProbe(name: string, network: string, image: string, target: string, seconds: number): Promise<AvailabilityProbe> {
  await docker('rm', '-f', name).catch(() => undefined);
  await docker('run', '-d', '--name', name, '--label', PROBE_LABEL, '--network', network, '-e', `TARGET=${target}`, '-e', `SECONDS_LEFT=${seconds}`, image, 'sh', '-c', PROBE_SCRIPT);
  const lines = async () => probeLines(await docker('logs', '-t', name));
  return {
    async window(from, to) {
      let seen = await lines();
      for (const started = Date.now(); !seen.some((line) => line.ok && line.at > to); seen = await lines()) {
        if (Date.now() - started > RECOVERY_TIMEOUT_MS) throw new Error(`probe ${name}: no successful request within ${RECOVERY_TIMEOUT_MS / 1000} s after the redeploy`);
        await sleep(100);
      }
      // A request failing after the answer still counts: the window ends at the first success after it.
      const back = seen.find((line) => line.ok && line.at > to)?.at ?? to;
      const during = seen.filter((line) => line.at >= from && line.at <= back);
      const firstFail = during.find((line) => !line.ok);
      const backAt = firstFail && seen.find((line) => line.ok && line.at > firstFail.at)?.at;
      return {
        requests: during.length,
        failed: during.filter((line) => !line.ok).length,
        unavailableMs: firstFail && backAt !== undefined ? backAt - firstFail.at : 0,
      };
    },
    async remove() {
      await docker('rm', '-f', name).catch(() => undefined);
    },
  };
}

/** Removes probes an interrupted run left. */
export async function removeProbes(): Promise<void> {
  const ids = (await docker('ps', '-aq', '--filter', `label=${PROBE_LABEL}`)).split('\n').filter(Boolean);
  if (ids.length > 0) await docker('rm', '-f', ...ids);
}

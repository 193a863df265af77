import type { HealthCheck } from '../../core/plugin-api.js';
import type { ContainerHealthCheck } from './docker-engine.js';

/**
 * The container HEALTHCHECK for a planned health check. `docker` checks are passed as they are.
 * `http` and `tcp` checks become a probe that runs inside the container against 127.0.0.1, so it
 * works for any engine (local socket or remote TCP) without the host reaching container networks,
 * and the engine keeps tracking health after the deploy. The probe uses whichever client the
 * image has: `wget` or `curl` for http, `nc` or `bash` for tcp.
 */
export function healthCheckConfig(check: HealthCheck): ContainerHealthCheck {
  const timing = {
    intervalMs: check.intervalMs,
    timeoutMs: check.timeoutMs,
    retries: check.retries,
    startPeriodMs: check.startPeriodMs,
  };
  switch (check.type) {
    case 'docker':
      return { test: check.test, ...timing };
    case 'http':
      return { test: ['CMD-SHELL', httpProbe(check.port, check.path)], ...timing };
    case 'tcp':
      return { test: ['CMD-SHELL', tcpProbe(check.port, check.timeoutMs)], ...timing };
  }
}

function httpProbe(port: number, path: string): string {
  const url = shellQuote(`http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`);
  return [
    `if command -v wget >/dev/null 2>&1; then exec wget -q -O /dev/null ${url};`,
    `elif command -v curl >/dev/null 2>&1; then exec curl -fsS -o /dev/null ${url};`,
    `else echo 'http health check needs wget or curl in the image' >&2; exit 1; fi`,
  ].join(' ');
}

function tcpProbe(port: number, timeoutMs: number): string {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return [
    // BusyBox nc has no -z; connecting with an empty stdin tells the same.
    `if command -v nc >/dev/null 2>&1; then nc -z -w ${seconds} 127.0.0.1 ${port} 2>/dev/null || exec nc -w ${seconds} 127.0.0.1 ${port} </dev/null;`,
    `elif command -v bash >/dev/null 2>&1; then exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}';`,
    `else echo 'tcp health check needs nc or bash in the image' >&2; exit 1; fi`,
  ].join(' ');
}

/** Single-quotes a word for `sh`. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** One `log` event of `GET /api/deployments/:id/logs?follow=true`. */
export interface LogLine {
  readonly service: string;
  readonly stream: string;
  readonly at: string;
  readonly line: string;
}

/** A log line for a terminal: `<time> <service> | <line>`, stderr lines marked. */
export function formatLogLine({ at, service, stream, line }: LogLine): string {
  return `${at} ${service}${stream === 'stderr' ? ' (stderr)' : ''} | ${line}`;
}

/** One `log` event of `GET /api/deployments/:id/logs?follow=true`. */
export interface LogLine {
  readonly service: string;
  readonly stream: string;
  readonly at: string;
  readonly line: string;
}

/**
 * Reads a `text/event-stream` as it arrives: `push` takes each piece of text, and `onEvent`
 * gets every complete event's name and parsed data (comments and partial events wait).
 */
export function eventReader(onEvent: (event: string, data: unknown) => void): { push(text: string): void } {
  let pending = '';
  return {
    push(text) {
      pending += text.replace(/\r\n/g, '\n');
      const blocks = pending.split('\n\n');
      pending = blocks.pop() ?? '';
      for (const block of blocks) {
        const fields = block.split('\n').filter((line) => !line.startsWith(':'));
        const event = fields.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? 'message';
        const data = fields.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n');
        if (data === '') continue;
        try {
          onEvent(event, JSON.parse(data));
        } catch {
          // Not JSON: not an event of this API.
        }
      }
    },
  };
}

/** A log line for a terminal: `<time> <service> | <line>`, stderr lines marked. */
export function formatLogLine({ at, service, stream, line }: LogLine): string {
  return `${at} ${service}${stream === 'stderr' ? ' (stderr)' : ''} | ${line}`;
}

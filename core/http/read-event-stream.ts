/**
 * Reads a `text/event-stream` (as `openEventStream` writes them) as it arrives, for the host's
 * clients (the CLI, the web UI): `push` takes each piece of text, and `onEvent` gets every
 * complete event's name, parsed data and `id:` (to resume after it; comments and partial
 * events wait).
 */
export function eventReader(onEvent: (event: string, data: unknown, id: string | null) => void): { push(text: string): void } {
  let pending = '';
  return {
    push(text) {
      pending += text.replace(/\r\n/g, '\n');
      const blocks = pending.split('\n\n');
      pending = blocks.pop() ?? '';
      for (const block of blocks) {
        const fields = block.split('\n').filter((line) => !line.startsWith(':'));
        const event = fields.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? 'message';
        const id = fields.find((line) => line.startsWith('id: '))?.slice('id: '.length) ?? null;
        const data = fields.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n');
        if (data === '') continue;
        try {
          onEvent(event, JSON.parse(data), id);
        } catch {
          // Not JSON: not an event of this API.
        }
      }
    },
  };
}

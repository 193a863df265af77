/**
 * The body of `response` as UTF-8 text. A body over `limit` bytes is refused as soon as that
 * is known (from Content-Length, else while reading), so a huge file is never held in memory.
 */
export async function readLimitedText(response: Response, what: string, limit: number): Promise<string> {
  const tooLarge = (size: number | string) => new Error(`${what} is ${size} bytes; the limit is ${limit}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw tooLarge(declared);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(`more than ${limit}`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The most characters of one free text (a message, an error) the deployment tables keep. */
export const MAX_STORED_TEXT = 16_000;

const CUT_MARKER = '…(cut)';

/**
 * `text` as the deployment tables store it: cut to {@link MAX_STORED_TEXT} characters with a
 * visible marker. A MySQL `TEXT` holds 65,535 bytes and refuses more (`ER_DATA_TOO_LONG`), so a
 * failing container's long output would fail the write of the very record that reports it;
 * 16,000 characters stay below that limit even when every one takes four bytes in UTF-8.
 */
export function boundedText(text: string): string;
export function boundedText(text: string | null): string | null;
export function boundedText(text: string | null): string | null {
  if (text === null || text.length <= MAX_STORED_TEXT) return text;
  // Never half a character: a cut after a high surrogate drops it.
  const kept = text.slice(0, MAX_STORED_TEXT - CUT_MARKER.length).replace(/[\uD800-\uDBFF]$/, '');
  return `${kept}${CUT_MARKER}`;
}

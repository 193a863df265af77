/** Durations as manifests write them: `10s`, `1m30s`, `500ms`, `1h`, or a number of seconds. */

const unitMs: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** One `<number><unit>` run; `ms` is tried before `m` so `500ms` is not read as minutes. */
const part = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/**
 * Milliseconds (rounded) for a duration, or null when the text is not one. A bare number
 * means seconds, as in ReadyStackGo manifests; units may be combined as compose allows.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (trimmed === '') return null;
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < trimmed.length) {
    const match = part.exec(trimmed);
    const unit = match?.[2];
    if (match === null || unit === undefined) return null;
    total += Number(match[1]) * (unitMs[unit] ?? 0);
  }
  return Math.round(total);
}

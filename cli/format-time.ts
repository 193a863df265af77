/**
 * An ISO-8601 time from the host as `2026-11-27 09:12 UTC` for tables; `-` for none. Anything
 * that is not an ISO time is shown as it came.
 */
export function formatTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = String(value);
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(text);
  return match ? `${match[1]} ${match[2]} UTC` : text;
}

const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO time in the user's locale and zone; `empty` when there is none. */
export function formatDateTime(iso: string | null | undefined, empty = '—'): string {
  if (iso === null || iso === undefined || iso === '') return empty;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : formatter.format(time);
}

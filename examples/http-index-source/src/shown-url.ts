/** A URL as it may appear in messages and logs: no credentials, no query string. */
export function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

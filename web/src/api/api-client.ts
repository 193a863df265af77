import { ApiError } from './api-error.js';

type Method = 'GET' | 'POST' | 'DELETE';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `text` as JSON; `null` when it is empty or not JSON (a proxy's error page, reported by status). */
function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

const unreachable = (err: unknown) => new ApiError(0, 'Cannot reach the rsgo host. Check the connection and try again.', 'NETWORK', { cause: String(err) });

/**
 * Calls the host's JSON API with the session token as `Authorization: Bearer`. Browsers never
 * attach that header on their own, so another site cannot make a signed-in request (no CSRF).
 */
export class ApiClient {
  readonly #token: () => string | null;
  readonly #onSessionRejected: () => void;

  /** `onSessionRejected` runs when the host answers 401 to a call that carried a token. */
  constructor(token: () => string | null, onSessionRejected: () => void) {
    this.#token = token;
    this.#onSessionRejected = onSessionRejected;
  }

  get<T>(path: string): Promise<T> {
    return this.#request<T>('GET', path);
  }

  /** `headers` adds to the defaults, e.g. `Prefer: respond-async` for an answer before the work ends. */
  post<T>(path: string, body?: unknown, headers: Readonly<Record<string, string>> = {}): Promise<T> {
    return this.#request<T>('POST', path, body, headers);
  }

  delete<T>(path: string): Promise<T> {
    return this.#request<T>('DELETE', path);
  }

  /**
   * GETs a `text/event-stream` and hands its text to `onText` as it arrives, until the host ends
   * it or `signal` aborts. (`EventSource` cannot send the session token.)
   */
  async stream(path: string, signal: AbortSignal, onText: (text: string) => void): Promise<void> {
    let response: Response;
    try {
      response = await fetch(path, { headers: this.#headers('text/event-stream'), credentials: 'omit', cache: 'no-store', signal });
    } catch (err) {
      if (signal.aborted) return;
      throw unreachable(err);
    }
    if (!response.ok || response.body === null) return this.#refusal(response, await response.text());
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        onText(value);
      }
    } catch {
      // Aborted by the page, or the connection dropped: the stream is over either way.
    }
  }

  #headers(accept: string): Record<string, string> {
    const token = this.#token();
    const headers: Record<string, string> = { accept };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    return headers;
  }

  async #request<T>(method: Method, path: string, body?: unknown, extra: Readonly<Record<string, string>> = {}): Promise<T> {
    const headers = { ...this.#headers('application/json'), ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw unreachable(err);
    }
    const text = await response.text();
    if (response.ok) return parseJson(text) as T;
    return this.#refusal(response, text);
  }

  /** Throws the host's refusal as an {@link ApiError}; a 401 to a signed-in call ends the session. */
  #refusal(response: Response, text: string): never {
    const parsed = parseJson(text);
    const fields = isRecord(parsed) ? parsed : {};
    if (response.status === 401 && this.#token() !== null) this.#onSessionRejected();
    const message = typeof fields['message'] === 'string' ? fields['message'] : `The host answered ${response.status} ${response.statusText}.`;
    const code = typeof fields['code'] === 'string' ? fields['code'] : 'HTTP_ERROR';
    throw new ApiError(response.status, message, code, fields);
  }
}

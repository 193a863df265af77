import { ApiError } from './api-error.js';

type Method = 'GET' | 'POST' | 'DELETE';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.#request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.#request<T>('DELETE', path);
  }

  async #request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const token = this.#token();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
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
    } catch {
      throw new ApiError(0, 'Cannot reach the rsgo host. Check the connection and try again.', 'NETWORK');
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON (a proxy's error page): reported below by status
    }
    if (response.ok) return parsed as T;
    const fields = isRecord(parsed) ? parsed : {};
    if (response.status === 401 && token !== null) this.#onSessionRejected();
    const message = typeof fields['message'] === 'string' ? fields['message'] : `The host answered ${response.status} ${response.statusText}.`;
    const code = typeof fields['code'] === 'string' ? fields['code'] : 'HTTP_ERROR';
    throw new ApiError(response.status, message, code, fields);
  }
}

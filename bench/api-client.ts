/** An answer of the host's API: status and parsed JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A minimal client of the host's HTTP API, as a pipeline or the CLI would use it. */
export class ApiClient {
  readonly #url: string;
  #token: string | null = null;

  constructor(url: string) {
    this.#url = url;
  }

  /** Signs in; later calls send the session token. */
  async signIn(username: string, password: string): Promise<void> {
    const answer = await this.call('POST', '/api/auth/login', { body: { username, password } });
    const token = answer.body['token'];
    if (answer.status !== 200 || typeof token !== 'string') throw new Error(`sign-in failed with ${answer.status}`);
    this.#token = token;
  }

  async call(method: string, path: string, options: { body?: unknown; apiKey?: string } = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
    else if (this.#token !== null) headers['authorization'] = `Bearer ${this.#token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.#url + path, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  }
}

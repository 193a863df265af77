import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import packageJson from '../package.json' with { type: 'json' };
import { CliError, UsageError } from './cli-error.js';
import { ExitCode, exitCodeForStatus } from './exit-codes.js';

/** A JSON object from the host (fields not yet checked). */
export type JsonBody = Readonly<Record<string, unknown>>;

/** One HTTP answer of the host, whatever its status. */
export interface HostAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  /** The body when it is a JSON object; `{}` otherwise (an empty body, a proxy's HTML page). */
  readonly body: JsonBody;
}

/**
 * Where a network failure happened: before the whole request was sent (the host cannot have
 * acted on it), or after (it may have: the answer was lost).
 */
export type FailurePhase = 'request' | 'response';

/** Network error codes worth another attempt: the next one may well get through. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** The host could not be reached, or the connection broke before its answer arrived. */
export class HostUnreachableError extends CliError {
  readonly phase: FailurePhase;
  /** The system error code (`ECONNREFUSED`...); `ETIMEDOUT` for the client's own timeouts. */
  readonly errorCode: string;
  /** Whether another attempt may succeed (refused, reset, timed out), unlike a DNS name that does not exist or a bad certificate. */
  readonly transient: boolean;

  constructor(message: string, phase: FailurePhase, errorCode: string, options?: { cause?: unknown }) {
    super(message, ExitCode.unavailable, { code: 'UNREACHABLE' }, options);
    this.phase = phase;
    this.errorCode = errorCode;
    this.transient = TRANSIENT_CODES.has(errorCode);
  }
}

/** The host answered with an error status; the message is the host's own sentence. */
export class HostAnswerError extends CliError {
  readonly answer: HostAnswer;

  constructor(answer: HostAnswer) {
    const { status, statusText, body } = answer;
    const message = typeof body['message'] === 'string' ? body['message'] : `HTTP ${status} ${statusText}`.trim();
    const header = answer.headers['x-request-id'];
    const requestId = typeof body['requestId'] === 'string' ? body['requestId'] : typeof header === 'string' ? header : undefined;
    super(message, exitCodeForStatus(status), {
      status,
      ...(typeof body['code'] === 'string' ? { code: body['code'] } : {}),
      ...(requestId === undefined ? {} : { requestId }),
      body,
    });
    this.answer = answer;
  }
}

export interface HostClientOptions {
  /** The host's base address, e.g. `https://rsgo.example.com` (a path prefix is kept). */
  readonly url: string;
  /** Sent with every request (credentials). */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long the host may stay silent before the request is given up. */
  readonly timeoutMs: number;
  /** How long opening the connection may take. */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function parseBody(text: string): JsonBody {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonBody) : {};
  } catch {
    return {};
  }
}

function describeFailure(err: NodeJS.ErrnoException, origin: string): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `Cannot reach the host at ${origin}: connection refused.`;
    case 'ENOTFOUND':
      return `Cannot reach the host at ${origin}: the name does not resolve.`;
    case 'ETIMEDOUT':
      return `The host at ${origin} did not answer in time: ${err.message}.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to ${origin} was closed before the host answered.`;
    default:
      return `Cannot reach the host at ${origin}: ${err.message}`;
  }
}

/**
 * A small JSON-over-HTTP client for the host's API. Built on `node:http` rather than `fetch`
 * because deployments and hooks answer only when the work is done, which can take longer than
 * the five minutes after which `fetch` gives up waiting for response headers.
 */
export class HostClient {
  readonly baseUrl: URL;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;

  constructor(options: HostClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new UsageError(`Invalid host URL '${options.url}': expected an address like https://rsgo.example.com.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`Invalid host URL '${options.url}': only http:// and https:// are supported.`);
    }
    this.baseUrl = url;
    this.#headers = options.headers ?? {};
    this.#timeoutMs = options.timeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  /** The address of `path` under the base URL (its path prefix kept). */
  urlOf(path: string): URL {
    return new URL(this.baseUrl.pathname.replace(/\/+$/, '') + path, this.baseUrl);
  }

  /**
   * Sends one request; resolves with any answer, rejects with {@link HostUnreachableError} only.
   * `headers` add to the client's own for this request.
   */
  send(method: string, path: string, body?: unknown, headers: Readonly<Record<string, string>> = {}): Promise<HostAnswer> {
    return this.#exchange(method, path, body, headers);
  }

  /**
   * GETs a `text/event-stream`: a 2xx answer's text goes to `onText` as it arrives, until the
   * host ends it; any other answer is a {@link HostAnswerError}.
   */
  async stream(path: string, onText: (text: string) => void): Promise<void> {
    const answer = await this.#exchange('GET', path, undefined, { accept: 'text/event-stream' }, onText);
    if (answer.status < 200 || answer.status >= 300) throw new HostAnswerError(answer);
  }

  #exchange(method: string, path: string, body: unknown, headers: Readonly<Record<string, string>>, onText?: (text: string) => void): Promise<HostAnswer> {
    const url = this.urlOf(path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const allHeaders: Record<string, string> = {
      accept: 'application/json',
      'user-agent': `rsgo-cli/${packageJson.version}`,
      ...this.#headers,
      ...headers,
      ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let sent = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const fail = (err: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        reject(new HostUnreachableError(describeFailure(err, url.origin), sent ? 'response' : 'request', err.code ?? 'EUNKNOWN', { cause: err }));
      };
      // One connection per request: a CLI run makes few calls, and a reused idle socket that
      // the server already closed would turn into a spurious reset.
      const req: ClientRequest = request(url, { method, headers: allHeaders, agent: false });
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => {
          req.destroy(Object.assign(new Error(`no connection within ${this.#connectTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
        }, this.#connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
      });
      req.setTimeout(this.#timeoutMs, () => {
        const seconds = Math.round(this.#timeoutMs / 1000);
        req.destroy(Object.assign(new Error(`no answer within ${seconds} s`), { code: 'ETIMEDOUT' }));
      });
      req.on('finish', () => (sent = true));
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        const streamed = onText !== undefined && (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        // Decoded as a whole: a character split between two chunks stays whole.
        if (streamed) res.setEncoding('utf8');
        res.on('data', (chunk: Buffer | string) => (streamed && typeof chunk === 'string' ? onText(chunk) : chunks.push(Buffer.from(chunk))));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(connectTimer);
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: parseBody(Buffer.concat(chunks).toString('utf8')),
          });
        });
      });
      req.end(payload);
    });
  }

  /** Sends one request and returns the body of a 2xx answer; any other status is a {@link HostAnswerError}. */
  async call(method: string, path: string, body?: unknown): Promise<JsonBody> {
    const answer = await this.send(method, path, body);
    if (answer.status < 200 || answer.status >= 300) throw new HostAnswerError(answer);
    return answer.body;
  }
}

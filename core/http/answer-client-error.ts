import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../error-codes.js';

/** The status line and error body of one kind of refusal. */
interface ClientErrorAnswer {
  readonly status: number;
  readonly text: string;
  readonly message: string;
  readonly code: ErrorCode;
}

/** Parser error codes that have their own status; anything else the parser refuses is a 400. */
const statusOf: Readonly<Record<string, ClientErrorAnswer>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    text: 'Request Header Fields Too Large',
    message: 'Request headers are larger than the host accepts.',
    code: 'HEADERS_TOO_LARGE',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'Request Timeout', message: 'The request was not sent in time.', code: 'REQUEST_TIMEOUT' },
};
const malformed: ClientErrorAnswer = { status: 400, text: 'Bad Request', message: 'The request is not valid HTTP.', code: 'MALFORMED_REQUEST' };

/**
 * Answers a request Node's HTTP parser refused (garbage, oversized headers, a client too slow
 * to send its headers) with the error body every other error has, then closes the connection.
 * These never reach Koa, so without this the client would get a bare status line.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A connection the client already dropped has nobody to answer.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, text, message, code } = statusOf[err.code ?? ''] ?? malformed;
  const requestId = randomUUID();
  const body = JSON.stringify({ success: false, message, code, requestId });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

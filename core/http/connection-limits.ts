import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** What one client, and all clients together, may hold of the host's connections and time. */
export interface ConnectionLimits {
  readonly headersTimeoutSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
}

/** How often Node looks for requests past their deadline: a slow client is cut within this of its deadline. */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Bounds what slow or numerous clients can take from `server`: a request must arrive (headers,
 * then the whole request) within its deadlines, else it gets 408 and its connection closes;
 * connections beyond the overall cap, or beyond the cap of their address, are closed as soon
 * as they open. One address flooding the host with idle or slow connections thus holds at most
 * its own share, and every other client is still answered.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutSeconds * 1000;
  server.requestTimeout = limits.requestTimeoutSeconds * 1000;
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

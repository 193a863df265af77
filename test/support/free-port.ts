import type { ExecutionContext } from 'ava';
import { createServer, type Server } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = await listen(0);
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP port on 127.0.0.1 that a listener holds until the test ends: "port already in use". */
export async function takenPort(t: ExecutionContext): Promise<number> {
  const server = await listen(0);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

/** Listens on 127.0.0.1:`port` (0 = any free port) until closed. */
async function listen(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Loopback ports for tests of a link that cannot connect. */
import { createServer } from 'node:net';

/** A loopback port nothing listens on: taken from the kernel, then given back unused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

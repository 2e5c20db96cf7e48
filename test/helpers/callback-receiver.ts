/**
 * A real HTTP receiver of smsguard's callbacks on 127.0.0.1 (node:http): keeps every request it got,
 * its headers and raw body, and answers with the status the test chose (200 unless told otherwise).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body as it arrived (the signature is over these bytes). */
  raw: string;
  json: Record<string, unknown>;
}

export interface CallbackReceiver {
  url(path: string): string;
  got: ReceivedCallback[];
  /** Statuses to answer the next requests with, in order; then 200. */
  answers: number[];
  close(): Promise<void>;
}

/** `delayMs`: how long each answer waits (a slow receiver). */
export async function startCallbackReceiver(opts: { delayMs?: number } = {}): Promise<CallbackReceiver> {
  const got: ReceivedCallback[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(raw) as Record<string, unknown>; } catch { /* kept raw */ }
      got.push({ path: req.url ?? '', headers: req.headers, raw, json });
      const status = answers.shift() ?? 200;
      setTimeout(() => { res.statusCode = status; res.end('ok'); }, opts.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    got, answers,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

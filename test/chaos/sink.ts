/**
 * The upstream SMSC for the chaos test, as its own process (it must outlive every gateway kill):
 * POST /submit {id, from, to, text} keeps the first submit of each message id and answers repeats
 * with the same upstream id (an SMSC that deduplicates on the client's message id, the way the
 * SMPP client's idempotent submits let a real one), counting every attempt. GET /state returns
 * what it holds. Loopback only; prints its port.
 */
import { createServer } from 'node:http';

const deliveries = new Map<string, { id: string; to: string; text: string; at: number }>();
let attempts = 0;
const repeats = new Map<string, number>();

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/submit') {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      attempts++;
      const m = JSON.parse(body) as { id: string; to: string; text: string };
      if (deliveries.has(m.id)) repeats.set(m.id, (repeats.get(m.id) ?? 1) + 1);
      else deliveries.set(m.id, { id: m.id, to: m.to, text: m.text, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ upstreamId: `S-${m.id}` }));
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/state') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempts, deliveries: [...deliveries.values()], repeats: Object.fromEntries(repeats) }));
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof a === 'object' && a ? a.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

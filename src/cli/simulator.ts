/**
 * `smsguard simulator`: the built-in simulator SMSC on its own, as a real SMPP 3.4 SMSC (any bind
 * accepted unless --system-id/--password are given), answering every submit_sm and sending delivery
 * receipts. Point a gateway at it with `--upstream smpp://user:pass@127.0.0.1:PORT`. Its outbox is
 * readable over HTTP when --http-port is given (`GET /v1/simulator/outbox?to=`).
 */
import type { Command } from 'commander';
import { createServer } from 'node:http';
import { SimulatorSmsc } from '../simulator/simulator-smsc.js';
import { SystemClock } from '../simulator/clock.js';
import { SmppSimulatorServer } from '../smpp/simulator/simulator-server.js';
import { normalizeMsisdn } from '../domain/msisdn.js';

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('run the simulator SMSC alone (SMPP 3.4) for gateways and tests on this machine')
    .option('--smpp-port <port>', 'SMPP port', '2776')
    .option('--smpp-host <host>', 'listen address', '127.0.0.1')
    .option('--system-id <id>', 'accept only this system_id')
    .option('--password <password>', 'and this password')
    .option('--http-port <port>', 'serve the outbox over HTTP on this port')
    .option('--capacity <n>', 'messages kept in the outbox', '100000')
    .action(async (o: { smppPort: string; smppHost: string; systemId?: string; password?: string; httpPort?: string; capacity: string }) => {
      const sim = new SimulatorSmsc(new SystemClock(), Number(o.capacity));
      const server = new SmppSimulatorServer({ sim, credentials: o.systemId ? { systemId: o.systemId, password: o.password ?? '' } : undefined });
      const port = await server.listen(Number(o.smppPort), o.smppHost);
      let http: ReturnType<typeof createServer> | null = null;
      if (o.httpPort) {
        http = createServer((req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          if (req.method === 'GET' && url.pathname === '/v1/simulator/outbox') {
            const to = url.searchParams.get('to');
            const n = to ? normalizeMsisdn(to) : undefined;
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ messages: n === null ? [] : sim.outbox(n), count: sim.count }));
            return;
          }
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'not_found', message: 'GET /v1/simulator/outbox only' } }));
        });
        await new Promise<void>((r) => http!.listen(Number(o.httpPort), o.smppHost, r));
      }
      process.stdout.write(`simulator SMSC listening on ${o.smppHost}:${port} (SMPP 3.4)${o.httpPort ? `, outbox on http://${o.smppHost}:${o.httpPort}/v1/simulator/outbox` : ''}\n`);
      const stop = async () => {
        http?.close();
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    });
}

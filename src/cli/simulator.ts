/**
 * `smsguard simulator`: the built-in simulator SMSC on its own, as a real SMPP 3.4 SMSC (any bind
 * accepted unless --system-id/--password are given), answering every submit_sm and sending delivery
 * receipts. Point a gateway at it with `--upstream smpp://user:pass@127.0.0.1:PORT`. With --http-port
 * it serves `GET /v1/simulator/outbox?to=` (what it received) and `POST /v1/simulator/mo
 * {from, to, text}` (a user's reply, sent to the bound gateway as deliver_sm, as the in-process
 * simulator's route does).
 */
import { Option, type Command } from 'commander';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SimulatorSmsc } from '../simulator/simulator-smsc.js';
import { SystemClock } from '../simulator/clock.js';
import { SmppSimulatorServer } from '../smpp/simulator/simulator-server.js';
import { normalizeMsisdn, normalizeMsisdnLenient } from '../domain/msisdn.js';
import { msisdnRefusal } from '../app/validate.js';
import { PROFILES } from '../profiles/index.js';
import { HTTP_STATUS } from '../http/error-map.js';
import { z } from 'zod';
import { ConfigError, decimalInt } from '../config/schema.js';
import { listenProblem } from './listen-problem.js';

const port = decimalInt(0, 65535);
/** The command's flags, validated once (every problem reported together) before anything starts. */
const SimulatorFlags = z.object({
  smppPort: port,
  smppHost: z.string().min(1),
  systemId: z.string().min(1).optional(),
  password: z.string().optional(),
  httpPort: port.optional(),
  capacity: decimalInt(1, 10_000_000),
  holdMs: decimalInt(0, 86_400_000).default(0),
});

/** Parses the `simulator` command's flags; throws ConfigError naming every bad one. */
export function simulatorOptions(flags: Record<string, unknown>): SimulatorCommandOptions {
  const r = SimulatorFlags.safeParse(flags);
  if (!r.success) {
    const flag = (k: unknown) => `--${String(k).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new ConfigError(r.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`));
  }
  return r.data;
}

export interface SimulatorCommandOptions {
  smppPort: number;
  smppHost: string;
  systemId?: string;
  password?: string;
  /** Serve the simulator HTTP API on this port (0 = any free port); omitted = no HTTP. */
  httpPort?: number;
  capacity: number;
  /** Hold each message this long before delivering it, ms (SimulatorOptions.holdMs): cancel_sm takes back one still held. */
  holdMs?: number;
}

export interface RunningSimulator {
  smppPort: number;
  httpPort: number | null;
  sim: SimulatorSmsc;
  server: SmppSimulatorServer;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The simulator SMSC (and its HTTP API when asked): what the `simulator` command runs. */
export async function startSimulator(o: SimulatorCommandOptions): Promise<RunningSimulator> {
  const sim = new SimulatorSmsc(new SystemClock(), { capacity: o.capacity, holdMs: o.holdMs ?? 0 });
  const server = new SmppSimulatorServer({ sim, credentials: o.systemId ? { systemId: o.systemId, password: o.password ?? '' } : undefined });
  // A port taken or an address not on this host is said as `start` says it: one line naming the flag.
  const smppPort = await server.listen(o.smppPort, o.smppHost).catch((e: NodeJS.ErrnoException) => {
    throw e.syscall === 'listen' ? new ConfigError([`--smpp-host / --smpp-port: ${o.smppHost}:${o.smppPort}: ${listenProblem(e)}`]) : e;
  });
  let http: ReturnType<typeof createServer> | null = null;
  let httpPort: number | null = null;
  if (o.httpPort !== undefined) {
    http = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/v1/simulator/outbox') {
        // As the gateway's own simulator route: a `to` that is no mainland mobile number is refused, not an empty list.
        const to = url.searchParams.get('to');
        const n = to ? normalizeMsisdn(to) : undefined;
        // the gateway's refusal word for word (rule, article and profile: the default profile's, the
        // simulator judging nothing under any other), one function with the gateway's route
        if (n === null) return json(res, HTTP_STATUS.invalid_msisdn, { error: msisdnRefusal('to', PROFILES['cn-2015']).toBody() });
        return json(res, 200, { messages: sim.outbox(n), count: sim.count });
      }
      if (req.method === 'POST' && url.pathname === '/v1/simulator/mo') {
        void readBody(req).then((raw) => {
          if (raw === null) return json(res, 413, { error: { code: 'invalid_request', message: `body over ${MAX_BODY} bytes` } });
          let b: unknown;
          try {
            b = JSON.parse(raw);
          } catch {
            return json(res, 400, { error: { code: 'invalid_request', message: 'body is not JSON' } });
          }
          const { from, to, text } = (b ?? {}) as Record<string, unknown>;
          const bad = [['from', from], ['to', to], ['text', text]].find(([k, v]) => typeof v !== 'string' || (k !== 'text' && v === ''));
          if (bad) return json(res, 400, { error: { code: 'invalid_request', message: `${String(bad[0])} must be a ${bad[0] === 'text' ? '' : 'non-empty '}string`, field: bad[0] } });
          // a handset's reply comes from a mobile number: refused as the gateway's own route refuses it
          // (read as the gateway reads a carrier's sender)
          if (!normalizeMsisdnLenient(from as string)) return json(res, HTTP_STATUS.invalid_msisdn, { error: msisdnRefusal('from', PROFILES['cn-2015']).toBody() });
          // As the carrier would deliver it: deliver_sm to the bound gateway (kept until one binds).
          sim.injectMo({ from: from as string, to: to as string, text: text as string });
          json(res, 202, { accepted: true, receivers: server.receivers });
        }, () => json(res, 400, { error: { code: 'invalid_request', message: 'could not read the body' } }));
        return;
      }
      json(res, 404, { error: { code: 'not_found', message: 'GET /v1/simulator/outbox and POST /v1/simulator/mo only' } });
    });
    const h = http;
    try {
      await new Promise<void>((r, reject) => {
        h.once('error', reject);
        h.listen(o.httpPort, o.smppHost, () => {
          h.off('error', reject);
          r();
        });
      });
    } catch (e) {
      await server.close();
      const l = e as NodeJS.ErrnoException;
      throw l.syscall === 'listen' ? new ConfigError([`--smpp-host / --http-port: ${o.smppHost}:${o.httpPort}: ${listenProblem(l)}`]) : e;
    }
    httpPort = (http.address() as { port: number }).port;
  }
  return {
    smppPort, httpPort, sim, server,
    async close() {
      if (http) await new Promise<void>((r) => http!.close(() => r()));
      await server.close();
    },
  };
}

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('run the simulator SMSC alone (SMPP 3.4) for gateways and tests on this machine')
    .addOption(new Option('--smpp-port <port>', 'SMPP port').default('2776', '2776'))
    .addOption(new Option('--smpp-host <host>', 'listen address').default('127.0.0.1', '127.0.0.1'))
    .option('--system-id <id>', 'accept only this system_id')
    .option('--password <password>', 'and this password')
    .option('--http-port <port>', 'serve the simulator HTTP API (outbox, MO) on this port')
    .addOption(new Option('--capacity <n>', 'messages kept in the outbox').default('100000', '100000'))
    .addOption(new Option('--hold-ms <ms>', 'hold each message this long before delivering it; cancel_sm takes back one still held').default('0', '0'))
    .action(async (flags: Record<string, unknown>) => {
      const o = simulatorOptions(flags);
      const s = await startSimulator(o);
      const api = s.httpPort !== null ? `, HTTP API on http://${o.smppHost}:${s.httpPort} (GET /v1/simulator/outbox, POST /v1/simulator/mo)` : '';
      process.stdout.write(`simulator SMSC listening on ${o.smppHost}:${s.smppPort} (SMPP 3.4)${api}\n`);
      const stop = async () => {
        await s.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    });
}

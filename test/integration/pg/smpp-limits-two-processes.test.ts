/**
 * An SMPP credential's maxBinds and throughput hold for the deployment, not per process (docs/SMPP.md
 * "Binds and throughput across processes", docs/SCALING.md): two real `smsguard start` processes
 * (ingress, PostgreSQL + NATS, system clock) and ESMEs binding to both with one credential.
 *
 * - maxBinds 2, one bind on each process: a third is refused on either (ESME_RBINDFAIL, as a local
 *   maxBinds refusal). Before, each process counted its own binds only and took a second. A clean
 *   unbind frees its slot at once; a process killed with -9 frees its slots when its binds' leases
 *   lapse (6 s), and a new bind then succeeds.
 * - throughput R, one bind on each process sending as fast as it can for W seconds: each process
 *   holds the credential to R / 2, so together at most about R × W plus one burst. Before, each
 *   process gave its bind the whole rate: about 2 × (R + R × W).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../../helpers/pg.js';
import { spawnSmsguard, stopProcess, type SpawnedSmsguard, sharedSigningKey } from '../../helpers/process.js';
import { ADMIN_TOKEN, validCreditCode } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';
import { openBus, deleteStream } from '../../../src/queue/nats.js';
import { queueNames } from '../../../src/queue/subjects.js';
import { SmppBindError, SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, Tag, encodeText, smDefaults, tlvCString, type SmPdu } from '../../../src/smpp/pdu/index.js';

const NATS_URL = process.env.SMSGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

type Gateway = SpawnedSmsguard & { smppPort: number };

/** `smsguard start` as its own process; resolves with its HTTP address and SMPP port once it says it is running. */
async function startGateway(schema: string, prefix: string, cwd: string): Promise<Gateway> {
  return (await spawnSmsguard(['start', '--db', TEST_PG_URL, '--db-schema', schema, '--http-port', '0', '--smpp-port', '0', '--queue', NATS_URL, '--role', 'ingress', '--log-level', 'warn'], {
    cwd, ms: 30_000, smpp: true,
    env: { ...process.env, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_ADMIN_TOKEN: ADMIN_TOKEN, SMSGUARD_QUEUE_PREFIX: prefix, SMSGUARD_RECORDS_SIGNING_KEY: sharedSigningKey() },
  })) as Gateway;
}

/**
 * Two gateways on a fresh schema and stream, a provider able to send, and one SMPP credential with
 * `limits`; `fn` gets the gateways and a bind function. Everything is stopped and dropped after.
 */
async function withTwoGateways(limits: { maxBinds?: number; throughput?: number }, fn: (g: Gateway[], bind: (g: Gateway) => Promise<SmppEsme>) => Promise<void>): Promise<void> {
  const schema = testSchemaName();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const dirs = [mkdtempSync(join(tmpdir(), 'sg-h6-')), mkdtempSync(join(tmpdir(), 'sg-h6-'))];
  const gateways: Gateway[] = [];
  const esmes: SmppEsme[] = [];
  try {
    const started = await Promise.allSettled(dirs.map((d) => startGateway(schema, prefix, d)));
    for (const s of started) if (s.status === 'fulfilled') gateways.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const a = gateways[0];
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const call = (path: string, body: unknown) => fetch(`${a.url}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    const cp = await call('/v1/content-providers', { name: '示例科技有限公司', creditCode: await validCreditCode() });
    assert.equal(cp.status, 201, await cp.clone().text());
    const { id } = (await cp.json()) as { id: string };
    assert.equal((await call(`/v1/content-providers/${id}/signatures`, { signature: '【示例】' })).status, 201);
    assert.equal((await call('/v1/ports', { number: '10690001', contentProviderId: id, kind: 'service' })).status, 201);
    const cred = await call(`/v1/content-providers/${id}/smpp-credentials`, { systemId: 'limited', password: 'pw', ...limits });
    assert.equal(cred.status, 201, await cred.clone().text());
    await fn(gateways, async (g) => {
      const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.smppPort, systemId: 'limited', password: 'pw', bindType: 'transmitter' });
      esmes.push(e);
      return e;
    });
  } finally {
    for (const e of esmes) await e.close().catch(() => undefined);
    await Promise.all(gateways.map((g) => stopProcess(g.proc)));
    const bus = await openBus({ url: NATS_URL, names: queueNames(prefix), partitions: 16, ackWaitMs: 30_000, name: 'h6-cleanup' }).catch(() => null);
    if (bus) {
      await deleteStream(bus);
      await bus.close();
    }
    await dropSchema(schema).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** The bind's outcome: 'bound' or the refusal's command_status. */
const outcome = (p: Promise<SmppEsme>) => p.then(() => 'bound' as const, (e: unknown) => (e instanceof SmppBindError ? e.status : String(e)));

test('two gateway processes on PostgreSQL: a credential with maxBinds 2 has two binds in all; a clean unbind frees its slot at once, a killed process\'s when their leases lapse', { timeout: 90_000 }, async () => {
  await withTwoGateways({ maxBinds: 2 }, async ([a, b], bind) => {
    const onA = await bind(a);
    await bind(b);
    // one bind on each process: each alone is below 2, together they are at it
    assert.equal(await outcome(bind(a)), CommandStatus.ESME_RBINDFAIL, 'third bind, on A');
    assert.equal(await outcome(bind(b)), CommandStatus.ESME_RBINDFAIL, 'third bind, on B');

    // a clean unbind on A: its slot is free at once (well inside the 6 s lease), here taken on B
    await onA.close();
    let rebound: string | number = 'not tried';
    await until(async () => (rebound = await outcome(bind(b))) === 'bound', 3000, `B to take the slot A's unbind freed (last: ${rebound})`);
    assert.equal(await outcome(bind(a)), CommandStatus.ESME_RBINDFAIL, 'B holds both now');

    // B killed: its two binds still count until their leases lapse, then A takes both slots
    b.proc.kill('SIGKILL');
    await new Promise((r) => b.proc.once('exit', r));
    assert.equal(await outcome(bind(a)), CommandStatus.ESME_RBINDFAIL, 'B\'s binds are live until their leases lapse');
    // each of B's binds lapses at its own lease's end (the later bind's may end up to a beat later)
    for (const n of [1, 2]) {
      let last: string | number = 'not tried';
      await until(async () => (last = await outcome(bind(a))) === 'bound', 20_000, `bind ${n} on A once B's binds lapsed (last: ${last})`);
    }
    assert.equal(await outcome(bind(a)), CommandStatus.ESME_RBINDFAIL, 'and still two in all');
  });
});

const R = 20;
const W = 3;
const sm = (i: number): SmPdu => ({
  ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: `138${String(i % 100_000_000).padStart(8, '0')}`, data_coding: 8,
  short_message: encodeText('【示例】您的验证码是123456。', 8), registered_delivery: 0, tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')],
});

test('two gateway processes on PostgreSQL: a credential\'s throughput is split between the processes holding its binds, not given whole to each', { timeout: 90_000 }, async (t) => {
  await withTwoGateways({ throughput: R }, async (gateways, bind) => {
    const esmes = [await bind(gateways[0]), await bind(gateways[1])];
    // each process learns of the other's bind within a beat (2 s); the later bind's claim already knew
    await new Promise((r) => setTimeout(r, 3000));
    const accepted = [0, 0];
    let throttled = 0;
    const others: number[] = [];
    let seq = 0;
    const end = Date.now() + W * 1000;
    await Promise.all(esmes.flatMap((e, i) => Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        const r = await e.request(sm(seq++));
        if (r.command_status === CommandStatus.ESME_ROK) accepted[i]++;
        else if (r.command_status === CommandStatus.ESME_RTHROTTLED) throttled++;
        else others.push(r.command_status);
      }
    })));
    assert.deepEqual(others, [], 'every submit was either accepted or throttled');
    t.diagnostic(`accepted ${accepted.join(' + ')}, throttled ${throttled}`);
    assert.ok(throttled > 0, 'some submits were throttled');
    const sum = accepted[0] + accepted[1];
    // Together: R × W plus one burst (R), a quarter more for the window's edges. Each process on the
    // whole rate would accept up to 2 × (R + R × W) = 160 here.
    const bound = Math.ceil(1.25 * (R * W + R));
    assert.ok(sum <= bound, `accepted ${sum} (${accepted.join(' + ')}) in ${W} s at ${R}/s: more than ${bound}, the rate is per process`);
    // and not split too thin: each process still takes its share (half the rate each)
    for (const a of accepted) assert.ok(a >= (R * W) / 8, `a process accepted only ${a} in ${W} s of its ${R / 2}/s share`);
    // …and given, not starved: each process takes about its share
    for (const n of accepted) assert.ok(n >= ((R / 2) * W) / 2, `a process took less than half its share: ${accepted.join(' + ')}`);
  });
});

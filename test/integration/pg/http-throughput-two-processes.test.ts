/**
 * A provider's HTTP throughput holds for the deployment, not per process (README "HTTP throughput",
 * docs/SCALING.md): two real `smsguard start` processes (ingress, PostgreSQL + NATS, system clock),
 * one provider with a rate of R messages a second sending through both at once. Each process serves,
 * marks itself live in `http_processes`, sees the other, and holds the provider to R / 2 (burst
 * split the same way), so the sum accepted in a window of W seconds is at most about R × W plus one
 * agreed burst. The per-process buckets before this gave each process the whole rate: about twice
 * that (2 × (R + R × W)), which the bound below refuses.
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

const NATS_URL = process.env.SMSGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
/** The provider's agreed rate (messages a second) and the measured window (seconds). */
const R = 20;
const W = 3;

type Gateway = SpawnedSmsguard;

/** `smsguard start` as its own process; resolves with its HTTP address once it says it is running. */
function startGateway(schema: string, prefix: string, cwd: string, adminToken?: string): Promise<Gateway> {
  return spawnSmsguard(['start', '--db', TEST_PG_URL, '--db-schema', schema, '--http-port', '0', '--smpp-port', '0', '--queue', NATS_URL, '--role', 'ingress', '--log-level', 'warn'], {
    cwd, ms: 30_000,
    env: { ...process.env, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_ADMIN_TOKEN: adminToken ?? '', SMSGUARD_QUEUE_PREFIX: prefix, SMSGUARD_RECORDS_SIGNING_KEY: sharedSigningKey() },
  });
}

/** The processes this gateway splits each provider's rate between (its /metrics). */
async function processes(g: Gateway): Promise<number> {
  const text = await (await fetch(`${g.url}/metrics`)).text();
  const m = /^smsguard_http_throughput_processes (\d+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

test('two gateway processes on PostgreSQL + NATS hold one provider to its HTTP throughput together, not each', { timeout: 60_000 }, async () => {
  const schema = testSchemaName();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const dirs = [mkdtempSync(join(tmpdir(), 'sg-h1-')), mkdtempSync(join(tmpdir(), 'sg-h1-'))];
  const gateways: Gateway[] = [];
  try {
    // At once: the migrations are applied under an advisory lock, once; both store the same new
    // SMSGUARD_ADMIN_TOKEN, and the one whose insert loses finds it live (auth.ts ensureAdminToken).
    const started = await Promise.allSettled(dirs.map((d) => startGateway(schema, prefix, d, ADMIN_TOKEN)));
    for (const s of started) if (s.status === 'fulfilled') gateways.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [a, b] = gateways;
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const call = (g: Gateway, method: string, path: string, headers: Record<string, string>, body: unknown) =>
      fetch(`${g.url}${path}`, { method, headers, body: JSON.stringify(body) });
    const cp = await call(a, 'POST', '/v1/content-providers', admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    assert.equal(cp.status, 201, await cp.clone().text());
    const { id, apiKey } = (await cp.json()) as { id: string; apiKey: string };
    assert.equal((await call(a, 'POST', `/v1/content-providers/${id}/signatures`, admin, { signature: '【示例】' })).status, 201);
    assert.equal((await call(a, 'POST', '/v1/ports', admin, { number: '10690001', contentProviderId: id, kind: 'service' })).status, 201);
    assert.equal((await call(a, 'PATCH', `/v1/content-providers/${id}`, admin, { httpThroughput: R })).status, 200);

    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    let seq = 0;
    const send = (g: Gateway) => call(g, 'POST', '/v1/messages', auth, { from: '10690001', to: `1380013${String(seq++ % 10_000).padStart(4, '0')}`, text: '【示例】您的验证码是 123456', type: 'notification' });
    // Each serves a request, so each marks itself live; then each sees the other (within a beat or two).
    for (const g of gateways) assert.notEqual((await send(g)).status, 500);
    await until(async () => (await processes(a)) === 2 && (await processes(b)) === 2, 10_000, 'both processes to count two serving HTTP');

    // W seconds of as much as four clients a process can send, through both at once.
    const accepted = [0, 0];
    const refused: Response[] = [];
    const others: string[] = [];
    const end = Date.now() + W * 1000;
    await Promise.all(gateways.flatMap((g, i) => Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        const r = await send(g);
        if (r.status === 429) {
          if (refused.length < 3) refused.push(r);
          else await r.arrayBuffer();
        } else if (r.status === 202) {
          accepted[i]++;
          await r.arrayBuffer();
        } else {
          others.push(`${r.status} ${await r.text()}`);
        }
      }
    })));
    assert.deepEqual(others, [], 'every request was either accepted or throttled');
    const sum = accepted[0] + accepted[1];
    // Together: R × W plus one agreed burst (R), a quarter more for the edges of the window. Each
    // process on its own whole rate would accept up to 2 × (R + R × W) = 160 here.
    const bound = Math.ceil(1.25 * (R * W + R));
    assert.ok(sum <= bound, `accepted ${sum} (${accepted.join(' + ')}) in ${W} s at ${R}/s: more than ${bound}, the rate is per process`);
    // …and the rate is given, not starved: each process takes its share.
    assert.ok(sum >= (R * W) / 2, `accepted only ${sum} (${accepted.join(' + ')}) in ${W} s at ${R}/s`);
    for (const n of accepted) assert.ok(n >= (R / 2) * W / 2, `a process took less than half its share: ${accepted.join(' + ')}`);
    // the refusal is the one it always was
    assert.ok(refused.length > 0, 'some requests were throttled');
    for (const r of refused) {
      const e = ((await r.json()) as { error: { code: string; rule: string; message: string } }).error;
      assert.equal(e.code, 'throttled');
      assert.equal(e.rule, 'provider.throughput');
      assert.match(e.message, new RegExp(`${R} messages a second`));
      assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    }
  } finally {
    await Promise.all(gateways.map((g) => stopProcess(g.proc)));
    const bus = await openBus({ url: NATS_URL, names: queueNames(prefix), partitions: 16, ackWaitMs: 30_000, name: 'h1-cleanup' }).catch(() => null);
    if (bus) {
      await deleteStream(bus);
      await bus.close();
    }
    await dropSchema(schema).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

/**
 * Durability, proved by killing: under load, `kill -9` gateway processes (each role in turn), start
 * them again, and at the end compare what the content provider was told (acknowledged ids), what
 * the upstream sink received, and the statutory records. Runs on PostgreSQL + NATS JetStream
 * (one ingress, two egress processes) and on SQLite (one process). Bounded: a few kills, a few
 * thousand messages, loopback only.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { App } from '../../src/app/app.js';
import { SystemClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/ports/store.js';
import { openTestPgStore, TEST_PG_URL } from '../helpers/pg.js';
import { TEST_NATS_URL, testPrefix } from '../integration/nats/bus-fixture.js';
import { openBus, deleteStream } from '../../src/queue/nats.js';
import { queueNames } from '../../src/queue/subjects.js';
import { freePort, kill9, sinkState, sleep, startLoad, startProc, stopGracefully, type Proc } from './harness.js';
import { verifyRun } from './verify.js';

const ADMIN = 'sga_chaos_admin_token_0123456789';
const PORT = '10690001';

async function onboard(store: Store): Promise<{ cpId: string; apiKey: string }> {
  const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
  const admin = { role: 'admin' as const, actorId: 'chaos' };
  const { id, apiKey } = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' });
  await app.addSignature(admin, id, { signature: '【示例】' });
  await app.addPort(admin, { number: PORT, contentProviderId: id, kind: 'service' });
  return { cpId: id, apiKey };
}

async function waitDrained(store: Store, sinkUrl: string, expected: () => Promise<number>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const [pending, s, want] = await Promise.all([store.outbox.pendingCount(), sinkState(sinkUrl), expected()]);
    if (pending === 0 && s.deliveries.length >= want) return;
    await sleep(250);
  }
}

describe('chaos: kill -9 under load', { timeout: 480_000 }, () => {
  const procs: Proc[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  async function startSink(): Promise<{ url: string; proc: Proc }> {
    const proc = startProc('sink.ts', null);
    procs.push(proc);
    const { port } = JSON.parse(await proc.ready) as { port: number };
    return { url: `http://127.0.0.1:${port}`, proc };
  }

  /** One ingress and two egress processes; `stop` each in turn under load, start it again, then compare. */
  async function pgScenario(mode: 'kill' | 'term') {
    const h = await openTestPgStore();
    cleanups.push(() => h.dispose());
    const { cpId, apiKey } = await onboard(h.store);
    const sink = await startSink();
    const prefix = testPrefix();
    cleanups.push(async () => {
      const bus = await openBus({ url: TEST_NATS_URL, names: queueNames(prefix), partitions: 0, ackWaitMs: 1000 });
      await deleteStream(bus);
      await bus.close();
    });
    const httpPort = await freePort();
    const base = { db: TEST_PG_URL, schema: h.schema, queue: TEST_NATS_URL, prefix, sink: sink.url, adminToken: ADMIN };
    const spec = { ingress: { ...base, role: 'ingress', httpPort }, egressA: { ...base, role: 'egress', httpPort: 0 }, egressB: { ...base, role: 'egress', httpPort: 0 } } as const;
    const running: Record<keyof typeof spec, Proc> = {} as never;
    const launch = async (k: keyof typeof spec) => {
      const p = startProc('gateway-proc.ts', spec[k]);
      procs.push(p);
      running[k] = p;
      await p.ready;
    };
    await launch('ingress');
    await launch('egressA');
    await launch('egressB');

    const load = startLoad({ urls: () => [`http://127.0.0.1:${httpPort}`], apiKey, port: PORT, batch: 20, maxMessages: 9000, pauseMs: 40 });
    const order: (keyof typeof spec)[] = mode === 'kill' ? ['egressA', 'ingress', 'egressB', 'egressA', 'ingress', 'egressB'] : ['egressA', 'ingress', 'egressB'];
    for (const k of order) {
      await sleep(1200);
      if (mode === 'kill') await kill9(running[k]);
      else await stopGracefully(running[k]);
      await sleep(500);
      await launch(k);
    }
    await sleep(1000);
    const result = await load.stop();
    assert.ok(result.acked.size > 200, `load too small to mean anything: ${result.acked.size}`);
    await waitDrained(h.store, sink.url, async () => result.acked.size, 60_000);
    const report = await verifyRun(h.store, cpId, result, await sinkState(sink.url));
    console.log(`chaos pg+nats (${mode}): ${JSON.stringify({ restarts: order.length, ...report, failedRequests: result.failedRequests })}`);
    for (const k of Object.keys(running) as (keyof typeof spec)[]) await stopGracefully(running[k]);
    assert.equal(await h.store.outbox.pendingCount(), 0);
    return report;
  }

  test('PostgreSQL + NATS: ingress and egress processes killed in turn; every acknowledged message once at the sink, records agree', async () => {
    await pgScenario('kill');
  });

  test('PostgreSQL + NATS: graceful restarts drain in-flight work — nothing is submitted twice', async () => {
    const report = await pgScenario('term');
    assert.equal(report.redundantSubmits, 0, 'a graceful stop finishes and acknowledges the batch in hand');
    assert.equal(report.unackedDelivered, 0);
  });

  test('SQLite, one process: killed three times under load; every acknowledged message once at the sink, records agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-chaos-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, 'smsguard.db');
    const setup = new SqliteStore(db);
    const { cpId, apiKey } = await onboard(setup);
    await setup.close();
    const sink = await startSink();
    const httpPort = await freePort();
    let proc: Proc;
    const launch = async () => {
      proc = startProc('gateway-proc.ts', { db, role: 'all', httpPort, sink: sink.url, adminToken: ADMIN });
      procs.push(proc);
      await proc.ready;
    };
    await launch();
    const load = startLoad({ urls: () => [`http://127.0.0.1:${httpPort}`], apiKey, port: PORT, batch: 20, maxMessages: 4000, pauseMs: 40 });
    for (let i = 0; i < 3; i++) {
      await sleep(1200);
      await kill9(proc!);
      await sleep(300);
      await launch();
    }
    await sleep(800);
    const result = await load.stop();
    assert.ok(result.acked.size > 100, `load too small: ${result.acked.size}`);
    // Read the file from here while the gateway finishes (WAL: concurrent readers are fine).
    const store = new SqliteStore(db);
    cleanups.push(() => store.close());
    await waitDrained(store, sink.url, async () => result.acked.size, 60_000);
    await stopGracefully(proc!);
    const report = await verifyRun(store, cpId, result, await sinkState(sink.url));
    console.log(`chaos sqlite: ${JSON.stringify({ kills: 3, ...report, failedRequests: result.failedRequests })}`);
  });
});

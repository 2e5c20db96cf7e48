/**
 * The NATS JetStream pipeline against real PostgreSQL and NATS: ingress relays accepted messages to
 * recipient partitions, egress workers own disjoint partitions and submit each message once, a
 * lost hand-over or a transient upstream failure is handed over again, and partitions move when a
 * worker leaves. (Kill -9 of whole processes: test/chaos.)
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { seedProvider, msisdn } from '../../contract/fixtures.js';
import { startPiece, removeStream, testPrefix, type Piece } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { partitionOf } from '../../../src/queue/subjects.js';
import type { Egress, SubmitResult } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { Principal } from '../../../src/app/types.js';

/** The ids of accepted outcomes, sorted; a refused one fails the test. */
function acceptedIds(out: { ok: boolean; id?: string }[]): string[] {
  return out.map((o) => (o.ok && o.id ? o.id : assert.fail(JSON.stringify(o)))).sort();
}

/** The ids the simulator of `piece` was sent, sorted. */
function sentIds(piece: Piece): string[] {
  return piece.simulator.outbox().map((d) => d.messageId).sort();
}

/**
 * An egress whose link never comes up and says so (Egress.bound): its submits wait (`waiting`) until
 * a stop (stopSending) ends them unsent, as the SMPP client does with no link bound.
 */
function linkNeverUp(): { down: Egress; waiting: ((r: SubmitResult) => void)[] } {
  const waiting: ((r: SubmitResult) => void)[] = [];
  let stopping = false;
  const unsent: SubmitResult = { ok: false, retry: true, reason: 'stopping', stopped: { written: false } };
  const down: Egress = {
    submit: () => (stopping ? Promise.resolve(unsent) : new Promise<SubmitResult>((r) => waiting.push(r))),
    bound: () => false,
    stopSending() {
      stopping = true;
      for (const r of waiting.splice(0)) r(unsent);
    },
    onReceipt() {}, onMo() {}, async close() {},
  };
  return { down, waiting };
}

describe('NATS JetStream pipeline', { timeout: 90_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  /**
   * A schema of its own with a provider seeded (dropped after the suite), a bus prefix of its own, and
   * `submit`: verification codes from the provider, through `piece`'s app, to `numbers` (or that many new numbers).
   */
  async function setup() {
    const h = await openTestPgStore();
    cleanups.push(() => h.dispose());
    const seeded = await seedProvider(h.store, 'a1b2c3');
    const principal: Principal = { role: 'content-provider', contentProviderId: seeded.cp.id, actorId: 'test' };
    const submit = (piece: Piece, numbers: string[] | number, extra: { registeredDelivery?: boolean; clientRef?: string } = {}) => {
      const to = typeof numbers === 'number' ? Array.from({ length: numbers }, () => msisdn()) : numbers;
      return piece.app.submitMessages(principal, to.map((n) => ({ from: seeded.service, to: n, text: `${seeded.signature}您的验证码是${Math.floor(Math.random() * 1e6)}`, type: 'verification', ...extra })), 'http');
    };
    return { h, seeded, prefix: testPrefix(), submit };
  }

  /** A piece with `egress` a link that never comes up (linkNeverUp), holding two submits in hand. */
  async function twoInHandWithNoLink(h: { schema: string }, prefix: string, submit: Awaited<ReturnType<typeof setup>>['submit']) {
    const { down, waiting } = linkNeverUp();
    const first = await startPiece({ schema: h.schema, prefix, role: 'all', egress: down });
    cleanups.push(() => removeStream(first));
    const ids = acceptedIds(await submit(first, 2));
    await until(() => waiting.length === 2, 10_000, 'the submits in hand');
    return { first, ids };
  }

  test('ingress and two egress workers: disjoint partitions, every accepted message upstream exactly once', async () => {
    const { h, prefix, submit } = await setup();
    const ingress = await startPiece({ schema: h.schema, prefix, role: 'ingress' });
    cleanups.push(async () => { await removeStream(ingress); await ingress.stop(); });
    const e1 = await startPiece({ schema: h.schema, prefix, role: 'egress' });
    const e2 = await startPiece({ schema: h.schema, prefix, role: 'egress' });
    cleanups.push(() => e1.stop(), () => e2.stop());
    await until(() => e1.roles.worker!.owned().length === 4 && e2.roles.worker!.owned().length === 4, 10_000, 'a fair split of 8 partitions');
    const o1 = e1.roles.worker!.owned();
    const o2 = e2.roles.worker!.owned();
    assert.deepEqual([...o1, ...o2].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);

    const ids = acceptedIds(await submit(ingress, 300));
    await until(() => e1.simulator.outbox().length + e2.simulator.outbox().length >= ids.length, 30_000, 'all messages at the SMSC');
    await until(async () => (await h.store.outbox.pendingCount()) === 0, 10_000, 'empty queue');
    const got = [...e1.simulator.outbox(), ...e2.simulator.outbox()].map((d) => d.messageId);
    assert.equal(got.length, ids.length, 'no duplicates');
    assert.deepEqual([...new Set(got)].sort(), ids);
    // Each number went through the worker owning its partition.
    for (const d of e1.simulator.outbox()) assert.ok(o1.includes(partitionOf(d.to, 8)));
    for (const d of e2.simulator.outbox()) assert.ok(o2.includes(partitionOf(d.to, 8)));
    const v = await h.store.messages.getMessage(ids[0]);
    assert.ok(v && ['submitted', 'delivered'].includes(v.status));

    // A worker leaves: the other takes every partition and carries on.
    await e1.stop();
    await until(() => e2.roles.worker!.owned().length === 8, 10_000, 'takeover');
    const before = e2.simulator.outbox().length;
    const more = await submit(ingress, 50);
    await until(() => e2.simulator.outbox().length === before + more.length, 20_000, 'survivor delivers');
    assert.equal(e1.simulator.outbox().length, got.length - before, 'the stopped worker sent nothing more');
  });

  test('receipts and MO travel back to the ingress, once each', async () => {
    const { h, seeded, prefix, submit } = await setup();
    const ingress = await startPiece({ schema: h.schema, prefix, role: 'ingress' });
    cleanups.push(async () => { await removeStream(ingress); await ingress.stop(); });
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress' });
    cleanups.push(() => egress.stop());
    const statuses: string[] = [];
    const mos: string[] = [];
    // clientRef too: the bus carries it, so the ingress's HTTP status callback needs no records read.
    ingress.app.events.on('messageStatus', (e) => statuses.push(`${e.id}:${e.status}:${e.clientRef}`));
    ingress.app.events.on('moForward', (e) => mos.push(e.text));
    const to = msisdn();
    const [o] = await submit(ingress, [to], { registeredDelivery: true, clientRef: 'order-9' });
    assert.ok(o.ok);
    await until(() => statuses.length >= 2, 15_000, 'submitted and delivered at the ingress');
    egress.simulator.injectMo({ from: to, to: seeded.service, text: '你好，请问营业时间' });
    await until(() => mos.length >= 1, 15_000, 'MO at the ingress');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(statuses, [`${o.id}:submitted:order-9`, `${o.id}:delivered:order-9`]);
    assert.deepEqual(mos, ['你好，请问营业时间']);
  });

  test('an egress machine whose clock runs behind still takes fresh messages at once', async () => {
    const { h, prefix, submit } = await setup();
    const ingress = await startPiece({ schema: h.schema, prefix, role: 'ingress', timings: { graceMs: 600_000 } });
    cleanups.push(async () => { await removeStream(ingress); await ingress.stop(); });
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', now: ingress.clock.now() - 2000, timings: { graceMs: 600_000 } });
    cleanups.push(() => egress.stop());
    const ids = acceptedIds(await submit(ingress, 5));
    await until(() => egress.simulator.outbox().length === 5, 10_000, 'delivered despite the skew (no waiting for the grace time)');
    assert.deepEqual(sentIds(egress), ids);
  });

  test('a transient upstream failure is retried through the relay and sent once', async () => {
    const { h, prefix, submit } = await setup();
    const sent: string[] = [];
    let failures = 0;
    const flaky: Egress = {
      async submit(m: OutboundMessage): Promise<SubmitResult> {
        if (m.attempts === 1) { failures++; return { ok: false, retry: true, reason: 'ESME_RTHROTTLED' }; }
        sent.push(m.id);
        return { ok: true, upstreamId: `U${sent.length}` };
      },
      onReceipt() {}, onMo() {}, async close() {},
    };
    const piece = await startPiece({ schema: h.schema, prefix, role: 'all', egress: flaky });
    cleanups.push(async () => { await removeStream(piece); await piece.stop(); });
    const ids = acceptedIds(await submit(piece, 20));
    await until(async () => { await new Promise((r) => setTimeout(r, 50)); piece.clock.advance(2000); return sent.length === 20; }, 30_000, 'retries delivered');
    await until(async () => (await h.store.outbox.pendingCount()) === 0, 10_000, 'outcomes recorded');
    assert.equal(failures, 20);
    assert.deepEqual([...sent].sort(), ids);
  });

  test('a hand-over lost on the bus is handed over again after the grace time', async () => {
    const { h, prefix, submit } = await setup();
    const piece = await startPiece({ schema: h.schema, prefix, role: 'all', timings: { graceMs: 5000 } });
    cleanups.push(async () => { await removeStream(piece); await piece.stop(); });
    // Purge the stream right after hand-over: the bus "lost" the messages.
    await piece.roles.worker!.stop();
    const ids = acceptedIds(await submit(piece, 10));
    await until(() => piece.roles.relay.published >= 10, 10_000, 'handed over');
    await piece.roles.bus.jsm.streams.purge(piece.roles.bus.names.stream);
    const second = await startPiece({ schema: h.schema, prefix, role: 'egress' });
    cleanups.push(() => second.stop());
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(second.simulator.outbox().length, 0, 'nothing on the bus any more');
    piece.clock.advance(6000);
    await until(() => second.simulator.outbox().length === 10, 20_000, 'handed over again');
    assert.deepEqual(sentIds(second), ids);
  });

  test('shutdown with the upstream down is bounded; what was in hand is sent once by the next egress', async () => {
    const { h, prefix, submit } = await setup();
    let calls = 0;
    // A link that never comes up: submit never settles.
    const down: Egress = { submit: () => { calls++; return new Promise<SubmitResult>(() => undefined); }, onReceipt() {}, onMo() {}, async close() {} };
    const timings = { stopWaitMs: 200, ackWaitMs: 1000, leaseMs: 2000 };
    const first = await startPiece({ schema: h.schema, prefix, role: 'all', egress: down, timings });
    cleanups.push(() => removeStream(first));
    const ids = acceptedIds(await submit(first, 1));
    await until(() => calls > 0, 10_000, 'the submit in hand');
    await first.stop(); // before the bound, this waited for the submit forever
    const second = await startPiece({ schema: h.schema, prefix, role: 'all', timings });
    cleanups.push(() => second.stop());
    await until(() => { second.clock.advance(1000); return second.simulator.outbox().length > 0; }, 20_000, 'sent by the next egress');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(sentIds(second), ids, 'once');
  });

  test('shutdown with no link bound is prompt and gives the claims back: the next egress sends at once, not after the lease', async () => {
    const { h, prefix, submit } = await setup();
    // A link that never comes up and says so (Egress.bound); a stop ends the waiting submits unsent.
    // Default lease (60 s) and stop bound (10 s): neither may be waited out.
    const { first, ids } = await twoInHandWithNoLink(h, prefix, submit);
    const t0 = Date.now();
    await first.stop();
    assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0} ms`);
    // a second on (a hand-over round is its time), well within the 60 s a lease still held would keep them
    const second = await startPiece({ schema: h.schema, prefix, role: 'all', now: first.clock.now() + 1000 });
    cleanups.push(() => second.stop());
    await until(() => second.simulator.outbox().length === 2, 10_000, 'sent by the next egress');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(sentIds(second), ids, 'each once');
  });

  test('a stop that outlasts the lease gives back only its own claims: those another process took since stand', async () => {
    const { h, prefix, submit } = await setup();
    const { first, ids } = await twoInHandWithNoLink(h, prefix, submit);
    // Another process claims them as its egress worker would, once the first's lease (60 s) ran out.
    const other = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 2 });
    cleanups.push(() => other.close());
    const at = first.clock.now() + 60_000;
    const taken = await other.outbox.claimIds(ids, at, 60_000);
    assert.deepEqual(taken.map((m) => [m.id, m.attempts]).sort(), ids.map((id) => [id, 2]));
    await first.stop();
    const rows = (await h.store.pool.query<{ id: string; leased_until: number | null; attempts: number }>('SELECT id, leased_until, attempts FROM message_status ORDER BY id')).rows;
    assert.deepEqual(rows, ids.map((id) => ({ id, leased_until: at + 60_000, attempts: 2 })), 'the other process\'s claims stand');
  });
});

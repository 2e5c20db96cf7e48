/**
 * The upstream client against fake SMSCs that each misbehave in exactly one way. In every case:
 * every message is acknowledged by some SMSC exactly once (nothing lost, nothing sent twice), and
 * every message gets exactly one receipt. The same cases run against the client in process and on its
 * own worker thread (what `start` uses): the thread must add nothing and lose nothing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppUpstream, type UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { FakeSmsc, type FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { until } from '../../helpers/wait.js';

const N = 30;

function msgs(n: number, tag: string): OutboundMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `msg_${tag}_${i}`, contentProviderId: 'cp_1', from: '10690001', to: `+86138000${String(i).padStart(5, '0')}`, text: `${tag} message ${i}`,
    registeredDelivery: true, attempts: 0, submittedAt: Date.now(),
  }));
}

type Client = SmppUpstream | ThreadedUpstream;
const VARIANTS: [string, (o: UpstreamOptions) => Client][] = [
  ['in process', (o) => new SmppUpstream(o)],
  ['on its own thread', (o) => new ThreadedUpstream(o)],
];

async function run(make: (o: UpstreamOptions) => Client, primary: FakeSmscOptions, withBackup: boolean) {
  const bad = new FakeSmsc(primary);
  const good = new FakeSmsc({ misbehaviour: 'none', dlr: true });
  await bad.listen();
  await good.listen();
  const links = [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${bad.port}?name=bad&window=5`)];
  if (withBackup) links.push({ ...parseUpstreamUrl(`smpp://u:p@127.0.0.1:${good.port}?name=good&window=5`), weight: 0.001 });
  const up = make({ links, submitBudgetMs: 10_000, link: { session: { responseTimeoutMs: 300 }, minBackoffMs: 50, maxBackoffMs: 200 } });
  const receipts: DeliveryReceipt[] = [];
  up.onReceipt((r) => { receipts.push(r); });
  up.start();
  assert.ok(await up.waitUp(3000));
  const tag = primary.misbehaviour;
  const list = msgs(N, tag);
  const results = await Promise.all(list.map((m) => up.submit(m)));
  // the delivery worker may call again for the same message (lease expiry): nothing is resent
  const again = await Promise.all(list.slice(0, 5).map((m) => up.submit(m)));
  return { bad, good, up, receipts, list, results, again };
}

async function check(r: Awaited<ReturnType<typeof run>>, expectReceipts: boolean) {
  const { bad, good, up, receipts, list, results, again } = r;
  try {
    assert.ok(results.every((x) => x.ok), JSON.stringify(results.filter((x) => !x.ok).slice(0, 2)));
    const acked = [...bad.ackedTexts(), ...good.ackedTexts()].sort();
    assert.deepEqual(acked, list.map((m) => m.text).sort(), 'each message acknowledged exactly once');
    const ids = results.map((x) => (x.ok ? x.upstreamId : ''));
    assert.equal(new Set(ids).size, N);
    again.forEach((a, i) => assert.deepEqual(a, results[i]));
    if (expectReceipts) {
      await until(() => receipts.length >= N);
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(receipts.length, N, 'one receipt per message');
      assert.deepEqual(receipts.map((x) => x.upstreamId).sort(), [...ids].sort());
      assert.ok(receipts.every((x) => x.stat === 'DELIVRD'));
    }
  } finally {
    await up.close();
    await bad.close();
    await good.close();
  }
}

for (const [name, make] of VARIANTS) {
  describe(`upstream client ${name} vs misbehaving SMSCs: nothing lost, nothing twice`, () => {
    test('well-behaved, receipt ids in decimal vs hex responses, receipts duplicated', async () => {
      await check(await run(make, { misbehaviour: 'none', dlr: true, decimalReceiptIds: true, duplicateReceipts: true }, false), true);
    });
    test('never answers → failover to the other link', async () => {
      const r = await run(make, { misbehaviour: 'never_answers' }, true);
      assert.ok(r.bad.received.length > 0, 'the silent SMSC was tried');
      await check(r, true);
    });
    test('answers generic_nack → failover to the other link', async () => {
      const r = await run(make, { misbehaviour: 'generic_nack' }, true);
      assert.ok(r.bad.received.length > 0);
      await check(r, true);
    });
    test('throttles → backs off and retries', async () => {
      const r = await run(make, { misbehaviour: 'throttles', dlr: true }, false);
      assert.ok(r.bad.received.length > N, 'throttled submits were retried');
      await check(r, true);
    });
    test('unbinds mid-stream → rebinds and resends only what was unanswered', async () => {
      const r = await run(make, { misbehaviour: 'unbinds_mid_stream', dlr: true, after: 7 }, false);
      assert.ok(r.bad.binds >= 2, 'rebound');
      await check(r, true);
    });
    test('drops the connection → reconnects and resends only what was unanswered', async () => {
      const r = await run(make, { misbehaviour: 'drops_connection', dlr: true, after: 7 }, false);
      assert.ok(r.bad.binds >= 2, 'reconnected');
      await check(r, true);
    });
    test('receipt before submit_sm_resp → still matched, once', async () => {
      await check(await run(make, { misbehaviour: 'dlr_before_resp' }, false), true);
    });
  });
  
  describe(`upstream client ${name}: routing`, () => {
    test('longest matching prefix wins; links without prefixes take the rest', async () => {
      const a = new FakeSmsc({ misbehaviour: 'none' });
      const b = new FakeSmsc({ misbehaviour: 'none' });
      const c = new FakeSmsc({ misbehaviour: 'none' });
      await Promise.all([a.listen(), b.listen(), c.listen()]);
      const up = make({ links: [
        parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=cmcc&prefixes=86138,86139`),
        parseUpstreamUrl(`smpp://u:p@127.0.0.1:${b.port}?name=cmcc-1389&prefixes=861389`),
        parseUpstreamUrl(`smpp://u:p@127.0.0.1:${c.port}?name=default`),
      ] });
      up.start();
      try {
        assert.ok(await up.waitUp(3000));
        const m = (id: string, to: string): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to, text: id, registeredDelivery: false, attempts: 0, submittedAt: 0 });
        const rs = await Promise.all([m('m1', '+8613800000001'), m('m2', '+8613890000001'), m('m3', '+8613900000001'), m('m4', '+8618600000001')].map((x) => up.submit(x)));
        assert.ok(rs.every((r) => r.ok));
        assert.deepEqual(a.ackedTexts().sort(), ['m1', 'm3']);
        assert.deepEqual(b.ackedTexts(), ['m2']);
        assert.deepEqual(c.ackedTexts(), ['m4']);
      } finally {
        await up.close();
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    });

    test('a recipient no link carries is refused for good, and asking again gets the same answer', async () => {
      const a = new FakeSmsc({ misbehaviour: 'none' });
      await a.listen();
      const up = make({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=cmcc&prefixes=86138`)] });
      up.start();
      try {
        assert.ok(await up.waitUp(3000));
        const m: OutboundMessage = { id: 'm_far', contentProviderId: 'cp', from: '10690001', to: '+8618600000001', text: 'far', registeredDelivery: false, attempts: 0, submittedAt: 0 };
        const refused = { ok: false, retry: false, reason: 'no upstream link carries this recipient' };
        assert.deepEqual(await up.submit(m), refused);
        assert.deepEqual(await up.submit(m), refused);
        // and a message it does carry still goes
        assert.ok((await up.submit({ ...m, id: 'm_near', to: '+8613800000001', text: 'near' })).ok);
        assert.deepEqual(a.ackedTexts(), ['near']);
      } finally {
        await up.close();
        await a.close();
      }
    });

    test('the same message submitted again while its first submit runs is sent once', async () => {
      const a = new FakeSmsc({ misbehaviour: 'none' });
      await a.listen();
      const up = make({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=only`)] });
      up.start();
      try {
        assert.ok(await up.waitUp(3000));
        const m: OutboundMessage = { id: 'm_twice', contentProviderId: 'cp', from: '10690001', to: '+8613800000001', text: 'twice', registeredDelivery: false, attempts: 0, submittedAt: 0 };
        const [x, y] = await Promise.all([up.submit(m), up.submit(m)]);
        assert.ok(x.ok);
        assert.deepEqual(y, x);
        // once it has ended too
        assert.deepEqual(await up.submit(m), x);
        assert.deepEqual(a.ackedTexts(), ['twice']);
      } finally {
        await up.close();
        await a.close();
      }
    });
  });
}

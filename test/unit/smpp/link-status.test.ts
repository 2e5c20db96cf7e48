/**
 * The carrier links' status snapshot (UpstreamLinkSource, src/ports/upstream-links.ts) against fake
 * SMSCs, for the client in process and on its own thread (what `start` runs): bound, the counters
 * moving with submits, throttling, receipts and MO, in flight and queued against the window, down
 * after the SMSC drops the connection and bound again after a reconnect, and the thread's stale
 * answers. Never the password.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppUpstream, type UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { UpstreamLinkStatus } from '../../../src/ports/upstream-links.js';
import { FakeSmsc, type FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { until, waitFor } from '../../helpers/wait.js';

type Client = SmppUpstream | ThreadedUpstream;
const VARIANTS: [string, (o: UpstreamOptions) => Client][] = [
  ['in process', (o) => new SmppUpstream(o)],
  ['on its own thread', (o) => new ThreadedUpstream(o)],
];

let seq = 0;
const msg = (text: string): OutboundMessage => ({
  id: `msg_ls_${seq++}`, contentProviderId: 'cp_1', from: '10690001', to: `+86138000${String(seq).padStart(5, '0')}`, text, registeredDelivery: true, attempts: 0, submittedAt: Date.now(),
});

async function setUp(make: (o: UpstreamOptions) => Client, fake: FakeSmscOptions, query = 'window=5', o: Partial<UpstreamOptions> = {}) {
  const smsc = new FakeSmsc(fake);
  await smsc.listen();
  const up = make({ links: [parseUpstreamUrl(`smpp://carrier_a:s3cretpw@127.0.0.1:${smsc.port}?name=cmcc&${query}`)], submitBudgetMs: 10_000, link: { session: { responseTimeoutMs: 300 }, minBackoffMs: 50, maxBackoffMs: 200 }, ...o });
  up.onReceipt(() => undefined);
  up.onMo(() => undefined);
  return { smsc, up, link: async (): Promise<UpstreamLinkStatus> => (await up.linkStatus(2000)).links[0] };
}

for (const [variant, make] of VARIANTS) {
  describe(`link status (${variant})`, () => {
    test('bound: the link as configured, never the password; counters move with submits, receipts and MO', async () => {
      const { smsc, up, link } = await setUp(make, { misbehaviour: 'none', dlr: true }, 'window=7&throughput=0&prefixes=86138,86139&weight=2&carrier=CMCC');
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        const snap = await up.linkStatus(2000);
        assert.equal(snap.stale, false);
        assert.equal(snap.links.length, 1);
        const l = snap.links[0];
        assert.deepEqual({ ...l, boundSince: typeof l.boundSince, sessions: l.sessions.map((s) => ({ ...s, boundSince: s.boundSince === l.boundSince })) }, {
          name: 'cmcc', host: '127.0.0.1', port: smsc.port, systemId: 'carrier_a', tls: false, bind: 'trx', state: 'bound', boundSince: 'number', stoppedAt: null, stoppedBy: null,
          sessions: [{ bindType: 'transceiver', state: 'bound', boundSince: true, reconnects: 0, lastError: null }],
          window: 7, inFlight: 0, queued: 0, throughput: 0, prefixes: ['86138', '86139'], weight: 2, carrier: 'CMCC', throttledUntil: null, reconnects: 0, lastError: null,
          counters: { submitted: 0, submitFailed: 0, throttled: 0, receipts: 0, mo: 0 },
        });
        assert.ok(!JSON.stringify(snap).includes('s3cretpw'), 'never the password');

        const rs = await Promise.all([msg('one'), msg('two'), msg('three')].map((m) => up.submit(m)));
        assert.ok(rs.every((r) => r.ok));
        await until(async () => (await link()).counters.receipts === 3, 5000, 'three receipts counted');
        assert.equal(await smsc.sendMo({ from: '8613900000001', to: '10690001', text: 'TD' }), 0);
        const after = await link();
        assert.deepEqual(after.counters, { submitted: 3, submitFailed: 0, throttled: 0, receipts: 3, mo: 1 });
        assert.equal(after.inFlight, 0);
      } finally {
        await up.close();
        await smsc.close();
      }
    });

    test('throttled answers are counted apart from failures', async () => {
      const { smsc, up, link } = await setUp(make, { misbehaviour: 'throttles' });
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        const rs = await Promise.all([msg('a'), msg('b')].map((m) => up.submit(m)));
        assert.ok(rs.every((r) => r.ok));
        const c = (await link()).counters;
        assert.equal(c.submitted, 2);
        assert.ok(c.throttled >= 1, JSON.stringify(c));
        assert.equal(c.submitFailed, 0);
      } finally {
        await up.close();
        await smsc.close();
      }
    });

    test('in flight up to the window, the rest queued on the link', async () => {
      const { smsc, up, link } = await setUp(make, { misbehaviour: 'never_answers' }, 'window=1', { submitBudgetMs: 1000, link: { session: { responseTimeoutMs: 5000 } } });
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        for (const m of [msg('x'), msg('y'), msg('z')]) void up.submit(m);
        const l = await waitFor(async () => { const s = await link(); return s.inFlight === 1 && s.queued === 2 ? s : undefined; }, 5000, 'one in flight, two queued');
        assert.equal(l.window, 1);
      } finally {
        await up.close();
        await smsc.close();
      }
    });

    test('down after the SMSC drops the connection (last error, a failed submit), then bound again after one reconnect', async () => {
      // a long backoff, so that the link stays down long enough to be seen so
      const { smsc, up, link } = await setUp(make, { misbehaviour: 'drops_connection', after: 2 }, 'window=1', { link: { session: { responseTimeoutMs: 2000 }, minBackoffMs: 1500, maxBackoffMs: 1500 } });
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        const first = await up.submit(msg('before the drop'));
        assert.ok(first.ok);
        const second = up.submit(msg('dropped'));
        const down = await waitFor(async () => { const s = await link(); return s.state === 'down' ? s : undefined; }, 5000, 'the link down');
        assert.equal(down.boundSince, null);
        assert.ok(down.lastError && down.lastError.message.length > 0 && down.lastError.at > 0, JSON.stringify(down.lastError));
        assert.equal(down.counters.submitFailed, 1, 'the submit the drop left unanswered');
        assert.equal(down.counters.submitted, 1);
        const r = await second;
        assert.ok(r.ok, 'sent again once the link is back');
        const back = await link();
        assert.equal(back.state, 'bound');
        assert.equal(back.reconnects, 1);
        assert.equal(typeof back.boundSince, 'number');
        assert.equal(back.counters.submitted, 2);
        assert.deepEqual(back.lastError, down.lastError, 'the last error stays until another');
      } finally {
        await up.close();
        await smsc.close();
      }
    });

    test('closed once stopped', async () => {
      const { smsc, up, link } = await setUp(make, { misbehaviour: 'none' });
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        assert.equal((await link()).state, 'bound');
        if (up instanceof SmppUpstream) {
          await up.close();
          assert.equal((await link()).state, 'closed');
        }
      } finally {
        await up.close();
        await smsc.close();
      }
    });
  });
}

describe('link status from the client thread when it cannot answer', () => {
  test('before the thread runs: the configuration, state unknown, stale; after it ended: its last figures, stale', async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'none' });
    await smsc.listen();
    const up = new ThreadedUpstream({ links: [parseUpstreamUrl(`smpp://carrier_a:pw@127.0.0.1:${smsc.port}?name=cmcc&window=3&carrier=cmcc`)] });
    try {
      const early = await up.linkStatus(500);
      assert.equal(early.stale, true);
      assert.equal(early.links[0].state, 'unknown');
      assert.equal(early.links[0].window, 3);
      assert.equal(early.links[0].carrier, 'cmcc', 'the configuration says where its ported numbers go');
      up.start();
      assert.ok(await up.waitUp(3000));
      assert.ok((await up.submit(msg('one'))).ok);
      const live = await up.linkStatus(2000);
      assert.equal(live.stale, false);
      assert.equal(live.links[0].counters.submitted, 1);
      await up.close();
      const last = await up.linkStatus(500);
      assert.equal(last.stale, true);
      assert.equal(last.links[0].counters.submitted, 1, 'the figures it last gave');
      assert.equal(last.at, live.at);
    } finally {
      await up.close();
      await smsc.close();
    }
  });
});

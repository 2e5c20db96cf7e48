/**
 * An operator's stop and start of one carrier link (UpstreamLinkControl, src/ports/upstream-links.ts;
 * UpstreamLink.hold/resume) against fake SMSCs, for the client in process and on its own thread:
 * a stopped link takes no new submit (they fail over to the other link), what it had in flight is
 * answered, then it unbinds and does not reconnect until started; a start binds it again; with no
 * link left a message is given back for a retry, not refused; stops are idempotent; unknown names.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SmppUpstream, type UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { UpstreamLinkControlResult, UpstreamLinkStatus } from '../../../src/ports/upstream-links.js';
import { FakeSmsc, type FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { until, waitFor } from '../../helpers/wait.js';

type Client = SmppUpstream | ThreadedUpstream;
const VARIANTS: [string, (o: UpstreamOptions) => Client][] = [
  ['in process', (o) => new SmppUpstream(o)],
  ['on its own thread', (o) => new ThreadedUpstream(o)],
];

let seq = 0;
const msg = (to: string): OutboundMessage => ({
  id: `msg_lc_${seq++}`, contentProviderId: 'cp_1', from: '10690001', to, text: `hello ${seq}`, registeredDelivery: false, attempts: 0, submittedAt: Date.now(),
});
const num = () => `+86138${String(10_000_000 + seq).padStart(8, '0')}`;

async function setUp(make: (o: UpstreamOptions) => Client, fakes: FakeSmscOptions[], o: Partial<UpstreamOptions> = {}) {
  const smscs = fakes.map((f) => new FakeSmsc(f));
  for (const s of smscs) await s.listen();
  const names = ['cmcc', 'cu'];
  const up = make({
    links: smscs.map((s, i) => parseUpstreamUrl(`smpp://carrier:pw@127.0.0.1:${s.port}?name=${names[i]}&window=5`)),
    submitBudgetMs: 10_000, link: { session: { responseTimeoutMs: 3000 }, minBackoffMs: 50, maxBackoffMs: 100 }, ...o,
  });
  up.onReceipt(() => undefined);
  up.onMo(() => undefined);
  const status = async (name: string): Promise<UpstreamLinkStatus> => (await up.linkStatus(2000)).links.find((l) => l.name === name)!;
  const close = async () => {
    await up.close();
    for (const s of smscs) await s.close();
  };
  return { smscs, up, status, close };
}

function okStatus(r: UpstreamLinkControlResult): UpstreamLinkStatus & { changed: boolean } {
  assert.ok(r.ok, JSON.stringify(r));
  return { ...r.status, changed: r.changed };
}

for (const [variant, make] of VARIANTS) {
  describe(`link stop and start (${variant})`, () => {
    test('stop: no new submit (the other link takes them), the one in flight answered, then unbound and no reconnect; start binds again', async () => {
      // each SMSC holds its first answer, so that each link has one submit in flight when cmcc is stopped
      const slow: FakeSmscOptions = { misbehaviour: 'none', answerDelayMs: (n) => (n === 1 ? 700 : 0) };
      const { smscs: [a, b], up, status, close } = await setUp(make, [slow, slow]);
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        const first = [msg(num()), msg(num())];
        const inFlight = first.map((m) => up.submit(m));
        await until(() => a.received.length === 1 && b.received.length === 1, 3000, 'one submit in flight on each link');

        const stopped = okStatus(await up.stopLink('cmcc', 'tok_admin_1', 1_700_000_000_000));
        assert.equal(stopped.state, 'stopped');
        assert.equal(stopped.stoppedBy, 'tok_admin_1');
        assert.equal(stopped.stoppedAt, 1_700_000_000_000);
        assert.equal(stopped.changed, true);
        assert.equal(a.conns.size, 1, 'still bound while its submit is in flight');

        // new submits while cmcc drains: all on cu
        const more = [msg(num()), msg(num()), msg(num())];
        const rs = await Promise.all(more.map((m) => up.submit(m)));
        assert.ok(rs.every((r) => r.ok), JSON.stringify(rs));
        assert.equal(a.received.length, 1, 'nothing new written to the stopped link');
        assert.equal(b.received.length, 4);

        // the submit in flight on cmcc is answered, not failed
        const firsts = await Promise.all(inFlight);
        assert.ok(firsts.every((r) => r.ok), JSON.stringify(firsts));
        assert.equal(a.acked.length, 1);

        // then it unbinds and stays unbound
        await until(() => a.conns.size === 0, 3000, 'cmcc unbound');
        await sleep(500); // several backoffs (50–100 ms)
        assert.equal(a.binds, 1, 'no reconnect while stopped');
        const s = await status('cmcc');
        assert.equal(s.state, 'stopped');
        assert.equal(s.boundSince, null);
        assert.equal(s.stoppedBy, 'tok_admin_1');
        assert.equal((await status('cu')).state, 'bound');

        const started = okStatus(await up.startLink('cmcc'));
        assert.equal(started.changed, true);
        assert.equal(started.stoppedAt, null);
        assert.equal(started.stoppedBy, null);
        await until(async () => (await status('cmcc')).state === 'bound', 3000, 'cmcc bound again');
        assert.equal(a.binds, 2);
        // and it carries traffic again
        const again = await Promise.all([msg(num()), msg(num()), msg(num()), msg(num())].map((m) => up.submit(m)));
        assert.ok(again.every((r) => r.ok));
        assert.ok(a.received.length > 1, 'cmcc takes submits again');
      } finally {
        await close();
      }
    });

    test('with no link left a message is given back for a retry (not refused); a start lets it go', async () => {
      const { smscs: [a], up, status, close } = await setUp(make, [{ misbehaviour: 'none' }], { submitBudgetMs: 600 });
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        okStatus(await up.stopLink('cmcc', 'tok_admin_1', 1));
        await until(async () => a.conns.size === 0, 3000, 'unbound');
        const r = await up.submit(msg(num()));
        assert.equal(r.ok, false);
        assert.ok(!r.ok && r.retry, 'a retry, as when the link is down');
        assert.equal(a.received.length, 0);
        okStatus(await up.startLink('cmcc'));
        await until(async () => (await status('cmcc')).state === 'bound', 3000, 'bound again');
        assert.ok((await up.submit(msg(num()))).ok);
        assert.equal(a.received.length, 1);
      } finally {
        await close();
      }
    });

    test('idempotent: a second stop keeps the first (who, when); a start of a link in service changes nothing; unknown names', async () => {
      const { up, close } = await setUp(make, [{ misbehaviour: 'none' }, { misbehaviour: 'none' }]);
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        okStatus(await up.stopLink('cmcc', 'tok_first', 10));
        const again = okStatus(await up.stopLink('cmcc', 'tok_second', 20));
        assert.deepEqual([again.changed, again.state, again.stoppedBy, again.stoppedAt], [false, 'stopped', 'tok_first', 10]);
        const inService = okStatus(await up.startLink('cu'));
        assert.deepEqual([inService.changed, inService.state], [false, 'bound']);
        assert.deepEqual(await up.stopLink('nope', 'tok_first', 1), { ok: false, reason: 'unknown_link' });
        assert.deepEqual(await up.startLink('nope'), { ok: false, reason: 'unknown_link' });
      } finally {
        await close();
      }
    });

    test('a start before the drain ends keeps the bind', async () => {
      const { smscs: [a], up, status, close } = await setUp(make, [{ misbehaviour: 'none', answerDelayMs: (n) => (n === 1 ? 600 : 0) }]);
      try {
        up.start();
        assert.ok(await up.waitUp(3000));
        const p = up.submit(msg(num()));
        await until(() => a.received.length === 1, 3000, 'in flight');
        okStatus(await up.stopLink('cmcc', 'tok_admin_1', 1));
        okStatus(await up.startLink('cmcc'));
        assert.ok((await p).ok);
        await sleep(200);
        assert.equal((await status('cmcc')).state, 'bound');
        assert.equal(a.binds, 1, 'the same bind, never unbound');
        assert.ok((await up.submit(msg(num()))).ok);
      } finally {
        await close();
      }
    });
  });
}

describe('link stop on the client thread', () => {
  test('a thread that is not running answers no_answer at once', async () => {
    const up = new ThreadedUpstream({ links: [parseUpstreamUrl('smpp://carrier:pw@127.0.0.1:9?name=cmcc')] });
    assert.deepEqual(await up.stopLink('cmcc', 'tok', 1, 200), { ok: false, reason: 'no_answer' });
    await up.close();
  });

  test('a restarted thread keeps the operator\'s stop', async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'none' });
    await smsc.listen();
    const up = new ThreadedUpstream({ links: [parseUpstreamUrl(`smpp://carrier:pw@127.0.0.1:${smsc.port}?name=cmcc`)], link: { minBackoffMs: 50, maxBackoffMs: 100 } });
    try {
      up.start();
      assert.ok(await up.waitUp(3000));
      okStatus(await up.stopLink('cmcc', 'tok_admin_1', 5));
      await (up as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const s = await waitFor(async () => {
        const snap = await up.linkStatus(500);
        return !snap.stale && snap.links[0].state === 'stopped' ? snap.links[0] : undefined;
      }, 8000, 'the restarted thread reports the link stopped');
      assert.deepEqual([s.stoppedBy, s.stoppedAt], ['tok_admin_1', 5]);
      await sleep(300);
      assert.equal(smsc.binds, 1, 'the restarted thread did not bind the stopped link');
    } finally {
      await up.close();
      await smsc.close();
    }
  });
});

/**
 * ESME_RTHROTTLED slows the whole link, as Kannel's throttling-wait does: after a throttled answer no
 * new submit_sm goes out on that link for the pause (100 ms, doubling while the SMSC keeps throttling,
 * reset by an accepted submit); the throttled message itself goes again after the pause. Before, only
 * the throttled message slept while the others kept filling the window at full rate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppUpstream, type UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import { CommandStatus } from '../../../src/smpp/pdu/index.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { FakeSmsc, FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS, withUpstream, type Upstream } from '../../fakes/smpp/upstream-fixture.js';

const msg = (i: number): OutboundMessage => ({
  id: `msg_thr_${i}`, contentProviderId: 'cp', from: '10690001', to: `+86138000${String(i).padStart(5, '0')}`, text: `throttle ${i}`, registeredDelivery: false, attempts: 0, submittedAt: 0,
});

/** The client bound to a FakeSmsc (`fake`) through one link of `window`, with a 10 s submit budget. */
const withClient = (make: (o: UpstreamOptions) => Upstream, fake: Partial<FakeSmscOptions>, window: number, fn: (up: Upstream, smsc: FakeSmsc) => Promise<void>) =>
  withUpstream(make, { smsc: fake, params: `name=thr&window=${window}`, upstream: { submitBudgetMs: 10_000 } }, fn);

const THROTTLED = CommandStatus.ESME_RTHROTTLED;

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: one ESME_RTHROTTLED pauses every new submit on the link, then the throttled message goes again`, { timeout: 30_000 }, async () => {
    await withClient(make, { misbehaviour: 'none', answer: (_p, n) => (n === 1 ? THROTTLED : undefined) }, 5, async (up, smsc) => {
      const list = Array.from({ length: 20 }, (_, i) => msg(i));
      const rs = await Promise.all(list.map((m) => up.submit(m)));
      assert.ok(rs.every((r) => r.ok), JSON.stringify(rs.filter((r) => !r.ok)));
      assert.deepEqual(smsc.ackedTexts().sort(), list.map((m) => m.text).sort(), 'each message acknowledged exactly once');
      const throttledAt = smsc.answers.find(([, st]) => st === THROTTLED)![2];
      // Submits 2–5 filled the window with the first, before any answer; everything after them was
      // sent once an answer had come back, so none of it may go out during the 100 ms pause (a few ms
      // of slack for timer granularity).
      const after = smsc.receivedAt.slice(5);
      const early = after.filter((t) => t < throttledAt + 95).length;
      assert.equal(early, 0, `submits sent during the pause: ${after.map((t) => t - throttledAt).join(',')}`);
      // The throttled message (the first received) was sent again and accepted.
      const firstText = smsc.ackedTexts().find((t) => t === 'throttle 0');
      assert.ok(firstText);
    });
  });
}

test('the pause grows while the SMSC keeps throttling and starts over after an accepted submit', { timeout: 30_000 }, async () => {
  const throttle = new Set([1, 2, 3, 6]);
  await withClient((o) => new SmppUpstream(o), { misbehaviour: 'none', answer: (_p, n) => (throttle.has(n) ? THROTTLED : undefined) }, 1, async (up, smsc) => {
    const list = Array.from({ length: 4 }, (_, i) => msg(100 + i));
    const rs = await Promise.all(list.map((m) => up.submit(m)));
    assert.ok(rs.every((r) => r.ok));
    assert.deepEqual(smsc.ackedTexts().sort(), list.map((m) => m.text).sort());
    const answerAt = (n: number) => smsc.answers.find(([k]) => k === n)![2];
    const gap = (n: number) => smsc.receivedAt[n] - answerAt(n); // receivedAt[n] is submit n+1
    assert.ok(gap(1) >= 95, `after the 1st throttle: ${gap(1)} ms`);
    assert.ok(gap(2) >= 195, `after the 2nd: ${gap(2)} ms`);
    assert.ok(gap(3) >= 395, `after the 3rd: ${gap(3)} ms`);
    assert.ok(gap(6) >= 95, `after a throttle following a success: ${gap(6)} ms`);
    assert.ok(gap(6) < 395, `reset by the accepted submit: ${gap(6)} ms`);
  });
});

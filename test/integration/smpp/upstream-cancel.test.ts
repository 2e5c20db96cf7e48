/**
 * Egress.cancel on the SMPP client (in process and on its own thread): a message whose claim was lost
 * (or is about to lapse) writes nothing more. Its part still waiting in the link's queue, for the
 * window or for the throughput cap, is taken back unwritten and its submit ends as not written (its
 * claim can go back, or stays with whoever took it); a submit whose PDU is already out is left to its
 * answer; ids of no running submit are ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { SubmitResult } from '../../../src/ports/egress.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';
import { until } from '../../helpers/wait.js';

const msg = (id: string): OutboundMessage => ({ id, contentProviderId: 'cp_1', from: '10690001', to: '+8613800138000', text: `cancel ${id}`, registeredDelivery: true, attempts: 1, submittedAt: Date.now() });
const texts = (pdus: { short_message: Buffer }[]): string[] => pdus.map((p) => p.short_message.toString('latin1'));

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: a cancelled submit still queued behind a full window ends unwritten; the one written waits for its answer`, { timeout: 20_000 }, async () => {
    await withUpstream(make, { smsc: { misbehaviour: 'never_answers' }, params: 'window=1', upstream: { submitBudgetMs: 30_000 } }, async (up, smsc) => {
      const ended = new Map<string, SubmitResult>();
      const submit = (id: string) => void up.submit(msg(id)).then((r) => ended.set(id, r));
      for (const id of ['a', 'b', 'c']) submit(id);
      await until(() => smsc.received.length === 1);
      const t0 = Date.now();
      up.cancel(['b', 'no-such-message']);
      await until(() => ended.has('b'));
      assert.ok(Date.now() - t0 < 2000, `ended in ${Date.now() - t0} ms`);
      const b = ended.get('b')!;
      assert.deepEqual(!b.ok && b.stopped, { written: false });
      assert.ok(!b.ok && /given up/.test(b.reason), !b.ok ? b.reason : '');
      // a (written, unanswered) and c (queued, not cancelled) go on
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(ended.has('a'), false);
      assert.equal(ended.has('c'), false);
      up.cancel(['c']);
      await until(() => ended.has('c'));
      assert.deepEqual((ended.get('c') as { stopped?: unknown }).stopped, { written: false });
      assert.deepEqual(texts(smsc.received), ['cancel a'], 'only the written one reached the SMSC');
    });
  });

  test(`${name}: under a throughput cap what waits for the cap waits in the link's queue, where a cancel takes it back`, { timeout: 20_000 }, async () => {
    await withUpstream(make, { params: 'window=10&throughput=2', upstream: { submitBudgetMs: 30_000 } }, async (up, smsc) => {
      const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
      const results = ids.map((id) => up.submit(msg(id)));
      // the cap's burst (1 token) lets m1 go at once; the rest wait for tokens, half a second each
      await until(() => smsc.received.length >= 1);
      up.cancel(['m4', 'm5', 'm6']);
      const r = await Promise.all(results);
      assert.deepEqual(r.slice(0, 3).map((x) => x.ok), [true, true, true]);
      for (const x of r.slice(3)) assert.deepEqual(!x.ok && x.stopped, { written: false });
      await new Promise((res) => setTimeout(res, 700));
      assert.deepEqual(texts(smsc.received), ['cancel m1', 'cancel m2', 'cancel m3'], 'nothing of the cancelled ones was written');
    });
  });
}

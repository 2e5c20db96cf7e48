/**
 * Receipt ids that read as another message's id once taken as hex or decimal. The SMSC gives ids
 * "a" and "10" (hex a is decimal 10, so the decimal reading of "10" is "a"). A receipt for "10" that
 * arrives before its own submit_sm_resp has been filed must wait for it, not go to "a": before, it
 * matched "a" by that alternate reading, was dropped as a repeat of "a"'s receipt (or took "a"'s
 * place when "a" had none yet), and the message "10" never got its receipt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpstreamOptions } from '../../../src/smpp/client/upstream.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS, withUpstream, type Upstream } from '../../fakes/smpp/upstream-fixture.js';
import { within } from '../../helpers/wait.js';

const msg = (i: number): OutboundMessage => ({
  id: `msg_ambiguous_${i}`, contentProviderId: 'cp', from: '10690001', to: `+8613800000${i}`, text: `ambiguous ${i}`, registeredDelivery: true, attempts: 0, submittedAt: 0,
});

async function scenario(make: (o: UpstreamOptions) => Upstream, fake: Omit<FakeSmscOptions, 'misbehaviour' | 'messageId'>, beforeSecond: (receipts: DeliveryReceipt[]) => Promise<void>) {
  const receipts: DeliveryReceipt[] = [];
  // submit 1 gets "a", submit 2 gets "10"; earlyReceiptMs well past the test: a receipt reported raw
  // by the sweep would hide the bug
  const smsc = { dlr: true, messageId: (n: number) => (n === 1 ? 'a' : n === 2 ? '10' : undefined), ...fake };
  await withUpstream(make, { smsc, params: 'name=ambiguous&window=5', upstream: { earlyReceiptMs: 60_000 }, onReceipt: (r) => { receipts.push(r); } }, async (up) => {
    const first = await up.submit(msg(1));
    assert.deepEqual(first, { ok: true, upstreamId: 'a' });
    await beforeSecond(receipts);
    const second = await up.submit(msg(2));
    assert.deepEqual(second, { ok: true, upstreamId: '10' });
    await within(() => receipts.length >= 2, 3000);
    await new Promise((r) => setTimeout(r, 100)); // nothing more may come
    assert.deepEqual(receipts.map((r) => `${r.upstreamId}:${r.stat}`).sort(), ['10:DELIVRD', 'a:DELIVRD'], 'each message gets its own receipt, once');
  });
}

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: a receipt for "10" that beats its submit_sm_resp is not dropped as a repeat of "a"'s`, { timeout: 20_000 }, async () => {
    await scenario(make, { dlrBeforeResp: (n) => n === 2 }, async (receipts) => {
      // "a" has had its receipt before "10" is even submitted
      assert.ok(await within(() => receipts.length === 1, 3000), 'receipt for "a"');
      assert.equal(receipts[0].upstreamId, 'a');
    });
  });

  test(`${name}: a receipt for "10" that beats its submit_sm_resp does not take the place of "a"'s, still to come`, { timeout: 20_000 }, async () => {
    // "a"'s receipt comes long after "10"'s
    await scenario(make, { dlrBeforeResp: (n) => n === 2, dlrDelayMs: (n) => (n === 1 ? 400 : 5) }, async () => {});
  });
}

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: receipts only another reading matches (decimal for hex), before their responses and twice, still reach their messages once`, { timeout: 20_000 }, async () => {
    // every receipt is early and matches only by its decimal reading: each waits for the submits
    // running when it arrived to end, then settles on that reading
    const receipts: DeliveryReceipt[] = [];
    await withUpstream(make, { smsc: { misbehaviour: 'dlr_before_resp', decimalReceiptIds: true, duplicateReceipts: true }, params: 'name=decimal&window=5', upstream: { earlyReceiptMs: 60_000 }, onReceipt: (r) => { receipts.push(r); } }, async (up) => {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => up.submit(msg(100 + i))));
      assert.ok(rs.every((r) => r.ok));
      await within(() => receipts.length >= 20, 3000);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(receipts.map((r) => r.upstreamId).sort(), rs.map((r) => (r.ok ? r.upstreamId : '')).sort());
    });
  });
}

/**
 * A receipt that arrives before its submit_sm_resp, and arrives twice, is reported once. Before, the
 * second copy replaced the first in the early index but the first stayed in the sweep's list, so
 * once earlyReceiptMs passed the sweep reported it again, raw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';

const N = 10;

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: a duplicated receipt that beats its submit_sm_resp is reported once`, { timeout: 30_000 }, async () => {
    const receipts: DeliveryReceipt[] = [];
    await withUpstream(make, { smsc: { misbehaviour: 'dlr_before_resp', duplicateReceipts: true }, params: 'name=early&window=5', upstream: { earlyReceiptMs: 100 }, onReceipt: (r) => { receipts.push(r); } }, async (up) => {
      const list: OutboundMessage[] = Array.from({ length: N }, (_, i) => ({ id: `msg_early_${i}`, contentProviderId: 'cp', from: '10690001', to: `+86138000${String(i).padStart(5, '0')}`, text: `early ${i}`, registeredDelivery: true, attempts: 0, submittedAt: 0 }));
      const rs = await Promise.all(list.map((m) => up.submit(m)));
      assert.ok(rs.every((r) => r.ok));
      // past earlyReceiptMs and at least one sweep (every second)
      await new Promise((r) => setTimeout(r, 1600));
      const ids = rs.map((r) => (r.ok ? r.upstreamId : '')).sort();
      assert.deepEqual(receipts.map((r) => r.upstreamId).sort(), ids, 'one receipt per message');
    });
  });
}

/**
 * On a carrier account several processes share (UpstreamOptions.sharedAccount), a receipt whose id
 * as written this process never filed may be another process's message's, so the client does not
 * settle it on another reading here. Before 2026-12-07 it held every such receipt the whole
 * earlyReceiptMs (5 s) before reporting it, so each receipt of another process's message reached
 * the store 5 s late. Now it is reported once the submits running when it came have ended, as
 * written, with its other spellings and the time before which the store must not use them
 * (`spellAfter`: its arrival plus earlyReceiptMs), so the id as written still wins
 * (receipt-book.ts; test/unit/app/receipt-book-spell-after.test.ts).
 *
 * earlyReceiptMs is set far past the test: a receipt that only comes out of the hold cannot pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';
import { within } from '../../helpers/wait.js';

const HOLD = 60_000;

const msg = (i: number): OutboundMessage => ({
  id: `msg_shared_${i}`, contentProviderId: 'cp', from: '10690001', to: `+86138000001${String(i).padStart(2, '0')}`, text: `shared ${i}`, registeredDelivery: true, attempts: 0, submittedAt: 0,
});

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}, shared account: a receipt only another reading of its id matches is reported as written before the hold ends, its other spellings held back until then`, { timeout: 20_000 }, async () => {
    const receipts: DeliveryReceipt[] = [];
    // decimal receipt ids for hex submit ids: the id as written is filed by no one here (another
    // process could have), the hex reading is this process's message
    await withUpstream(make, { smsc: { dlr: true, decimalReceiptIds: true }, params: 'name=shared&window=5', upstream: { sharedAccount: true, earlyReceiptMs: HOLD }, onReceipt: (r) => { receipts.push(r); } }, async (up) => {
      const before = Date.now();
      const ids: string[] = [];
      // ids from A (hex 10) on: their decimal reading is spelled otherwise
      for (let i = 0; i < 12; i++) {
        const r = await up.submit(msg(i));
        assert.ok(r.ok);
        ids.push(r.upstreamId);
      }
      const ambiguous = ids.filter((id) => parseInt(id, 16).toString(10) !== id);
      assert.ok(ambiguous.length >= 2, `ids ${ids.join(',')}`);
      assert.ok(await within(() => ambiguous.every((id) => receipts.some((r) => r.altIds?.includes(id))), 5_000), `reported before the ${HOLD} ms hold ends: ${JSON.stringify(receipts)}`);
      for (const id of ambiguous) {
        const r = receipts.find((x) => x.altIds?.includes(id))!;
        assert.equal(r.upstreamId, parseInt(id, 16).toString(10), 'the id as written, not this process\'s reading of it');
        assert.ok(r.spellAfter !== undefined && r.spellAfter >= before + HOLD, `other spellings held back until the hold ends: ${r.spellAfter}`);
      }
      // the others matched exactly (hex and decimal alike): reported at once as this process filed them
      for (const id of ids.filter((x) => !ambiguous.includes(x))) assert.ok(receipts.some((r) => r.upstreamId === id && r.altIds === undefined), id);
    });
  });
}

/**
 * A long message whose submit runs out of budget with some parts acknowledged: the delivery worker's
 * next `submit` for the same message id resends only the unacknowledged parts, under the same UDH
 * reference, and each part's receipt is reported under that part's id (SubmitResult.partIds names them;
 * the store moves the message once every part has one). Before, the retry built
 * every part again with a new reference: acknowledged parts went out twice and the handset got a
 * duplicate, broken set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { CommandStatus, parseUdh } from '../../../src/smpp/pdu/index.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';

const LONG = 'A long notice that needs three parts. '.repeat(10); // 380 GSM-7 characters: 3 parts of 153

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: a retried long message resends only its unacknowledged parts, with the same UDH reference`, { timeout: 30_000 }, async () => {
    let busy = true;
    // Part 2 is refused as "queue full" (retry later) while `busy`; parts go in order, so only part 1 is taken.
    const receipts: DeliveryReceipt[] = [];
    await withUpstream(make, { smsc: { misbehaviour: 'none', dlr: true, answer: (pdu) => (busy && parseUdh(pdu.short_message)?.concat?.seq === 2 ? CommandStatus.ESME_RMSGQFUL : undefined) }, params: 'name=long&window=5', upstream: { submitBudgetMs: 700 }, onReceipt: (r) => { receipts.push(r); } }, async (up, smsc) => {
      const m: OutboundMessage = { id: 'msg_long_1', contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: LONG, registeredDelivery: true, attempts: 0, submittedAt: 0 };
      const first = await up.submit(m);
      assert.equal(first.ok, false);
      assert.equal(!first.ok && first.retry, true, 'out of budget: the delivery worker retries it');
      assert.equal(smsc.acked.length, 1, 'part 1 acknowledged');
      assert.ok(smsc.received.length >= 2, 'part 2 was tried');
      busy = false;
      // the delivery worker's retry (same message id, same text)
      const second = await up.submit({ ...m, attempts: 1 });
      assert.equal(second.ok, true, JSON.stringify(second));
      const acked = smsc.answers.filter(([, st]) => st === CommandStatus.ESME_ROK).map(([n]) => parseUdh(smsc.received[n - 1].short_message)!.concat!);
      assert.deepEqual(acked.map((c) => c.seq).sort(), [1, 2, 3], 'each part acknowledged exactly once');
      assert.equal(new Set(acked.map((c) => c.ref)).size, 1, 'one UDH reference for the whole set');
      assert.ok(acked.every((c) => c.total === 3));
      // the upstream id is the first part's; partIds names every part's, in part order
      assert.equal(second.ok && second.upstreamId, smsc.acked[0].messageId);
      const idOfPart = (seq: number) => smsc.acked[acked.findIndex((c) => c.seq === seq)].messageId;
      assert.deepEqual(second.ok && second.partIds, [1, 2, 3].map(idOfPart));
      // one receipt per part, under that part's id
      const end = Date.now() + 5000;
      while (receipts.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(receipts.map((r) => [r.upstreamId, r.stat]).sort(), [1, 2, 3].map((q) => [idOfPart(q), 'DELIVRD']).sort());
      // and a later repeat changes nothing
      assert.deepEqual(await up.submit(m), second);
      assert.equal(smsc.acked.length, 3);
    });
  });
}

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: after a restart the retry goes on from the parts the queue kept (SubmitResult.partial), same reference`, { timeout: 30_000 }, async () => {
    let busy = true;
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, answer: (pdu) => (busy && parseUdh(pdu.short_message)?.concat?.seq === 2 ? CommandStatus.ESME_RMSGQFUL : undefined) });
    await smsc.listen();
    const url = parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=long&window=5`);
    const m: OutboundMessage = { id: 'msg_long_restart', contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: LONG, registeredDelivery: true, attempts: 0, submittedAt: 0 };
    const before = make({ links: [url], submitBudgetMs: 700 });
    before.start();
    let first;
    try {
      assert.ok(await before.waitUp(5000));
      first = await before.submit(m);
    } finally {
      await before.close();
    }
    assert.equal(first.ok, false);
    assert.ok(!first.ok && first.retry && first.partial, JSON.stringify(first));
    assert.equal(first.partial.partIds.length, 3);
    assert.deepEqual(first.partial.partIds.map((id) => id !== null), [true, false, false], 'part 1 taken');
    assert.equal(first.partial.partIds[0], smsc.acked[0].messageId);

    // a new process: nothing in memory, only what the queue kept
    busy = false;
    const after = make({ links: [url] });
    const receipts: DeliveryReceipt[] = [];
    after.onReceipt((r) => { receipts.push(r); });
    after.start();
    try {
      assert.ok(await after.waitUp(5000));
      const second = await after.submit({ ...m, attempts: 1, partial: first.partial });
      assert.equal(second.ok, true, JSON.stringify(second));
      assert.equal(second.ok && second.upstreamId, first.partial.partIds[0], 'the upstream id is still the first part\'s');
      const acked = smsc.answers.filter(([, st]) => st === CommandStatus.ESME_ROK).map(([n]) => parseUdh(smsc.received[n - 1].short_message)!.concat!);
      assert.deepEqual(acked.map((c) => c.seq).sort(), [1, 2, 3], 'each part acknowledged exactly once');
      assert.equal(new Set(acked.map((c) => c.ref)).size, 1, 'one UDH reference for the whole set');
      assert.deepEqual(second.ok && second.partIds?.[0], first.partial.partIds[0]);
      // part 1's receipt, unanswered when the first process closed, comes again to this one: a receipt for each part
      const end = Date.now() + 8000;
      while (receipts.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(receipts.map((r) => [r.upstreamId, r.stat]).sort(), (second.ok ? second.partIds! : []).map((id) => [id, 'DELIVRD']).sort());
    } finally {
      await after.close();
      await smsc.close();
    }
  });
}

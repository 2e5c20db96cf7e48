/**
 * Orderly unbinds on the client's links (in process and on its own thread), both ways:
 * - the SMSC unbinds us with submits in flight and answers them after its unbind: the unbind_resp
 *   waits for those answers, each is recorded with its upstream id, none is submitted again;
 * - we unbind (an operator's stop, the client's close at a process stop) and the SMSC's receipts
 *   cross our unbind: each is recorded once and answered ESME_ROK, none refused ESME_RINVBNDSTS.
 * Both failed before 2026-12-07 (the unbind_resp went at once; a deliver_sm after our unbind was refused).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';
import { until } from '../../helpers/wait.js';

const msg = (tag: string, i: number): OutboundMessage => ({
  id: `msg_${tag}_${i}`, contentProviderId: 'cp_1', from: '10690001', to: `+86138000${String(i).padStart(5, '0')}`, text: `${tag} ${i}`,
  registeredDelivery: true, attempts: 0, submittedAt: Date.now(),
});

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: the SMSC unbinds with submits in flight and answers them after: each recorded with its id, none sent twice`, { timeout: 30_000 }, async () => {
    // every answer held 150 ms; the SMSC unbinds right after the 3rd submit (the window is 5)
    await withUpstream(make, {
      smsc: { answerDelayMs: () => 150, unbindAfter: 3 },
      params: 'name=l1&window=5',
      upstream: { submitBudgetMs: 20_000, link: { session: { responseTimeoutMs: 2000 }, minBackoffMs: 50, maxBackoffMs: 200 } },
    }, async (up, smsc) => {
      const list = Array.from({ length: 12 }, (_, i) => msg('unbound', i));
      const results = await Promise.all(list.map((m) => up.submit(m)));
      assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok).slice(0, 2)));
      assert.ok(smsc.binds >= 2, 'the client bound again after the SMSC unbound it');
      // nothing acknowledged twice: an answer written after an unbind_resp sent at once was lost, and resubmitted
      const texts = smsc.ackedTexts().sort();
      assert.deepEqual(texts, list.map((m) => m.text).sort(), 'each message acknowledged exactly once');
      // and each recorded under the id the SMSC gave it
      const idOf = new Map(smsc.acked.map((a) => [a.text, a.messageId]));
      list.forEach((m, i) => assert.equal(results[i].ok && results[i].upstreamId, idOf.get(m.text), m.text));
    });
  });

  for (const how of ['an operator stops the link', 'the client closes (a process stop)'] as const) {
    test(`${name}: receipts crossing our unbind (${how}) are recorded once and answered ESME_ROK`, { timeout: 30_000 }, async () => {
      const receipts: DeliveryReceipt[] = [];
      let closed = false;
      await withUpstream(make, {
        smsc: { dlr: true, receiptsAtUnbind: true },
        params: 'name=l1&window=5',
        // recording takes a while, as a store commit does
        onReceipt: async (r) => {
          await new Promise((res) => setTimeout(res, 30));
          receipts.push(r);
        },
      }, async (up, smsc) => {
        const list = Array.from({ length: 4 }, (_, i) => msg('crossing', i));
        const results = await Promise.all(list.map((m) => up.submit(m)));
        assert.ok(results.every((r) => r.ok));
        await until(() => smsc.heldForUnbind === 4, 5000, 'the receipts kept for our unbind');
        assert.equal(smsc.receiptAnswers.length, 0, 'the receipts wait for our unbind');
        if (how === 'an operator stops the link') {
          const r = await up.stopLink('l1', 'tester', Date.now());
          assert.ok(r.ok);
        } else {
          await up.close();
          closed = true;
        }
        await until(() => smsc.receiptAnswers.length >= 4, 10_000, 'the receipts answered');
        assert.equal(smsc.unbindsReceived, 1);
        assert.deepEqual(smsc.receiptAnswers, [0, 0, 0, 0].map(() => CommandStatus.ESME_ROK), 'each acknowledged ESME_ROK, none refused');
        await until(() => receipts.length >= 4, 5000, 'the receipts recorded');
        await new Promise((res) => setTimeout(res, 100));
        const ids = results.map((r) => (r.ok ? r.upstreamId : ''));
        assert.deepEqual(receipts.map((r) => r.upstreamId).sort(), [...ids].sort(), 'each recorded once, under its message');
        assert.equal(smsc.resendReceipts(), 0, 'none kept by the SMSC for the next bind');
        if (closed) return;
        await until(() => smsc.conns.size === 0, 5000, 'the link unbound');
      });
    });
  }

  test(`${name}: a receipt crossing our unbind whose recording outlasts 3 s keeps its connection, answered ESME_ROK within the response timeout`, { timeout: 30_000 }, async () => {
    // The SMSC (as ours does) holds its unbind_resp until its receipts are answered; recording takes
    // 3.5 s, under the response timeout (6 s). Before, the transport destroyed the socket 3 s after
    // our unbind: the receipt was recorded, its answer lost, and the SMSC kept it for the next bind.
    const receipts: DeliveryReceipt[] = [];
    await withUpstream(make, {
      smsc: { dlr: true, receiptsAtUnbind: true },
      params: 'name=l1&window=5',
      upstream: { link: { session: { responseTimeoutMs: 6000 } } },
      onReceipt: async (r) => {
        await new Promise((res) => setTimeout(res, 3500));
        receipts.push(r);
      },
    }, async (up, smsc) => {
      const results = await Promise.all([msg('slow', 0), msg('slow', 1)].map((m) => up.submit(m)));
      assert.ok(results.every((r) => r.ok));
      await until(() => smsc.heldForUnbind === 2, 5000, 'the receipts kept for our unbind');
      const t0 = Date.now();
      await up.close();
      assert.ok(Date.now() - t0 >= 3400, 'the close waited for the recording');
      assert.equal(receipts.length, 2, 'both recorded');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK, CommandStatus.ESME_ROK], 'each acknowledged, not cut off');
      assert.equal(smsc.resendReceipts(), 0, 'none kept by the SMSC for the next bind');
    });
  });
}

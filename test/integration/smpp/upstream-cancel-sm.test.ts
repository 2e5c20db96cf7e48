/**
 * Egress.cancelUpstream of the SMPP client, in process and on its own thread, against fake SMSCs:
 * a cancel_sm per part, in part order, with the SMSC's id of that part and the addresses its
 * submit_sm had, on the link that acknowledged it; ok only when every part's answer is ESME_ROK; the
 * first refusal ends it, and the answer says what came of each part (cancelled, refused, unanswered,
 * not asked); no answer in time, the link down, or a link that cannot be known is a refusal too.
 * Before: the client never sent cancel_sm; then it said only the first refusal's reason.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CommandStatus } from '../../../src/smpp/pdu/index.js';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';

const msg = (id: string, text = id): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text, registeredDelivery: false, attempts: 0, submittedAt: 0 });

for (const [how, make] of UPSTREAM_MAKERS) {
  describe(`cancel_sm upstream (${how})`, () => {
    test('a long message: one cancel_sm per part, in order, each with its part id and the submit_sm addresses; ESME_ROK for all: ok', async () => {
      await withUpstream(make, { params: 'name=fake' }, async (up, smsc) => {
        const r = await up.submit(msg('long', '通知'.repeat(40)));
        assert.ok(r.ok && r.partIds?.length === 2, 'sent in two parts');
        const ids = r.ok ? r.partIds! : [];
        const res = await up.cancelUpstream({ messageId: 'long', from: '10690001', to: '+8613800138000', upstreamIds: ids }, 3000);
        assert.deepEqual(res, { ok: true });
        assert.deepEqual(smsc.cancels.map((c) => c.pdu.message_id), ids);
        for (const { pdu } of smsc.cancels) {
          assert.equal(pdu.source_addr, '10690001');
          assert.equal(pdu.destination_addr, '8613800138000');
          assert.equal(pdu.dest_addr_ton, 1, 'as the submit_sm: international');
          assert.equal(pdu.service_type, '');
        }
      });
    });

    test('the carrier refuses: not ok, its status named; the first refusal ends it', async () => {
      await withUpstream(make, { smsc: { misbehaviour: 'refuses_cancel' }, params: 'name=fake' }, async (up, smsc) => {
        const r = await up.submit(msg('long', '通知'.repeat(40)));
        assert.ok(r.ok);
        const res = await up.cancelUpstream({ messageId: 'long', from: '10690001', to: '+8613800138000', upstreamIds: r.ok ? r.partIds! : [] }, 3000);
        assert.deepEqual(res, { ok: false, reason: 'fake: ESME_RCANCELFAIL', parts: ['refused', 'not_asked'] });
        assert.equal(smsc.cancels.length, 1, 'the second part was not asked');
        assert.equal(smsc.cancels[0].status, CommandStatus.ESME_RCANCELFAIL);
      });
    });

    test('a long message the carrier takes back in part: which part came to what (cancelled, refused, not asked; cancelled, unanswered)', async () => {
      const text = '通知'.repeat(80); // three parts (UCS-2, 67 a part)
      // the third part's cancel_sm refused (delivered already)
      await withUpstream(make, { smsc: { cancelAnswer: (_p, n) => (n === 3 ? CommandStatus.ESME_RCANCELFAIL : undefined) }, params: 'name=fake' }, async (up, smsc) => {
        const r = await up.submit(msg('four', `${text}${'知'.repeat(60)}`));
        assert.ok(r.ok && r.partIds?.length === 4, 'sent in four parts');
        const res = await up.cancelUpstream({ messageId: 'four', from: '10690001', to: '+8613800138000', upstreamIds: r.ok ? r.partIds! : [] }, 3000);
        assert.deepEqual(res, { ok: false, reason: 'fake: ESME_RCANCELFAIL', parts: ['cancelled', 'cancelled', 'refused', 'not_asked'] });
        assert.deepEqual(smsc.cancels.map((c) => c.status), [0, 0, CommandStatus.ESME_RCANCELFAIL]);
      });
      // the second part's cancel_sm never answered
      await withUpstream(make, { smsc: { cancelAnswer: (_p, n) => (n === 2 ? null : undefined) }, params: 'name=fake' }, async (up, smsc) => {
        const r = await up.submit(msg('three', text));
        assert.ok(r.ok && r.partIds?.length === 3, 'sent in three parts');
        const res = await up.cancelUpstream({ messageId: 'three', from: '10690001', to: '+8613800138000', upstreamIds: r.ok ? r.partIds! : [] }, 400);
        assert.equal(res.ok, false);
        assert.deepEqual(!res.ok && res.parts, ['cancelled', 'unanswered', 'not_asked']);
        assert.match(!res.ok ? res.reason : '', /no cancel_sm_resp within/);
        assert.equal(smsc.cancels.length, 2);
      });
    });

    test('no answer within the wait: not ok', async () => {
      await withUpstream(make, { params: 'name=fake' }, async (up, smsc) => {
        const r = await up.submit(msg('short'));
        assert.ok(r.ok);
        // the fake takes the cancel_sm and never answers it
        for (const c of smsc.conns) c.handler.onCancel = () => undefined;
        const res = await up.cancelUpstream({ messageId: 'short', from: '10690001', to: '+8613800138000', upstreamIds: [r.ok ? r.upstreamId : ''] }, 300);
        assert.equal(res.ok, false);
        assert.match(!res.ok ? res.reason : '', /no cancel_sm_resp within/);
      });
    });

    test('the link down: not ok, nothing sent', async () => {
      await withUpstream(make, { params: 'name=fake' }, async (up, smsc) => {
        const r = await up.submit(msg('short'));
        assert.ok(r.ok);
        await smsc.close();
        const end = Date.now() + 5000;
        while (up.bound()) {
          assert.ok(Date.now() < end, 'the link went down');
          await new Promise((res) => setTimeout(res, 10));
        }
        const res = await up.cancelUpstream({ messageId: 'short', from: '10690001', to: '+8613800138000', upstreamIds: [r.ok ? r.upstreamId : ''] }, 1000);
        assert.deepEqual(res, { ok: false, reason: 'link fake is down', parts: ['not_asked'] });
        assert.equal(smsc.cancels.length, 0);
      });
    });
  });
}

test('a part this process did not send (before a restart): the only link for the recipient is asked; with two that could have carried it, none is', async () => {
  const a = new FakeSmsc({ misbehaviour: 'none' });
  const b = new FakeSmsc({ misbehaviour: 'none' });
  await a.listen();
  await b.listen();
  const one = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=a`)] });
  const two = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=a`), parseUpstreamUrl(`smpp://u:p@127.0.0.1:${b.port}?name=b`)] });
  one.start();
  two.start();
  try {
    assert.ok(await one.waitUp(5000));
    assert.ok(await two.waitUp(5000));
    const c = { messageId: 'earlier', from: '10690001', to: '+8613800138000', upstreamIds: ['ABC1'] };
    assert.deepEqual(await one.cancelUpstream(c, 2000), { ok: true });
    assert.deepEqual(a.cancels.map((x) => x.pdu.message_id), ['ABC1']);
    const res = await two.cancelUpstream(c, 2000);
    assert.equal(res.ok, false);
    assert.match(!res.ok ? res.reason : '', /not known here .* 2 links could have/);
    assert.equal(a.cancels.length + b.cancels.length, 1, 'neither SMSC asked by the second client');
  } finally {
    await one.close();
    await two.close();
    await a.close();
    await b.close();
  }
});

/**
 * replace_sm (SMPP 3.4 §4.10) through the whole gateway (real App, SQLite store, SMPP client to the
 * simulator): a queued message's text is replaced and decided again by every rule, a refused text
 * leaves the message as it was with the rule's own status, and a message a delivery batch has taken
 * but not written (its carrier link down) is given up and goes out with the new text once the link is
 * back; one already written is ESME_RREPLACEFAIL (docs/SMPP.md, replace_sm).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, encodeText, smDefaults, type Pdu, type ReplaceSmPdu } from '../../../src/smpp/pdu/index.js';
import { SMPP_STATUS } from '../../../src/smpp/status-map.js';
import { carrierDown, handedIds, startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
const FIRST = '【示例】明天上午十点开会';
const SECOND = '【示例】会议改到明天下午三点';

function replace(id: string, text: string, o: Partial<ReplaceSmPdu> = {}): ReplaceSmPdu {
  return {
    command: 'replace_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001',
    schedule_delivery_time: '', validity_period: '', registered_delivery: 1, sm_default_msg_id: 0, short_message: encodeText(text, 8), ...o,
  };
}

describe('replace_sm with the real App', () => {
  test('a queued message: its text replaced and decided again; a refused text changes nothing and answers the rule\'s status; source_addr must match', async () => {
    const g = await startSmppGateway({ realClock: true });
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    try {
      // scheduled ten minutes ahead: it waits in the queue
      const r = (await e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138301', data_coding: 8, short_message: encodeText(FIRST, 8), schedule_delivery_time: '000000001000000R' })) as Pdu & { message_id: string };
      assert.equal(r.command_status, 0);
      const id = r.message_id;
      const before = await g.app.getMessage(admin, id);
      assert.equal(before.dataCoding, 8, 'the submit\'s data_coding is recorded with the message: a replacement is read in it');
      assert.equal((await e.request(replace(id, SECOND))).command_status, CommandStatus.ESME_ROK);
      const v = await g.app.getMessage(admin, id);
      assert.equal(v.text, SECOND);
      assert.equal(v.status, 'accepted');
      assert.equal(v.scheduledAt, before.scheduledAt, 'an empty schedule_delivery_time keeps the schedule');
      assert.equal(v.registeredDelivery, true, 'registered_delivery replaced');
      assert.match(v.history.at(-1)?.detail ?? '', /^text replaced by /);
      const queued = () => (g.store.db.prepare('SELECT text FROM message_status WHERE id = ?').get(id) as { text: string }).text;
      assert.equal(queued(), SECOND);
      // the new text goes through the rules again: no signature is refused with its own status, and nothing changes
      assert.equal((await e.request(replace(id, '会议改到后天'))).command_status, SMPP_STATUS.signature_missing);
      assert.equal((await e.request(replace(id, '【别家】会议改到后天'))).command_status, SMPP_STATUS.signature_unregistered);
      assert.equal((await g.app.getMessage(admin, id)).text, SECOND);
      assert.equal(queued(), SECOND);
      // source_addr must be the original's (SMPP 3.4 §4.10.1)
      assert.equal((await e.request(replace(id, SECOND, { source_addr: '10690002' }))).command_status, CommandStatus.ESME_RINVSRCADR);
      // an unknown id, a canned message, a malformed time
      assert.equal((await e.request(replace('msg_none', SECOND))).command_status, CommandStatus.ESME_RREPLACEFAIL);
      assert.equal((await e.request(replace(id, SECOND, { sm_default_msg_id: 3 }))).command_status, CommandStatus.ESME_RINVDFTMSGID);
      assert.equal((await e.request(replace(id, SECOND, { validity_period: 'garbage' }))).command_status, CommandStatus.ESME_RINVEXPIRY);
      // a new schedule replaces the old one
      assert.equal((await e.request(replace(id, SECOND, { schedule_delivery_time: '000000002000000R' }))).command_status, CommandStatus.ESME_ROK);
      assert.ok((await g.app.getMessage(admin, id)).scheduledAt! > before.scheduledAt!);
      // a schedule of now drops it: the message goes at once, with the text it now has
      assert.equal((await e.request(replace(id, SECOND, { schedule_delivery_time: '000000000000000R' }))).command_status, CommandStatus.ESME_ROK);
      assert.equal((await g.app.getMessage(admin, id)).scheduledAt, undefined);
      assert.deepEqual((await waitFor(() => g.sim.outbox('+8613800138301')[0])).text, SECOND);
      // the statutory record: the submission keeps the first text, each replacement the old and the new
      const recs = (await g.store.records.queryRecords({ contentProviderId: g.cpId, limit: 50 })).records.filter((x) => x.id === id || x.id.startsWith(`${id}:`));
      assert.equal(recs.find((x) => x.kind === 'mt')?.body.text, FIRST);
      const reps = recs.filter((x) => x.body.replaced !== undefined).sort((a, b) => a.seq - b.seq).map((x) => x.body.replaced as { previousText: string; text: string });
      assert.deepEqual(reps.map((x) => [x.previousText, x.text]), [[FIRST, SECOND], [SECOND, SECOND], [SECOND, SECOND]]);
    } finally {
      await e.close();
      await g.close();
    }
  });

  test('taken by a batch while the link is down: given up unwritten, replaced, and the carrier gets only the new text; a written message is ESME_RREPLACEFAIL', async () => {
    const g = await startSmppGateway();
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    const handed = handedIds(g);
    try {
      const sm = (to: string) => e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: to, data_coding: 8, short_message: encodeText(FIRST, 8) }) as Promise<Pdu & { message_id: string }>;
      const sent = await sm('13800138302');
      await waitFor(() => g.sim.outbox().length === 1 || undefined);
      await waitFor(async () => ((await g.app.getMessage(admin, sent.message_id)).status !== 'accepted') || undefined);
      assert.equal((await e.request(replace(sent.message_id, SECOND))).command_status, CommandStatus.ESME_RREPLACEFAIL, 'already written');
      const link = await carrierDown(g);
      const r = await sm('13800138303');
      await waitFor(() => handed.has(r.message_id) || undefined);
      // taken by a batch: the store alone refuses it (its lease runs)
      const v = await g.app.getMessage(admin, r.message_id);
      assert.equal(await g.store.messages.replaceQueued({ item: { id: r.message_id, candidate: { contentProviderId: g.cpId, from: '10690001', toRaw: v.to!, to: v.to!, text: SECOND, type: v.type! }, channel: 'smpp', registeredDelivery: false, receivedAt: v.receivedAt }, previousText: FIRST, at: g.app.ctx.clock.now(), detail: 'x', recordId: 'x' }, () => assert.fail('not decided')), 'claimed');
      assert.equal((await e.request(replace(r.message_id, SECOND))).command_status, CommandStatus.ESME_ROK);
      assert.equal((await g.app.getMessage(admin, r.message_id)).text, SECOND);
      await link.up();
      try {
        const out = await waitFor(() => g.sim.outbox('+8613800138303')[0]);
        assert.equal(out.text, SECOND);
        await waitFor(async () => ((await g.app.getMessage(admin, r.message_id)).status === 'delivered') || undefined);
        assert.deepEqual(g.sim.outbox('+8613800138303').map((m) => m.text), [SECOND], 'the old text never went');
      } finally {
        await link.close();
      }
    } finally {
      await e.close();
      await g.close();
    }
  });

  test('a message whose own validity ended (not yet marked expired) is ESME_RREPLACEFAIL, a new validity_period too: it is not revived', async () => {
    const g = await startSmppGateway();
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    try {
      await g.worker.stop();
      // a relative validity_period counts from the gateway's clock (the simulated one here)
      const clock = g.app.ctx.clock as unknown as { set(t: number): number; advance(ms: number): number };
      clock.set(Date.now());
      const r = (await e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138304', data_coding: 8, short_message: encodeText(FIRST, 8), validity_period: '000000002000000R' })) as Pdu & { message_id: string };
      assert.equal(r.command_status, 0);
      clock.advance(30 * 60_000);
      assert.equal((await g.app.getMessage(admin, r.message_id)).status, 'accepted', 'expiry has not marked it yet');
      assert.equal((await e.request(replace(r.message_id, SECOND))).command_status, CommandStatus.ESME_RREPLACEFAIL);
      assert.equal((await e.request(replace(r.message_id, SECOND, { validity_period: '000000010000000R' }))).command_status, CommandStatus.ESME_RREPLACEFAIL);
      assert.equal((await g.app.getMessage(admin, r.message_id)).text, FIRST, 'unchanged');
    } finally {
      await e.close();
      await g.close();
    }
  });

  test('a replace_sm reads the message from the store once: its coding is read by the use case from the message it reads anyway', async () => {
    const g = await startSmppGateway({ realClock: true });
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password });
    try {
      await g.worker.stop();
      const r = (await e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138305', data_coding: 8, short_message: encodeText(FIRST, 8) })) as Pdu & { message_id: string };
      assert.equal(r.command_status, 0);
      const reads: string[] = [];
      const messages = g.app.ctx.store.messages;
      const read = messages.getMessage.bind(messages);
      messages.getMessage = (id) => {
        reads.push(id);
        return read(id);
      };
      assert.equal((await e.request(replace(r.message_id, SECOND))).command_status, CommandStatus.ESME_ROK);
      assert.deepEqual(reads, [r.message_id], 'one read (before 2026-12-07 the server read it for its coding, then the use case again)');
      messages.getMessage = read;
      assert.equal((await g.app.getMessage(admin, r.message_id)).text, SECOND, 'the new text, read in the original\'s UCS-2');
      // refusals answer as before: another's sender, an unknown id
      assert.equal((await e.request(replace(r.message_id, SECOND, { source_addr: '10690002' }))).command_status, CommandStatus.ESME_RINVSRCADR);
      assert.equal((await e.request(replace('msg_none', SECOND))).command_status, CommandStatus.ESME_RREPLACEFAIL);
    } finally {
      await e.close();
      await g.close();
    }
  });
});

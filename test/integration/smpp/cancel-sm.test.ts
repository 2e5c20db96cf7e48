/**
 * cancel_sm (SMPP 3.4 §4.9) against the SMPP server with FakeApp: an ESME cancels its own message
 * while the gateway still holds it (ESME_ROK, the app asked as the bound provider); a second cancel,
 * one already handed to the carrier or final, another provider's id and an unknown id all get
 * ESME_RCANCELFAIL; an id smsguard could not have handed out gets ESME_RINVMSGID; the "cancel all"
 * form (no message_id) is not offered (ESME_RCANCELFAIL); a receiver bind may not
 * cancel (ESME_RINVBNDSTS); any part's id of a long message sent in parts cancels the whole message.
 * Before 2026-12-06 every cancel_sm was refused with generic_nack ESME_RINVCMDID, and an earlier
 * part's id got ESME_RCANCELFAIL until later that day. With the real App and store, across a
 * restart: part-ids-restart.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, MessageState, buildConcatUdh, type CancelSmPdu, type Pdu, type QuerySmRespPdu } from '../../../src/smpp/pdu/index.js';
import { fakeAppServerSuite, submitPdu, submitted } from '../../fakes/smpp/fake-app-server.js';

const { app, esme } = fakeAppServerSuite();

const sm = submitPdu;
const cancelPdu = (message_id: string, o: Partial<CancelSmPdu> = {}): CancelSmPdu => ({
  command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id,
  source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '13800138000', ...o,
});

/** cancel_sm's command_status (asserting it was answered with cancel_sm_resp). */
async function cancel(e: SmppEsme, id: string, o: Partial<CancelSmPdu> = {}): Promise<number> {
  const r: Pdu = await e.request(cancelPdu(id, o));
  assert.equal(r.command, 'cancel_sm_resp', `answered with cancel_sm_resp, not ${r.command} 0x${r.command_status.toString(16)}`);
  return r.command_status;
}

describe('smpp server: cancel_sm', () => {
  test('an own queued message is cancelled (ESME_ROK), as the bound provider; query_sm then says DELETED', async () => {
    const e = await esme('cp1', 'secret1', 'transmitter');
    const id = await submitted(e, 'cancel me');
    const before = app.cancels.length;
    assert.equal(await cancel(e, id), CommandStatus.ESME_ROK);
    assert.deepEqual(app.cancels.slice(before), [{ principal: { role: 'content-provider', contentProviderId: 'cp_1', actorId: 'smpp:cp1' }, id }]);
    assert.equal(app.messages.get(id)!.status, 'cancelled');
    const q = (await e.request({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 0, source_addr: '' })) as QuerySmRespPdu;
    assert.deepEqual([q.command_status, q.message_state], [0, MessageState.DELETED]);
    await e.close();
  });

  test('source_addr and destination_addr are not compared: the id and the bind say whose message it is', async () => {
    const e = await esme();
    const id = await submitted(e, 'any addresses');
    assert.equal(await cancel(e, id, { source_addr: '', destination_addr: '' }), CommandStatus.ESME_ROK);
    const id2 = await submitted(e, 'other addresses');
    assert.equal(await cancel(e, id2, { source_addr: '106999', destination_addr: '13900000000' }), CommandStatus.ESME_ROK);
    await e.close();
  });

  test('a message held for review may be cancelled too (it has not been sent)', async () => {
    const e = await esme();
    const id = await submitted(e, 'held');
    app.setStatus(id, 'held', Date.now());
    assert.equal(await cancel(e, id), CommandStatus.ESME_ROK);
    await e.close();
  });

  test('cancelled already, handed to the carrier, or final: ESME_RCANCELFAIL, and the message is as it was', async () => {
    const e = await esme();
    const id = await submitted(e, 'twice');
    assert.equal(await cancel(e, id), CommandStatus.ESME_ROK);
    assert.equal(await cancel(e, id), CommandStatus.ESME_RCANCELFAIL, 'again');
    for (const status of ['submitted', 'delivered', 'expired', 'rejected'] as const) {
      const other = await submitted(e, `then ${status}`);
      app.setStatus(other, status, Date.now());
      assert.equal(await cancel(e, other), CommandStatus.ESME_RCANCELFAIL, status);
      assert.equal(app.messages.get(other)!.status, status);
    }
    await e.close();
  });

  test('another provider\'s id and an unknown id get the same ESME_RCANCELFAIL; the other provider\'s message stays', async () => {
    const theirs = await esme('other', 'pw');
    const theirId = await submitted(theirs, 'not yours');
    const e = await esme();
    assert.equal(await cancel(e, theirId), CommandStatus.ESME_RCANCELFAIL);
    assert.equal(await cancel(e, 'msg_000000000000000000000'), CommandStatus.ESME_RCANCELFAIL);
    assert.equal(app.messages.get(theirId)!.status, 'accepted');
    assert.equal(await cancel(theirs, theirId), CommandStatus.ESME_ROK, 'its owner may');
    await Promise.all([e.close(), theirs.close()]);
  });

  test('an id smsguard could not have handed out is ESME_RINVMSGID: with a space or control character, or over 64 octets', async () => {
    const e = await esme();
    const before = app.cancels.length;
    for (const bad of ['msg 1', 'msg_\x01', 'é', 'x'.repeat(65)]) {
      assert.equal(await cancel(e, bad), CommandStatus.ESME_RINVMSGID, JSON.stringify(bad));
    }
    assert.equal(app.cancels.length, before, 'the app was not asked');
    // the session lives on
    assert.equal(await cancel(e, await submitted(e, 'still here')), CommandStatus.ESME_ROK);
    await e.close();
  });

  test('the "cancel all from source_addr to destination_addr" form (no message_id, with or without a service_type) is not offered: ESME_RCANCELFAIL, nothing cancelled', async () => {
    const e = await esme();
    const id = await submitted(e, 'stays queued');
    const before = app.cancels.length;
    assert.equal(await cancel(e, '', { service_type: 'CMT' }), CommandStatus.ESME_RCANCELFAIL);
    assert.equal(await cancel(e, ''), CommandStatus.ESME_RCANCELFAIL, 'SMPP 3.4 §4.9.1: an empty id is this form, service_type or not');
    assert.equal(app.cancels.length, before);
    assert.equal(app.messages.get(id)!.status, 'accepted');
    await e.close();
  });

  test('a receiver bind may not cancel: ESME_RINVBNDSTS', async () => {
    const e = await esme('cp1', 'secret1', 'transceiver');
    const id = await submitted(e, 'mine');
    await e.close();
    const rx = await esme('cp1', 'secret1', 'receiver');
    assert.equal(await cancel(rx, id), CommandStatus.ESME_RINVBNDSTS);
    assert.equal(app.messages.get(id)!.status, 'accepted');
    await rx.close();
  });

  test('the app failing otherwise is ESME_RSYSERR (temporary: try again)', async () => {
    const e = await esme();
    const id = await submitted(e, 'store down');
    const real = app.cancelMessage;
    app.cancelMessage = async () => {
      throw new Error('database is locked');
    };
    try {
      assert.equal(await cancel(e, id), CommandStatus.ESME_RSYSERR);
    } finally {
      app.cancelMessage = real;
    }
    assert.equal(await cancel(e, id), CommandStatus.ESME_ROK, 'and the retry cancels it');
    await e.close();
  });

  test('a long message sent in parts is cancelled whole by an earlier part\'s id (query_sm by any part\'s id then DELETED); another provider\'s part id gets ESME_RCANCELFAIL', async () => {
    const e = await esme();
    const theirs = await esme('other', 'pw');
    const part = (ref: number, seq: number, text: string) => sm('', { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref, total: 3, seq }), Buffer.from(text, 'latin1')]) });
    const send = async (to: SmppEsme, ref: number) => {
      const ids: string[] = [];
      for (const [seq, text] of [[1, 'hello '], [2, 'wide '], [3, 'world']] as const) {
        const r = (await to.request(part(ref, seq, text))) as { command_status: number; message_id: string };
        assert.equal(r.command_status, 0);
        ids.push(r.message_id);
      }
      return ids;
    };
    const ids = await send(e, 78);
    const messageId = ids[2];
    // cp_2 cannot cancel cp_1's message by one of its part ids, as for an unknown id
    assert.equal(await cancel(theirs, ids[0]), CommandStatus.ESME_RCANCELFAIL);
    assert.equal(app.messages.get(messageId)!.status, 'accepted');
    // by the second part's id: the whole message goes
    assert.equal(await cancel(e, ids[1]), CommandStatus.ESME_ROK);
    assert.equal(app.messages.get(messageId)!.status, 'cancelled');
    for (const id of ids) {
      const q = (await e.request({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 0, source_addr: '' })) as QuerySmRespPdu;
      assert.deepEqual([q.command_status, q.message_id, q.message_state], [0, id, MessageState.DELETED], id);
    }
    assert.equal(await cancel(e, ids[0]), CommandStatus.ESME_RCANCELFAIL, 'cancelled already, by any of its ids');
    // the other provider's own long message is cancelled by its first part's id, which cp_1 cannot use either
    const their = await send(theirs, 79);
    assert.equal(await cancel(e, their[0]), CommandStatus.ESME_RCANCELFAIL);
    assert.equal(app.messages.get(their[2])!.status, 'accepted');
    assert.equal(await cancel(theirs, their[0]), CommandStatus.ESME_ROK);
    assert.equal(app.messages.get(their[2])!.status, 'cancelled');
    await Promise.all([e.close(), theirs.close()]);
  });
});

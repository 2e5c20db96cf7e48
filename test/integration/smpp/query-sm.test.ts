/**
 * query_sm (SMPP 3.4 §4.8) against the SMPP server with FakeApp: an ESME polls its own messages'
 * states (ENROUTE while on their way, then the final state and when it was reached, in UTC+8);
 * another provider's id and an unknown id get the same ESME_RQUERYFAIL; an id smsguard could not
 * have handed out gets ESME_RINVMSGID; a receiver bind may not query (ESME_RINVBNDSTS); a long
 * message sent in parts answers to any part's id. Before 2026-12-06 every query_sm was refused with
 * generic_nack ESME_RINVCMDID, and an earlier part's id got ESME_RQUERYFAIL until later that day.
 * With the real App and store, across a restart: part-ids-restart.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, MessageState, buildConcatUdh, type Pdu, type QuerySmPdu, type QuerySmRespPdu } from '../../../src/smpp/pdu/index.js';
import { fakeAppServerSuite, submitPdu, submitted } from '../../fakes/smpp/fake-app-server.js';
import type { FakeApp } from '../../fakes/smpp/fake-app.js';

const { app, esme } = fakeAppServerSuite();

const sm = submitPdu;
const query = (message_id: string, source_addr = '10690001'): QuerySmPdu => ({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id, source_addr_ton: 0, source_addr_npi: 0, source_addr });

async function ask(e: SmppEsme, id: string): Promise<QuerySmRespPdu> {
  const r: Pdu = await e.request(query(id));
  assert.equal(r.command, 'query_sm_resp', `answered with query_sm_resp, not ${r.command} 0x${r.command_status.toString(16)}`);
  return r as QuerySmRespPdu;
}

describe('smpp server: query_sm', () => {
  test('an own message, polled through its states: ENROUTE with no final_date, then the final state and its time in UTC+8', async () => {
    const e = await esme('cp1', 'secret1', 'transmitter');
    const id = await submitted(e, 'poll me');
    const r = await ask(e, id);
    assert.deepEqual([r.command_status, r.message_id, r.message_state, r.final_date, r.error_code], [0, id, MessageState.ENROUTE, '', 0], 'accepted');
    app.setStatus(id, 'submitted', Date.UTC(2026, 11, 6, 3, 59, 0));
    assert.deepEqual([(await ask(e, id)).message_state, (await ask(e, id)).final_date], [MessageState.ENROUTE, ''], 'submitted upstream');
    // 04:00:01.250 UTC is 12:00:01.2 in UTC+8 (32 quarter hours ahead)
    app.setStatus(id, 'delivered', Date.UTC(2026, 11, 6, 4, 0, 1, 250));
    const d = await ask(e, id);
    assert.deepEqual([d.command_status, d.message_state, d.final_date, d.error_code], [0, MessageState.DELIVERED, '261206120001232+', 0], 'delivered');
    await e.close();
  });

  test('every status maps to its message_state; a final one carries the time it was reached', async () => {
    const e = await esme();
    const at = Date.UTC(2026, 11, 31, 16, 30, 0); // 2027-01-01 00:30 in UTC+8
    const cases: [Parameters<FakeApp['setStatus']>[1], number, string][] = [
      ['held', MessageState.ENROUTE, ''],
      ['expired', MessageState.EXPIRED, '270101003000032+'],
      ['undeliverable', MessageState.UNDELIVERABLE, '270101003000032+'],
      ['failed', MessageState.UNDELIVERABLE, '270101003000032+'],
      ['rejected_upstream', MessageState.REJECTED, '270101003000032+'],
      // stopped in the queue before it was sent (a refused number, a withdrawn consent)
      ['rejected', MessageState.REJECTED, '270101003000032+'],
    ];
    for (const [status, state, finalDate] of cases) {
      const id = await submitted(e, `to be ${status}`);
      app.setStatus(id, status, at);
      const r = await ask(e, id);
      assert.deepEqual([r.command_status, r.message_state, r.final_date], [0, state, finalDate], status);
    }
    await e.close();
  });

  test('a submission refused at once is REJECTED, final at the time it was received', async () => {
    const e = await esme();
    const r = await e.request(sm('REJECT:opted_out'));
    assert.notEqual(r.command_status, 0);
    // its id (the records have one; HTTP hands it out with the refusal)
    const id = [...app.messages.keys()].at(-1)!;
    assert.match(id, /^rej_/);
    app.messages.get(id)!.receivedAt = Date.UTC(2026, 5, 1, 0, 0, 0);
    const q = await ask(e, id);
    assert.deepEqual([q.command_status, q.message_state, q.final_date], [0, MessageState.REJECTED, '260601080000032+']);
    await e.close();
  });

  test('another provider\'s id and an unknown id get the same ESME_RQUERYFAIL', async () => {
    const theirs = await esme('other', 'pw');
    const theirId = await submitted(theirs, 'not yours');
    assert.equal((await ask(theirs, theirId)).command_status, 0, 'its owner may');
    const e = await esme();
    const other = await ask(e, theirId);
    const unknown = await ask(e, 'msg_000000000000000000000');
    const shape = (r: QuerySmRespPdu) => [r.command_status, r.final_date, r.message_state, r.error_code];
    assert.deepEqual(shape(other), [CommandStatus.ESME_RQUERYFAIL, '', 0, 0]);
    assert.deepEqual(shape(unknown), shape(other), 'nothing tells the two apart');
    await Promise.all([e.close(), theirs.close()]);
  });

  test('an id smsguard could not have handed out is ESME_RINVMSGID: empty, with a space or control character, or over 64 octets', async () => {
    const e = await esme();
    for (const bad of ['', 'msg 1', 'msg_\x01', 'é', 'x'.repeat(65)]) {
      assert.equal((await ask(e, bad)).command_status, CommandStatus.ESME_RINVMSGID, JSON.stringify(bad));
    }
    // the session lives on
    assert.equal((await ask(e, await submitted(e, 'still here'))).command_status, 0);
    await e.close();
  });

  test('a receiver bind may not query: ESME_RINVBNDSTS', async () => {
    const e = await esme('cp1', 'secret1', 'transceiver');
    const id = await submitted(e, 'mine');
    await e.close();
    const rx = await esme('cp1', 'secret1', 'receiver');
    const r = await ask(rx, id);
    assert.equal(r.command_status, CommandStatus.ESME_RINVBNDSTS);
    await rx.close();
  });

  test('a long message sent in parts is queried by any part\'s id: each answers the message\'s state, message_id as asked; another provider\'s part id gets ESME_RQUERYFAIL', async () => {
    const e = await esme();
    const part = (seq: number, text: string) => sm('', { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 77, total: 3, seq }), Buffer.from(text, 'latin1')]) });
    const answers = [];
    for (const [seq, text] of [[1, 'hello '], [2, 'wide '], [3, 'world']] as const) answers.push((await e.request(part(seq, text))) as { command_status: number; message_id: string });
    assert.deepEqual(answers.map((a) => a.command_status), [0, 0, 0]);
    const ids = answers.map((a) => a.message_id);
    assert.equal(new Set(ids).size, 3, 'each part has an id of its own');
    const messageId = ids[2];
    const state = (r: QuerySmRespPdu) => [r.command_status, r.message_id, r.message_state, r.final_date, r.error_code];
    for (const id of ids) assert.deepEqual(state(await ask(e, id)), [0, id, MessageState.ENROUTE, '', 0], id);
    // 04:00:01 UTC is 12:00:01 in UTC+8
    app.setStatus(messageId, 'delivered', Date.UTC(2026, 11, 6, 4, 0, 1));
    for (const id of ids) assert.deepEqual(state(await ask(e, id)), [0, id, MessageState.DELIVERED, '261206120001032+', 0], id);
    // cp_2 asking by cp_1's part ids learns nothing: as for an unknown id
    const theirs = await esme('other', 'pw');
    for (const id of ids.slice(0, 2)) assert.deepEqual(state(await ask(theirs, id)), [CommandStatus.ESME_RQUERYFAIL, id, 0, '', 0], id);
    await Promise.all([e.close(), theirs.close()]);
  });
});

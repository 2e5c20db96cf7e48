/**
 * replace_sm (SMPP 3.4 §4.10) against the SMPP server with FakeApp: the server translates only. It
 * asks the app's replaceMessage as the bound provider, with the new text read in the coding the
 * original needed (replace_sm has no data_coding), the times read as a submit_sm's (empty: kept) and
 * registered_delivery; it maps the app's refusals (unknown id and another provider's alike
 * ESME_RREPLACEFAIL, a source_addr not the original's ESME_RINVSRCADR, a rule's refusal its status
 * from the one table); a receiver bind may not replace; it takes a throughput token as a submit_sm. With the real App: replace-sm-gateway.test.ts.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, buildConcatUdh, encodeText, type Pdu, type ReplaceSmPdu } from '../../../src/smpp/pdu/index.js';
import { SMPP_STATUS } from '../../../src/smpp/status-map.js';
import { fakeAppServerSuite, submitPdu, submitted } from '../../fakes/smpp/fake-app-server.js';

const { app, esme } = fakeAppServerSuite();

const replacePdu = (message_id: string, short_message: Buffer, o: Partial<ReplaceSmPdu> = {}): ReplaceSmPdu => ({
  command: 'replace_sm', command_status: 0, sequence_number: 0, message_id, source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001',
  schedule_delivery_time: '', validity_period: '', registered_delivery: 0, sm_default_msg_id: 0, short_message, ...o,
});

/** replace_sm's command_status (asserting it was answered with replace_sm_resp). */
async function replace(e: SmppEsme, id: string, sm: Buffer, o: Partial<ReplaceSmPdu> = {}): Promise<number> {
  const r: Pdu = await e.request(replacePdu(id, sm, o));
  assert.equal(r.command, 'replace_sm_resp', `answered with replace_sm_resp, not ${r.command} 0x${r.command_status.toString(16)}`);
  return r.command_status;
}

describe('smpp server: replace_sm', () => {
  test('an own message: the app asked as the bound provider, the new text read in the original\'s coding (UCS-2 for a Chinese text, else the default alphabet)', async () => {
    const e = await esme('cp1', 'secret1', 'transmitter');
    const zh = (await e.request(submitPdu('', { data_coding: 8, short_message: encodeText('【示例】原文', 8) }))) as Pdu & { message_id: string };
    const before = app.replaces.length;
    assert.equal(await replace(e, zh.message_id, encodeText('【示例】新的', 8), { registered_delivery: 1, validity_period: '000001000000000R' }), CommandStatus.ESME_ROK);
    const [call] = app.replaces.slice(before);
    assert.deepEqual(call.principal, { role: 'content-provider', contentProviderId: 'cp_1', actorId: 'smpp:cp1' });
    assert.deepEqual([call.id, call.channel, call.change.text, call.change.registeredDelivery, call.change.from, call.change.scheduledAt], [zh.message_id, 'smpp', '【示例】新的', true, '10690001', undefined]);
    assert.ok(call.change.validUntil! > Date.now() + 23 * 3_600_000, 'a relative validity read from now');
    const en = await submitted(e, 'plain text');
    assert.equal(await replace(e, en, encodeText('new plain', 0)), CommandStatus.ESME_ROK);
    assert.equal(app.replaces.at(-1)!.change.text, 'new plain');
    assert.equal(app.messages.get(en)!.text, 'new plain');
    await e.close();
  });

  test('the new text is read in the original submit\'s data_coding: a pure-ASCII original sent in UCS-2 takes its replacement in UCS-2', async () => {
    const e = await esme('cp1', 'secret1', 'transmitter');
    const ascii = (await e.request(submitPdu('', { data_coding: 8, short_message: encodeText('plain original', 8) }))) as Pdu & { message_id: string };
    assert.equal(app.messages.get(ascii.message_id)!.dataCoding, 8, 'the coding goes with the submission');
    assert.equal(await replace(e, ascii.message_id, encodeText('new plain', 8)), CommandStatus.ESME_ROK);
    assert.equal(app.replaces.at(-1)!.change.text, 'new plain');
    const latin = (await e.request(submitPdu('', { data_coding: 3, short_message: encodeText('caf\u00e9', 3) }))) as Pdu & { message_id: string };
    assert.equal(await replace(e, latin.message_id, encodeText('cr\u00e8me', 3)), CommandStatus.ESME_ROK);
    assert.equal(app.replaces.at(-1)!.change.text, 'cr\u00e8me');
    await e.close();
  });

  test('a new UCS-2 text ending in half a character (an odd octet count) is a malformed text: ESME_RREPLACEFAIL, the message unchanged', async () => {
    const e = await esme('cp1', 'secret1', 'transmitter');
    const zh = (await e.request(submitPdu('', { data_coding: 8, short_message: encodeText('【示例】原文', 8) }))) as Pdu & { message_id: string };
    const odd = Buffer.concat([encodeText('【示例】新的', 8), Buffer.from([0x4f])]);
    assert.equal(await replace(e, zh.message_id, odd), CommandStatus.ESME_RREPLACEFAIL);
    assert.equal(app.messages.get(zh.message_id)!.text, '【示例】原文');
    // the same octet count is a text in a one-octet coding: taken
    const en = await submitted(e, 'plain text');
    assert.equal(await replace(e, en, encodeText('odd', 0)), CommandStatus.ESME_ROK);
    await e.close();
  });

  test('another provider\'s id and an unknown id get the same ESME_RREPLACEFAIL, as one no longer waiting; the other\'s message stays', async () => {
    const theirs = await esme('other', 'pw');
    const id = await submitted(theirs, 'theirs');
    const e = await esme();
    assert.equal(await replace(e, id, encodeText('mine now', 0)), CommandStatus.ESME_RREPLACEFAIL);
    assert.equal(await replace(e, 'msg_none', encodeText('x', 0)), CommandStatus.ESME_RREPLACEFAIL);
    assert.equal(app.messages.get(id)!.text, 'theirs');
    const sent = await submitted(e, 'sent');
    app.setStatus(sent, 'submitted', Date.now());
    assert.equal(await replace(e, sent, encodeText('late', 0)), CommandStatus.ESME_RREPLACEFAIL);
    await theirs.close();
    await e.close();
  });

  test('it takes one of the credential\'s throughput tokens, as a submit_sm: past the rate ESME_RTHROTTLED and the app is not asked; one refused before the decision gives its token back', async () => {
    const e = await esme();
    const id = await submitted(e, 'original');
    const slow = await esme('cp1slow', 'pw', 'transmitter'); // cp_1 too, 1 a second
    const before = app.replaces.length;
    // refused whole before the store is read: the token goes back, so the next one still has it
    assert.equal(await replace(slow, 'has space', encodeText('x', 0)), CommandStatus.ESME_RINVMSGID);
    assert.equal(await replace(slow, id, encodeText('first', 0)), CommandStatus.ESME_ROK);
    assert.equal(await replace(slow, id, encodeText('second', 0)), CommandStatus.ESME_RTHROTTLED);
    assert.deepEqual(app.replaces.slice(before).map((r) => r.change.text), ['first'], 'the throttled one never reached the app');
    assert.equal(app.messages.get(id)!.text, 'first');
    assert.equal((await slow.request(submitPdu('then a submit'))).command_status, CommandStatus.ESME_RTHROTTLED, 'the same bucket as submit_sm');
    await slow.close();
    await e.close();
  });

  test('a refused text answers its rule\'s status from the one table; a source_addr not the original\'s ESME_RINVSRCADR; a bad id ESME_RINVMSGID; a receiver bind ESME_RINVBNDSTS', async () => {
    const e = await esme();
    const id = await submitted(e, 'original');
    assert.equal(await replace(e, id, encodeText('REJECT:prohibited_content', 0)), SMPP_STATUS.prohibited_content);
    assert.equal(await replace(e, id, encodeText('REJECT:opted_out', 0)), 0x411);
    assert.equal(app.messages.get(id)!.text, 'original');
    assert.equal(await replace(e, id, encodeText('x', 0), { source_addr: '10690002' }), CommandStatus.ESME_RINVSRCADR);
    assert.equal(await replace(e, 'has space', encodeText('x', 0)), CommandStatus.ESME_RINVMSGID);
    const n = app.replaces.length;
    assert.equal(await replace(e, id, encodeText('x', 0), { schedule_delivery_time: 'nonsense' }), CommandStatus.ESME_RINVSCHED);
    assert.equal(app.replaces.length, n, 'a malformed time asks the app nothing');
    await e.close();
    const rx = await esme('cp1', 'secret1', 'receiver');
    assert.equal(await replace(rx, id, encodeText('x', 0)), CommandStatus.ESME_RINVBNDSTS);
    await rx.close();
  });

  test('a long message sent in parts is replaced whole by its message id only: an earlier part\'s id names no message here (ESME_RREPLACEFAIL)', async () => {
    const e = await esme();
    const ids: string[] = [];
    for (const [seq, text] of [[1, 'hello '], [2, 'world']] as const) {
      const r = (await e.request(submitPdu('', { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref: 91, total: 2, seq }), Buffer.from(text, 'latin1')]) }))) as { command_status: number; message_id: string };
      assert.equal(r.command_status, 0);
      ids.push(r.message_id);
    }
    const n = app.replaces.length;
    const reads = app.reads.length;
    assert.equal(await replace(e, ids[0], encodeText('one part', 0)), CommandStatus.ESME_RREPLACEFAIL);
    // the use case is asked by the id as given, without part naming: it names no message there
    assert.deepEqual(app.replaces.slice(n).map((r) => r.id), [ids[0]]);
    assert.equal(app.reads.length, reads, 'the server reads nothing itself: the use case reads the message once');
    assert.equal(app.messages.get(ids[1])!.text, 'hello world');
    assert.equal(await replace(e, ids[1], encodeText('all of it', 0)), CommandStatus.ESME_ROK);
    assert.equal(app.messages.get(ids[1])!.text, 'all of it');
    await e.close();
  });
});

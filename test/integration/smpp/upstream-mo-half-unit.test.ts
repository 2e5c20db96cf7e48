/**
 * An MO from the carrier in a UCS-2 coding whose octets are odd ends in half a character. It cannot
 * be refused back to the subscriber, so it is taken with that octet read as U+FFFD: the handlers,
 * the MO record and the provider's copy show the loss, the operator is told (one counted line per
 * link), and an opt-out keyword before it still counts. Before 2026-12-07 the octet was dropped in
 * silence and the MO recorded as if whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { CommandStatus, encodeText, smDefaults, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { InboundMo } from '../../../src/ports/egress.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';

const ucs2Mo = (from: string, text: string, extra: number[], dataCoding = 8): SmPdu => ({
  ...smDefaults(), command: 'deliver_sm', sequence_number: 0, source_addr: from, destination_addr: '10690001', esm_class: 0, data_coding: dataCoding,
  short_message: Buffer.concat([encodeText(text, 8), Buffer.from(extra)]),
});

test('an MO in UCS-2 with an odd octet count reaches the handler with U+FFFD for the half character, and is logged per link', { timeout: 30_000 }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'none' });
  await smsc.listen();
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=mo`)], log: (msg, fields) => lines.push({ msg, fields }) });
  const seen: InboundMo[] = [];
  up.onMo((mo) => void seen.push(mo));
  up.start();
  try {
    assert.ok(await up.waitUp(5000));
    assert.equal(await smsc.sendDeliver(ucs2Mo('8613800138000', '你好', [0x4f])), CommandStatus.ESME_ROK, 'taken: an MO cannot be refused back');
    assert.equal(await smsc.sendDeliver(ucs2Mo('8613800138000', '再见', [0x4f], 0x18)), CommandStatus.ESME_ROK);
    assert.equal(await smsc.sendDeliver(ucs2Mo('8613800138000', '完整', [])), CommandStatus.ESME_ROK);
    assert.deepEqual(seen.map((m) => m.text), ['你好\ufffd', '再见\ufffd', '完整']);
    const told = lines.filter((l) => /odd number of octets/.test(l.msg));
    assert.equal(told.length, 1, 'the first said at once, the next counted for the minute');
    assert.deepEqual(told[0].fields, { link: 'mo', count: 1, from: '8613800138000', to: '10690001' });
    await up.close();
    const after = lines.filter((l) => /odd number of octets/.test(l.msg));
    assert.equal(after.length, 2, 'the count not said yet is told at close');
    assert.equal(after[1].fields?.count, 1);
  } finally {
    await up.close();
    await smsc.close();
  }
});

test('through the gateway: the MO record shows the lost octet as U+FFFD, and an opt-out keyword before it still opts out', { timeout: 30_000 }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'none' });
  await smsc.listen();
  const g = await startSmppGateway({ upstreamUrl: `smpp://u:p@127.0.0.1:${smsc.port}?name=mo` });
  try {
    assert.equal(await smsc.sendDeliver(ucs2Mo('8613800138000', '退订', [0x4f])), CommandStatus.ESME_ROK);
    assert.equal(await g.store.consents.isOptedOut(g.cpId, '+8613800138000'), true, 'the keyword counts');
    assert.equal(await smsc.sendDeliver(ucs2Mo('8613900139000', '你好，请问', [0x4f])), CommandStatus.ESME_ROK);
    const text = async (msisdn: string) => (await g.store.records.queryRecords({ kind: 'mo', msisdn, limit: 10 })).records.map((r) => (r.body as { text: string }).text);
    assert.deepEqual(await text('+8613800138000'), ['退订\ufffd']);
    assert.deepEqual(await text('+8613900139000'), ['你好，请问\ufffd']);
  } finally {
    await g.close();
    await smsc.close();
  }
});

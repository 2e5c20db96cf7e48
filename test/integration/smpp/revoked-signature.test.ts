/**
 * A revoked signature over SMPP: the same use case refuses it as over HTTP. Before revocation the
 * bind sends; after it every submit_sm starting with it is refused signature_unregistered (0x407),
 * and the record of the refusal says it was revoked and when, on the same bind, without rebinding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, Tag, encodeText, smDefaults, tlvCString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { smppStatusFor } from '../../../src/smpp/status-map.js';
import { validCreditCode } from '../../helpers/gateway.js';
import { startSmppDoors } from '../../helpers/smpp-doors.js';

let n = 0;
const sm = (text: string): SmPdu => ({
  ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: `1380013801${n++}`, data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 0,
  tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')],
});

test('SMPP: a submit_sm with a signature revoked meanwhile is refused signature_unregistered (0x407) on the same bind, recorded as revoked', async () => {
  const { store, app, admin, smpp } = await startSmppDoors();
  let esme: SmppEsme | null = null;
  try {
    const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    const sig = await app.addSignature(admin, cp.id, { signature: '【示例】' });
    await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
    await smpp.credentials.create(admin, cp.id, { systemId: 'shili', password: 'pw' });
    esme = await SmppEsme.connect({ host: '127.0.0.1', port: smpp.smppPort!, systemId: 'shili', password: 'pw' });
    assert.equal((await esme.request(sm('【示例】您的验证码是123456。'))).command_status, CommandStatus.ESME_ROK);

    await app.revokeSignature(admin, cp.id, sig.id, { reason: 'regulator order' });
    const refused = await esme.request(sm('【示例】您的验证码是654321。'));
    assert.equal(refused.command_status, smppStatusFor('signature_unregistered'));
    assert.equal(refused.command_status, 0x407);
    const recs = (await store.records.queryRecords({ contentProviderId: cp.id, limit: 20 })).records;
    assert.ok(recs.some((r) => JSON.stringify(r.body).includes('signature 【示例】 was revoked on')), JSON.stringify(recs.map((r) => r.body)));
  } finally {
    await esme?.close().catch(() => undefined);
    await smpp.close();
    await store.close();
  }
});

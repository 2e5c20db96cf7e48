/**
 * A suspended content provider's SMPP binds (docs/SMPP.md "Suspended providers"): suspension is not
 * a revocation. The binds stay bound and new binds are accepted (receipts and MO of messages already
 * sent still reach them), but every submit_sm is refused `sender_suspended` (0x405) while suspended;
 * once the provider is active again the same bind sends without rebinding. What this pins is the
 * documented behaviour, so that cutting binds on suspension would be a deliberate change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, Tag, encodeText, smDefaults, tlvCString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { smppStatusFor } from '../../../src/smpp/status-map.js';
import { validCreditCode } from '../../helpers/gateway.js';
import { startSmppDoors } from '../../helpers/smpp-doors.js';

// a number each: the frequency limits must not be what refuses a submit
let n = 0;
const sm = (text: string): SmPdu => ({
  ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: `1380013800${n++}`, data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 0,
  tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')],
});

test('a suspended provider keeps its binds and may bind again, but every submit is refused sender_suspended until it is active again', async () => {
  // a short check period: the credential check must not take suspension for revocation
  const { store, app, admin, smpp } = await startSmppDoors({ credentialCheckMs: 50 });
  const esmes: SmppEsme[] = [];
  const bind = async () => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: smpp.smppPort!, systemId: 'shili', password: 'pw' });
    esmes.push(e);
    return e;
  };
  try {
    const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    await app.addSignature(admin, cp.id, { signature: '【示例】' });
    await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
    await smpp.credentials.create(admin, cp.id, { systemId: 'shili', password: 'pw' });
    const esme = await bind();
    assert.equal((await esme.request(sm('【示例】您的验证码是123456。'))).command_status, CommandStatus.ESME_ROK);

    await app.updateContentProvider(admin, cp.id, { status: 'suspended', reason: 'test' });
    const refused = await esme.request(sm('【示例】您的验证码是654321。'));
    assert.equal(refused.command_status, smppStatusFor('sender_suspended'));
    assert.equal(refused.command_status, 0x405);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smpp.server!.bindCount(cp.id), 1, 'still bound, several credential checks later');
    const second = await bind();
    assert.equal(smpp.server!.bindCount(cp.id), 2, 'a new bind is accepted');
    assert.equal((await second.request(sm('【示例】您的验证码是111111。'))).command_status, 0x405);

    await app.updateContentProvider(admin, cp.id, { status: 'active' });
    assert.equal((await esme.request(sm('【示例】您的验证码是222222。'))).command_status, CommandStatus.ESME_ROK, 'the same bind sends again');
  } finally {
    for (const e of esmes) await e.close().catch(() => undefined);
    await smpp.close();
    await store.close();
  }
});

/**
 * Vendor TLV 0x1403 (docs/SMPP.md, "Message type and category"): the charged service a submit_sm,
 * data_sm or submit_multi charges for, HTTP's `chargedServiceId` (docs/REGULATION.md rule 8). The
 * server reads it as given (translate.ts) and the SMPP door's input carries it to the same use case,
 * whose validation refuses a malformed one invalid_request as HTTP's (0x45 on SMPP).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSubmit } from '../../../src/smpp/server/translate.js';
import { validateSubmitInput } from '../../../src/app/validate.js';
import { SmsguardError } from '../../../src/domain/errors.js';
import { smDefaults, Tag, tlvCString, tlvOctets, tlvUtf8CString, type DataSmPdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { SMPP_STATUS } from '../../../src/smpp/status-map.js';

const base: SmPdu = { ...smDefaults(), command: 'submit_sm', sequence_number: 1, source_addr: '10690001', destination_addr: '13800138000', short_message: Buffer.from('hi') };
const input = { from: '10690001', to: '13800138000', text: '【示例】今日天气：晴', type: 'notification' };

test('0x1403 is a tag of its own, beside 0x1400–0x1402', () => {
  assert.equal(Tag.smsguard_charged_service, 0x1403);
  const vendor = Object.values(Tag).filter((t) => t >= 0x1400 && t <= 0x14ff);
  assert.equal(new Set(vendor).size, vendor.length);
});

test('readSubmit: the TLV as given, NUL-terminated or not, UTF-8; absent → none', () => {
  assert.equal(readSubmit({ ...base, tlvs: [tlvCString(Tag.smsguard_charged_service, 'chs_1')] })!.chargedServiceId, 'chs_1');
  assert.equal(readSubmit({ ...base, tlvs: [tlvOctets(Tag.smsguard_charged_service, Buffer.from('chs_1'))] })!.chargedServiceId, 'chs_1');
  assert.equal(readSubmit({ ...base, tlvs: [tlvUtf8CString(Tag.smsguard_charged_service, '天气')] })!.chargedServiceId, '天气');
  assert.equal(readSubmit(base)!.chargedServiceId, undefined);
  assert.equal('chargedServiceId' in readSubmit({ ...base, tlvs: [tlvCString(Tag.smsguard_category, 'promo')] })!, false);
  // data_sm as submit_sm
  const data: DataSmPdu = { ...smDefaults(), command: 'data_sm', sequence_number: 2, source_addr: '10690001', destination_addr: '13800138000', tlvs: [tlvOctets(Tag.message_payload, Buffer.from('hi')), tlvCString(Tag.smsguard_charged_service, 'chs_2')] } as DataSmPdu;
  assert.equal(readSubmit(data)!.chargedServiceId, 'chs_2');
});

test('readSubmit: an empty value or one holding a NUL is kept as given, not read as no service or another one', () => {
  assert.equal(readSubmit({ ...base, tlvs: [tlvOctets(Tag.smsguard_charged_service, Buffer.from([0]))] })!.chargedServiceId, '');
  assert.equal(readSubmit({ ...base, tlvs: [tlvOctets(Tag.smsguard_charged_service, Buffer.alloc(0))] })!.chargedServiceId, '');
  assert.equal(readSubmit({ ...base, tlvs: [tlvOctets(Tag.smsguard_charged_service, Buffer.from('chs_1\0x\0'))] })!.chargedServiceId, 'chs_1\0x');
});

test('the SMPP door\'s input carries chargedServiceId; a malformed one is invalid_request, as over HTTP', () => {
  assert.equal(validateSubmitInput({ ...input, chargedServiceId: 'chs_1' }, '', true).chargedServiceId, 'chs_1');
  assert.equal(validateSubmitInput({ ...input, chargedServiceId: 'chs_1' }, '', false).chargedServiceId, 'chs_1');
  for (const bad of ['', 'chs_1\0x', 'x'.repeat(65)]) {
    for (const smpp of [true, false]) {
      assert.throws(() => validateSubmitInput({ ...input, chargedServiceId: bad }, '', smpp), (e: unknown) => e instanceof SmsguardError && e.code === 'invalid_request' && e.field === 'chargedServiceId', `${JSON.stringify(bad)} smpp=${smpp}`);
    }
  }
  assert.equal(SMPP_STATUS.invalid_request, 0x45);
  assert.equal(SMPP_STATUS.charge_not_confirmed, 0x414);
  assert.equal(SMPP_STATUS.not_found, 0x401);
  assert.equal(SMPP_STATUS.forbidden, 0x400);
});

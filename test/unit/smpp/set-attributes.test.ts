/**
 * A long message's vendor TLVs (0x1400, 0x1401, 0x1403) are the set's (src/smpp/server/set-attributes.ts):
 * the value any part gave, parts giving different values a refusal naming the TLV; the set's values
 * replace the completing PDU's own in what the use case is handed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesIn, attributesOf, setAttributes, withAttributes } from '../../../src/smpp/server/set-attributes.js';
import type { SubmitFields } from '../../../src/smpp/server/translate.js';

const f = (o: Partial<SubmitFields> = {}): SubmitFields => ({ from: '10690001', to: '13800138000', octets: Buffer.alloc(0), dataCoding: 8, registeredDelivery: 0, ...o });

test('a value given on any part is the set\'s; none given: none', () => {
  assert.deepEqual(setAttributes([{ category: '会员营销', messageType: 'commercial' }, {}, { chargedServiceId: 'chs_1' }]), { ok: true, attributes: { messageType: 'commercial', category: '会员营销', chargedServiceId: 'chs_1' } });
  assert.deepEqual(setAttributes([{}, {}]), { ok: true, attributes: {} });
  assert.deepEqual(setAttributes([{ category: 'a' }, { category: 'a' }]), { ok: true, attributes: { category: 'a' } });
});

test('different values for one TLV: refused, naming it (an empty service differs from a service)', () => {
  assert.deepEqual(setAttributes([{ category: 'a' }, { category: 'b' }]), { ok: false, tag: 0x1401, name: 'smsguard_category' });
  assert.deepEqual(setAttributes([{ messageType: 'commercial' }, { messageType: 'notification', category: 'x' }, { category: 'y' }]), { ok: false, tag: 0x1400, name: 'smsguard_message_type' });
  assert.deepEqual(setAttributes([{ chargedServiceId: '' }, { chargedServiceId: 'chs_1' }]), { ok: false, tag: 0x1403, name: 'smsguard_charged_service' });
});

test('read from a PDU (a type not ours kept as written) and handed over in place of the PDU\'s own', () => {
  assert.deepEqual(attributesOf(f({ invalidType: 'promo', category: 'c', chargedServiceId: '' })), { messageType: 'promo', category: 'c', chargedServiceId: '' });
  assert.deepEqual(attributesOf(f({ type: 'commercial' })), { messageType: 'commercial' });
  assert.deepEqual(attributesIn({ messageType: 'x', seq: 1, partId: 'p' } as never), { messageType: 'x' });
  const out = withAttributes(f({ type: 'notification', clientRef: '7' }), { messageType: 'promo', category: 'c' });
  assert.deepEqual([out.type, out.invalidType, out.category, out.chargedServiceId, out.clientRef], [undefined, 'promo', 'c', undefined, '7']);
  assert.equal(withAttributes(f({ category: 'gone' }), { messageType: 'commercial' }).type, 'commercial');
  assert.equal(withAttributes(f({ category: 'gone' }), {}).category, undefined);
});

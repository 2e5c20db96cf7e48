import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Reassembler } from '../../../src/smpp/server/reassembly.js';
import { readSubmit, defaultTypeForPortKind } from '../../../src/smpp/server/translate.js';
import { SMPP_STATUS, errorCodeForVendorStatus, smppStatusFor } from '../../../src/smpp/status-map.js';
import { ERROR_CODES } from '../../../src/domain/errors.js';
import { buildConcatUdh, smDefaults, Tag, tlvCString, tlvU16, tlvU8, tlvOctets, type SmPdu } from '../../../src/smpp/pdu/index.js';

describe('reassembly', () => {
  test('completes in any order, reports duplicates, rejects impossible segments', () => {
    const r = new Reassembler<string>(1000, 10);
    assert.equal(r.add('k', 3, 2, Buffer.from('b'), 0, 'p2', 0).kind, 'pending');
    assert.equal(r.add('k', 3, 4, Buffer.from('x'), 0, 'p4', 0).kind, 'invalid');
    const dup = r.add('k', 3, 2, Buffer.from('b'), 0, 'again', 0);
    assert.equal(dup.kind === 'duplicate' && dup.part.tag, 'p2');
    assert.equal(r.add('k', 3, 3, Buffer.from('c'), 0, 'p3', 0).kind, 'pending');
    const done = r.add('k', 3, 1, Buffer.from('a'), 0, 'p1', 0);
    assert.ok(done.kind === 'complete');
    assert.equal(done.octets.toString(), 'abc');
    assert.deepEqual(done.parts.map((p) => p.tag), ['p1', 'p2', 'p3']);
    assert.equal(r.openSets, 0);
  });

  test('partial sets expire after the TTL; past maxSets a new set is refused (full), none held is evicted', () => {
    const r = new Reassembler<number>(1000, 2);
    r.add('a', 2, 1, Buffer.from('x'), 0, 1, 0);
    r.add('b', 2, 1, Buffer.from('x'), 0, 2, 500);
    const evicted: string[] = [];
    assert.deepEqual(r.add('c', 2, 1, Buffer.from('x'), 0, 3, 600, (s) => evicted.push(s.key)), { kind: 'full', bound: 'total' });
    assert.deepEqual(evicted, []);
    assert.equal(r.openSets, 2);
    assert.deepEqual(r.expire(999).map((s) => s.key), []);
    assert.deepEqual(r.expire(1000).map((s) => s.key), ['a']);
    assert.equal(r.add('c', 2, 1, Buffer.from('x'), 0, 3, 1000).kind, 'pending', 'room again once one expired: sent again, taken');
    assert.deepEqual(r.expire(1500).map((s) => s.key), ['b']);
    assert.deepEqual(r.expire(2000).map((s) => s.key), ['c']);
    assert.equal(r.openSets, 0);
  });

  test('withdraw takes back one part (a part its caller could not keep) and closes a set left empty', () => {
    const r = new Reassembler<string>(1000, 10, { ownerOf: (k) => k.split('|')[0] });
    r.add('A|k', 3, 1, Buffer.from('aa'), 0, 'p1', 0);
    r.add('A|k', 3, 2, Buffer.from('bbb'), 0, 'p2', 0);
    assert.equal(r.withdraw('A|k', 2), true);
    assert.deepEqual([r.heldBytes, r.held('A')], [2, { sets: 1, bytes: 2 }]);
    assert.equal(r.withdraw('A|k', 2), false, 'not there any more');
    assert.equal(r.add('A|k', 3, 2, Buffer.from('bbb'), 0, 'again', 0).kind, 'pending', 'sent again, it is taken as new');
    assert.ok(r.add('A|k', 3, 3, Buffer.from('c'), 0, 'p3', 0).kind === 'complete');
    assert.equal(r.withdraw('A|k', 1), false, 'a completed set is gone');
    r.add('A|j', 2, 1, Buffer.from('x'), 0, 'j1', 0);
    assert.equal(r.withdraw('A|j', 1), true);
    assert.deepEqual([r.openSets, r.heldBytes, r.held('A')], [0, 0, { sets: 0, bytes: 0 }]);
  });

  const owned = (o: { maxSets?: number; maxBytes?: number; maxSetsPerOwner?: number; maxBytesPerOwner?: number }) =>
    new Reassembler<string>(60_000, o.maxSets ?? 100, { ...o, ownerOf: (k) => k.split('|')[0] });
  const bytes = (n: number) => Buffer.alloc(n, 0x41);

  test('an owner past its own set or byte bound is refused (full), alone: nothing it or another owner holds is given up', () => {
    const r = owned({ maxSetsPerOwner: 2, maxBytesPerOwner: 300 });
    const evicted: string[] = [];
    const ev = (s: { key: string }) => evicted.push(s.key);
    r.add('B|1', 2, 1, bytes(100), 0, 'b1', 0, ev);
    const added = [1, 2, 3, 4, 5].map((i) => r.add(`A|${i}`, 2, 1, bytes(10), 0, `a${i}`, i, ev).kind);
    assert.deepEqual(added, ['pending', 'pending', 'full', 'full', 'full'], 'A keeps its two oldest, acknowledged; the new ones are refused');
    assert.deepEqual(r.add('A|3', 2, 1, bytes(10), 0, 'a3', 3, ev), { kind: 'full', bound: 'owner' });
    assert.equal(r.add('B|2', 2, 1, bytes(10), 0, 'b2', 6, ev).kind, 'pending', 'B is not held back by A');
    assert.deepEqual(r.held('A'), { sets: 2, bytes: 20 });
    // bytes: A's open set may not grow past A's 300 octets while its other set holds room
    r.add('A|1', 3, 2, bytes(1), 0, 'x', 7, ev); // A|1 is 2 parts: this completes it
    assert.equal(r.add('A|6', 3, 1, bytes(150), 0, 'a6', 8, ev).kind, 'pending');
    assert.deepEqual(r.add('A|6', 3, 2, bytes(150), 0, 'a6b', 8, ev), { kind: 'full', bound: 'owner' }, '10 + 150 + 150 > 300');
    assert.deepEqual(evicted, [], 'never an acknowledged set dropped');
    assert.ok(r.add('A|2', 2, 2, bytes(5), 0, 'a2b', 9, ev).kind === 'complete', 'A\'s held set completes');
    assert.equal(r.add('A|6', 3, 2, bytes(150), 0, 'a6b', 9, ev).kind, 'pending', 'sent again once there is room, taken');
    assert.ok(r.add('B|1', 2, 2, bytes(5), 0, 'b2', 10, ev).kind === 'complete', 'B\'s set completes');
  });

  test('a set that cannot fit its owner\'s byte bound is dropped and the part refused as too large', () => {
    const r = owned({ maxBytesPerOwner: 250 });
    const evicted: string[] = [];
    r.add('A|1', 3, 1, bytes(200), 0, 'a1', 0, (s) => evicted.push(s.key));
    const res = r.add('A|1', 3, 2, bytes(100), 0, 'a2', 0, (s) => evicted.push(s.key));
    assert.ok(res.kind === 'invalid' && res.tooLarge);
    assert.deepEqual(evicted, ['A|1']);
    assert.deepEqual([r.openSets, r.heldBytes], [0, 0]);
    assert.ok(r.add('A|2', 2, 1, bytes(300), 0, 'x', 0).kind === 'invalid', 'one part over the bound');
  });

  test('past the total bounds a new part is refused (full) whoever holds the most; a part that completes a set is still taken', () => {
    const r = owned({ maxBytes: 1000, maxSets: 4 });
    const evicted: string[] = [];
    const ev = (s: { key: string }) => evicted.push(s.key);
    r.add('B|1', 2, 1, bytes(100), 0, 'b', 0, ev);
    r.add('A|1', 2, 1, bytes(400), 0, 'a', 1, ev);
    r.add('A|2', 2, 1, bytes(400), 0, 'a', 2, ev);
    assert.deepEqual(r.add('B|2', 2, 1, bytes(200), 0, 'b', 3, ev), { kind: 'full', bound: 'total' }, 'bytes');
    r.add('B|2', 2, 1, bytes(10), 0, 'b', 3, ev);
    assert.deepEqual(r.add('C|1', 2, 1, bytes(10), 0, 'c', 5, ev), { kind: 'full', bound: 'total' }, 'sets');
    assert.deepEqual(evicted, []);
    assert.ok(r.add('A|1', 2, 2, bytes(400), 0, 'a', 6, ev).kind === 'complete', 'completing frees room, never refused');
    assert.equal(r.add('C|1', 2, 1, bytes(10), 0, 'c', 7, ev).kind, 'pending');
  });
});

describe('submit_sm translation', () => {
  const base: SmPdu = { ...smDefaults(), command: 'submit_sm', sequence_number: 1, source_addr: '10690001', destination_addr: '13800138000', short_message: Buffer.from('hi') };
  test('UDH, SAR, payload, vendor TLVs, malformed UDH', () => {
    const u = readSubmit({ ...base, esm_class: 0x40, short_message: Buffer.concat([buildConcatUdh({ ref: 300, total: 2, seq: 2 }), Buffer.from('yo')]) })!;
    assert.deepEqual(u.concat, { ref: 300, total: 2, seq: 2, bits: 16, via: 'udh' });
    assert.equal(u.octets.toString(), 'yo');
    const s = readSubmit({ ...base, tlvs: [tlvU16(Tag.sar_msg_ref_num, 5), tlvU8(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, 1)] })!;
    assert.equal(s.concat?.via, 'sar');
    const p = readSubmit({ ...base, short_message: Buffer.alloc(0), tlvs: [tlvOctets(Tag.message_payload, Buffer.from('long'))] })!;
    assert.equal(p.octets.toString(), 'long');
    const t = readSubmit({ ...base, registered_delivery: 1, tlvs: [tlvCString(Tag.smsguard_message_type, 'commercial'), tlvCString(Tag.smsguard_category, 'promo'), tlvU16(Tag.user_message_reference, 42)] })!;
    assert.deepEqual([t.type, t.category, t.clientRef, t.registeredDelivery], ['commercial', 'promo', '42', 1]);
    assert.equal(readSubmit({ ...base, tlvs: [tlvCString(Tag.smsguard_message_type, 'spam')] })!.invalidType, 'spam');
    assert.equal(t.badTlv, undefined);
    assert.deepEqual(readSubmit({ ...base, tlvs: [tlvOctets(Tag.user_message_reference, Buffer.alloc(4))] })!.badTlv, { tag: Tag.user_message_reference, name: 'user_message_reference', length: 4, expected: 2 });
    assert.deepEqual(readSubmit({ ...base, tlvs: [tlvU16(Tag.sar_segment_seqnum, 1)] })!.badTlv, { tag: Tag.sar_segment_seqnum, name: 'sar_segment_seqnum', length: 2, expected: 1 });
    assert.equal(readSubmit({ ...base, esm_class: 0x40, short_message: Buffer.from([9, 0, 3]) }), undefined);
    assert.equal(readSubmit({ ...base, esm_class: 0x40, short_message: Buffer.concat([buildConcatUdh({ ref: 1, total: 1, seq: 1 }), Buffer.from('z')]) })!.concat, undefined, 'a set of one is a message');
  });

  test('type defaults from the port kind', () => {
    assert.equal(defaultTypeForPortKind('commercial'), 'commercial');
    assert.equal(defaultTypeForPortKind('public_welfare'), 'public_welfare');
    assert.equal(defaultTypeForPortKind('service'), 'notification');
    assert.equal(defaultTypeForPortKind(null), 'notification');
  });
});

describe('status map', () => {
  test('every error code is mapped; vendor codes are unique, in 0x400–0x4FF, and read back', () => {
    for (const c of ERROR_CODES) assert.equal(typeof SMPP_STATUS[c], 'number', c);
    const vendor = Object.entries(SMPP_STATUS).filter(([, s]) => s >= 0x400);
    assert.ok(vendor.every(([, s]) => s <= 0x4ff));
    assert.equal(new Set(vendor.map(([, s]) => s)).size, vendor.length);
    for (const [c, s] of vendor) assert.equal(errorCodeForVendorStatus(s), c);
    assert.equal(smppStatusFor('no_such_code'), 0x08);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IdIndex, otherSpellings } from '../../../src/smpp/client/id-index.js';

test('receipt ids match through hex/decimal, case and leading zeros', () => {
  const idx = new IdIndex<string>();
  idx.add('00000A1B', 'm1'); // hex with zeros
  idx.add('12345', 'm2'); // decimal
  idx.add('abc-XYZ', 'm3'); // opaque
  assert.equal(idx.find('a1b'), 'm1');
  assert.equal(idx.find('A1B'), 'm1');
  assert.equal(idx.find('2587'), 'm1', 'decimal reading of 0xA1B');
  assert.equal(idx.find('0000012345'), 'm2');
  assert.equal(idx.find('3039'), 'm2', 'hex reading of 12345');
  assert.equal(idx.find('ABC-xyz'), 'm3');
  assert.equal(idx.find('nope'), undefined);
  assert.equal(idx.find(''), undefined);
});

test('property: any numeric id matches in every common spelling', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.boolean(), fc.nat({ max: 6 }), (n, hexResp, zeros) => {
    const idx = new IdIndex<bigint>();
    const resp = '0'.repeat(zeros) + (hexResp ? n.toString(16).toUpperCase() : n.toString());
    idx.add(resp, n);
    const spellings = [n.toString(), n.toString(16), n.toString(16).toUpperCase(), '000' + n.toString(16)];
    // a decimal-looking receipt id is first read as decimal; an ambiguous collision can only
    // return another filed value, and here only one value is filed
    for (const s of spellings) assert.equal(idx.find(s), n, `${resp} vs ${s}`);
  }), { numRuns: 500 });
});

test('bounded: oldest entries are evicted', () => {
  const idx = new IdIndex<number>(2);
  idx.add('1', 1);
  idx.add('2', 2);
  idx.add('3', 3);
  assert.equal(idx.find('1'), undefined);
  assert.equal(idx.find('3'), 3);
  assert.equal(idx.size, 2);
});

test('bounded: evicting the oldest keeps a newer id found through another reading', () => {
  const idx = new IdIndex<string>(2);
  idx.add('10', 'ten');
  idx.add('16', 'sixteen');
  assert.equal(idx.find('10'), 'ten', 'as written comes first');
  idx.add('99', 'ninety-nine'); // evicts '10'
  assert.equal(idx.find('16'), 'sixteen');
  assert.equal(idx.find('10'), 'sixteen', 'hex 10 is decimal 16, still filed');
  assert.equal(idx.size, 2);
  for (let i = 0; i < 10; i++) idx.add(String(1000 + i), `m${i}`);
  assert.deepEqual([idx.find('1008'), idx.find('1009'), idx.find('1007')], ['m8', 'm9', undefined], 'a ring: always the newest two');
  idx.add('1009', 'again'); // the same id filed twice: evicting its older slot must keep the newer
  idx.add('2000', 'x');
  assert.equal(idx.find('1009'), 'again');
});

test('a full index keeps exactly the newest entries through many wraps', () => {
  const idx = new IdIndex<number>(50_000);
  for (let i = 0; i < 50_000; i++) idx.add((0x1000000 + i).toString(16), i);
  for (let i = 50_000; i < 250_000; i++) idx.add((0x1000000 + i).toString(16), i);
  assert.equal(idx.size, 50_000);
  assert.equal(idx.find((0x1000000 + 249_999).toString(16)), 249_999);
  assert.equal(idx.find(String(0x1000000 + 200_000)), 200_000, 'the oldest kept, by its decimal reading');
  assert.equal(idx.find((0x1000000 + 199_999).toString(16)), undefined);
});

test('get matches only the id as written (case and leading zeros aside), find also other readings', () => {
  const idx = new IdIndex<string>();
  idx.add('A', 'hex a');
  assert.equal(idx.get('000a'), 'hex a');
  assert.equal(idx.get(' A '), 'hex a');
  assert.equal(idx.get('10'), undefined, '"10" as written is not "a"');
  assert.equal(idx.find('10'), 'hex a', 'decimal 10 is hex a: a guess');
  idx.add('10', 'ten');
  assert.equal(idx.get('10'), 'ten');
  assert.equal(idx.find('10'), 'ten', 'as written first');
  assert.equal(idx.get(''), undefined);
});

test('otherSpellings: the spellings a store tries for a receipt id nothing in memory matched (after a restart)', () => {
  const sp = otherSpellings('A1B');
  assert.ok(!sp.includes('A1B'), 'the id as written was tried already');
  for (const filed of ['a1b', '00000A1B', '00000a1b', '2587', '0000002587']) assert.ok(sp.includes(filed), filed);
  // the same number's spellings come before another reading of the digits
  const ten = otherSpellings('10');
  assert.ok(ten.indexOf('010') < ten.indexOf('a') && ten.indexOf('a') < ten.indexOf('16'));
  // the receipt text's id, when it differs from receipted_message_id, is tried too
  assert.ok(otherSpellings('X-1', 'ff').includes('255'));
  assert.ok(otherSpellings('X-1').length < 50);
  assert.deepEqual(otherSpellings(''), []);
});

test('otherSpellings finds every all-lower or all-upper id an SMSC filed, padded to at most 20, from any reading a receipt uses', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 60n) - 1n }), fc.nat(20), fc.boolean(), fc.constantFrom('hex', 'dec'), fc.constantFrom('hex', 'dec', 'HEX'), fc.nat(3), (n, width, upper, filedAs, receiptAs, zeros) => {
    const spell = (as: string) => (as === 'dec' ? n.toString() : as === 'HEX' ? n.toString(16).toUpperCase() : n.toString(16));
    const core = upper ? spell(filedAs).toUpperCase() : spell(filedAs);
    const filed = core.padStart(Math.max(width, core.length), '0');
    const receipt = '0'.repeat(zeros) + spell(receiptAs);
    return receipt === filed || otherSpellings(receipt).includes(filed);
  }), { numRuns: 500 });
});

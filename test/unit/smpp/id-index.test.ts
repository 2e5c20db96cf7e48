import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IdIndex } from '../../../src/smpp/client/id-index.js';

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

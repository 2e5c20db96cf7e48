/**
 * `message_status.partial` is read defensively: anything that is not a well-formed PartialSubmit
 * reads as absent (the retry sends every part again, as before the column existed), never as an
 * error that would stop the delivery queue's claim.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { partialColumn, partialFromColumn } from '../../../src/store/partial-submit.js';

test('round trip, and null for nothing taken', () => {
  const p = { ref: 200, partIds: ['0A1', null, 'ff'] };
  assert.deepEqual(partialFromColumn(partialColumn(p)), p);
  assert.equal(partialColumn(undefined), null);
  assert.equal(partialFromColumn(null), undefined);
});

test('malformed values read as absent', () => {
  for (const v of ['{', '[]', 'null', '{"ref":1}', '{"ref":-1,"partIds":["a",null]}', '{"ref":1.5,"partIds":["a",null]}', '{"ref":1,"partIds":["a"]}', '{"ref":1,"partIds":["a",3]}', '"x"']) {
    assert.equal(partialFromColumn(v), undefined, v);
  }
});

test('property: never throws, whatever the column holds', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (v) => {
    const p = partialFromColumn(v);
    if (p) assert.ok(Number.isInteger(p.ref) && p.partIds.length >= 2);
  }), { numRuns: 2000 });
});

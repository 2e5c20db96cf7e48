import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACCEPTED_FIELDS, submitResultJson, submitResultsJson } from '../../../src/http/submit-results.js';
import { submitResult } from '../../../src/http/schemas.js';
import type { SubmitOutcome } from '../../../src/app/types.js';

/** What the routes' response schema (`submitResult`) keeps of a result, in its order. */
function asSchemaGives(r: SubmitOutcome): Record<string, unknown> {
  if (r.ok) return { id: r.id, status: r.status, text: r.text, segments: r.segments };
  const error: Record<string, string> = {};
  for (const k of ['code', 'message', 'rule', 'article', 'profile', 'field'] as const) {
    const v = r.error[k];
    if (v !== undefined) error[k] = v;
  }
  return r.id === undefined ? { error } : { id: r.id, error };
}

// Any UTF-16 text, lone surrogates, quotes, backslashes and control characters included.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const accepted = fc.record({ ok: fc.constant(true as const), id: text, status: fc.constant('accepted' as const), text, segments: fc.nat(10) });
const rejected = fc.record(
  {
    ok: fc.constant(false as const),
    id: text,
    error: fc.record({ code: fc.constantFrom('frequency_exceeded', 'invalid_request') as fc.Arbitrary<'invalid_request'>, message: text, rule: text, article: text, profile: text, field: text }, { requiredKeys: ['code', 'message'] }),
  },
  { requiredKeys: ['ok', 'error'] },
);
const outcome: fc.Arbitrary<SubmitOutcome> = fc.oneof(accepted, rejected);

test('submit results: the bytes parse to what the response schema keeps, in its order, for any text', () => {
  fc.assert(fc.property(fc.array(outcome, { maxLength: 20 }), (rs) => {
    const json = submitResultsJson(rs).toString('utf8');
    // the exact text JSON.stringify gives for the same fields (key order included)
    assert.equal(json, JSON.stringify({ results: rs.map(asSchemaGives) }));
    for (const r of rs) assert.equal(submitResultJson(r).toString('utf8'), JSON.stringify(asSchemaGives(r)));
  }), { numRuns: 500 });
});

test('submit results: fields a result carries beyond the schema stay out', () => {
  const r = { ok: true, id: 'msg_1', status: 'accepted', text: '【示例】您好', segments: 1, extra: 'x' } as SubmitOutcome;
  assert.equal(submitResultJson(r).toString(), '{"id":"msg_1","status":"accepted","text":"【示例】您好","segments":1}');
  const e = { ok: false, error: { code: 'invalid_request', message: 'to: bad', field: 'messages/0/to', stack: 'no' } } as unknown as SubmitOutcome;
  assert.equal(submitResultsJson([e]).toString(), '{"results":[{"error":{"code":"invalid_request","message":"to: bad","field":"messages/0/to"}}]}');
  assert.equal(submitResultsJson([]).toString(), '{"results":[]}');
});

test('submit results: an accepted result has exactly the response schema\'s fields besides error, in its order', () => {
  // a field added to the schema must be written here too (or the answer would silently lack it)
  assert.deepEqual([...ACCEPTED_FIELDS], Object.keys(submitResult.properties).filter((k) => k !== 'error'));
  const r = { ok: true, id: 'msg_1', status: 'accepted', text: 't', segments: 1 } as SubmitOutcome;
  assert.deepEqual(Object.keys(JSON.parse(submitResultJson(r).toString())), [...ACCEPTED_FIELDS]);
});

/**
 * The system's trail texts as codes (src/domain/case-notes.ts): every sentence written from a code
 * reads back to that code and its parameters, so a record written before the codes existed is shown
 * in the page's language as one written after; a text not written from a code reads as none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEASURE_RESULTS, TEMPLATE_VIA, TRAIL_REASONS, measureResult, measureResultText, trailReason, type MeasureResultCode, type TrailReasonCode } from '../../../src/domain/case-notes.js';

test('every measure result reads back from its sentence, with its parameters', () => {
  for (const code of Object.keys(MEASURE_RESULTS) as MeasureResultCode[]) {
    for (const templateVia of Object.keys(TEMPLATE_VIA)) {
      const params = { perSecond: 2.5, actionId: 'ewa_7', templateId: 'tpl_42', templateVia };
      const applied = measureResultText(code, params);
      assert.doesNotMatch(applied, /\{\w+\}/, `${code}: every parameter filled`);
      const back = measureResult({ applied });
      assert.equal(back?.code, code, applied);
      for (const k of (MEASURE_RESULTS[code].match(/\{(\w+)\}/g) ?? []).map((x) => x.slice(1, -1))) {
        assert.equal(String(back?.params[k]), String(params[k as keyof typeof params]), `${code}.${k}`);
      }
    }
  }
  assert.equal(measureResultText('template_blocked', { templateId: 'tpl_1', templateVia: 'trail' }), 'template tpl_1 (noted by the template stage when the message was sent) rejected: the content provider can no longer send it');
});

test('the stored code wins over the sentence; a sentence no code wrote is none', () => {
  assert.deepEqual(measureResult({ appliedCode: 'recorded', applied: 'anything' })?.code, 'recorded');
  assert.equal(measureResult({ applied: 'content provider throttled to many messages' }), null);
  assert.equal(measureResult({ applied: 'template tpl_1 (found somehow) rejected: the content provider can no longer send it' }), null);
  assert.equal(measureResult({}), null);
  assert.equal(measureResult({ appliedCode: 'toString' }), null, 'no inherited key is a code');
});

test('every trail reason reads back from its sentence; a person\'s text is none', () => {
  for (const code of Object.keys(TRAIL_REASONS) as TrailReasonCode[]) {
    assert.equal(trailReason(TRAIL_REASONS[code], {}), code);
    assert.equal(trailReason('typed by someone', { reasonCode: code }), code);
  }
  assert.equal(trailReason('please check the sender', {}), null);
  assert.equal(trailReason(null, {}), null);
  assert.equal(trailReason('x', { reasonCode: 'constructor' }), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeVerdicts, encodeVerdicts } from '../../../src/store/verdict-codec.js';
import type { Decision, Verdict } from '../../../src/pipeline/types.js';

const v = (rule: string, outcome: Verdict['outcome'], extra: Partial<Verdict> = {}): Verdict => ({ rule, article: 'a', profile: 'cn-2015', outcome, ...extra });
const decision = (verdicts: Verdict[]): Decision => ({ accepted: verdicts.every((x) => x.outcome !== 'fail'), pipeline: verdicts.map((x) => x.rule), verdicts, segments: 1, text: 't' } as unknown as Decision);

test('outcome letters: one per stage, the same for the same pattern, whatever the length', () => {
  const shapes: Verdict['outcome'][][] = [
    ['pass'], ['pass', 'pass'], ['skip'], ['pass', 'skip', 'fail'], ['skip', 'pass', 'fail'],
    Array(26).fill('pass'), [...Array(25).fill('pass'), 'skip'], Array(27).fill('pass'), [...Array(30).fill('skip'), 'fail'],
  ];
  for (let round = 0; round < 2; round++) {
    for (const shape of shapes) {
      const e = encodeVerdicts(decision(shape.map((o, i) => v(`r${i}`, o))));
      assert.equal(e.outcomes, shape.map((o) => ({ pass: 'P', skip: 'S', fail: 'F' })[o]).join(''), `${shape.length} stages, round ${round}`);
    }
  }
});

test('notes and the failing message survive a round trip', () => {
  const d = decision([v('a', 'pass'), v('b', 'pass', { note: 'refusal notice appended' }), v('c', 'fail', { code: 'quiet_hours' as Verdict['code'], message: 'outside 08:00–21:00' })]);
  const e = encodeVerdicts(d);
  assert.deepEqual([e.outcomes, e.notes, e.message], ['PPF', { 1: 'refusal notice appended' }, 'outside 08:00–21:00']);
  const back = decodeVerdicts(e, ['a', 'b', 'c'], 'quiet_hours');
  assert.deepEqual(back.map((x) => [x.rule, x.outcome, x.note ?? null]), [['a', 'pass', null], ['b', 'pass', 'refusal notice appended'], ['c', 'fail', null]]);
  assert.deepEqual([back[2].code, back[2].message], ['quiet_hours', 'outside 08:00–21:00']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, table, type CpuProfile } from '../../../bench/cpuprofile-top.js';

/** root → main → { a → b, b }, and idle; samples 1 ms apart, then a gap of a second. */
function profile(): CpuProfile {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  return {
    startTime: 0,
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 6] },
      { id: 2, callFrame: frame('main', 'file:///x/src/app.ts', 9), children: [3, 5] },
      { id: 3, callFrame: frame('a', 'file:///x/src/a.ts', 0), children: [4] },
      { id: 4, callFrame: frame('b', 'file:///x/src/b.ts', 4) },
      { id: 5, callFrame: frame('b', 'file:///x/src/b.ts', 4) },
      { id: 6, callFrame: frame('(idle)') },
    ],
    // a→b twice, b once, main once, idle twice, then one a→b a second later
    samples: [4, 4, 5, 2, 6, 6, 4],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1_000_000],
  };
}

test('self and inclusive counts leave idle out and count a function once per sample', () => {
  const r = summarize(profile());
  assert.equal(r.total, 5);
  assert.equal(r.self.get('b b.ts:5'), 4);
  assert.equal(r.self.get('main app.ts:10'), 1);
  assert.equal(r.inclusive.get('main app.ts:10'), 5);
  assert.equal(r.inclusive.get('a a.ts:1'), 3);
  assert.equal(r.inclusive.get('(root)'), 5);
  assert.deepEqual(table(r.self, r.total, 1), [' 80.0 b b.ts:5']);
});

test('a window in seconds, files, callers and the per-second timeline', () => {
  const early = summarize(profile(), { to: 0.5 });
  assert.equal(early.total, 4);
  const late = summarize(profile(), { from: 1 });
  assert.equal(late.total, 1);
  assert.deepEqual(late.timeline, [[4, 2], [1, 0]]);
  const files = summarize(profile(), { files: true });
  assert.equal(files.self.get('src/b.ts'), 4);
  const callers = summarize(profile(), { callers: 'b b.ts', depth: 2 });
  assert.equal(callers.callers.get('a a.ts:1 < main app.ts:10'), 3);
  assert.equal(callers.callers.get('main app.ts:10 < (root)'), 1);
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AhoCorasick } from '../../../src/content/aho-corasick.js';

const codes = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

function naive(patterns: string[], text: string): string[] {
  const out: string[] = [];
  patterns.forEach((p, i) => {
    for (let s = text.indexOf(p); s >= 0; s = text.indexOf(p, s + 1)) out.push(`${i}@${s}`);
  });
  return out.sort();
}

describe('AhoCorasick', () => {
  test('classic he/she/his/hers', () => {
    const ac = new AhoCorasick(['he', 'she', 'his', 'hers'].map(codes));
    assert.deepEqual(ac.findAll('ushers').map(([p, s]) => `${p}@${s}`).sort(), ['0@2', '1@1', '3@2']);
  });
  test('duplicate patterns are both reported', () => {
    const ac = new AhoCorasick(['发票', '发票'].map(codes));
    assert.equal(ac.findAll('代开发票').length, 2);
  });
  test('rejects empty patterns', () => {
    assert.throws(() => new AhoCorasick([[]]));
  });
  test('agrees with a naive search (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '发', '票', '代');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 5 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (pats, text) => {
        const ac = new AhoCorasick(pats.map(codes));
        const got = ac.findAll(text).map(([p, s]) => `${p}@${s}`).sort();
        assert.deepEqual(got, naive(pats, text));
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});

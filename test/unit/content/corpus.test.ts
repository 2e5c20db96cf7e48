import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorpus } from '../../../src/content/corpus.js';
import { defaultCorpus } from '../../../src/content/default-classifier.js';
import { defaultLexicon } from '../../../src/content/default-lexicon.js';

const rows = defaultCorpus();

describe('labelled SMS corpus', () => {
  test('at least 600 messages over the four types and the required sectors', () => {
    assert.ok(rows.length >= 600, `${rows.length}`);
    const byType = new Map<string, number>();
    for (const r of rows) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    for (const t of ['verification', 'notification', 'commercial', 'public_welfare']) assert.ok((byType.get(t) ?? 0) >= 80, t);
    const sectors = new Set(rows.map((r) => r.sector));
    for (const s of ['bank', 'logistics', 'ecommerce', 'government', 'telecom', 'education', 'healthcare']) assert.ok(sectors.has(s), s);
  });

  test('no duplicates, unique ids', () => {
    assert.equal(new Set(rows.map((r) => r.text)).size, rows.length);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  });

  test('held-out split is stratified, about a quarter of every type', () => {
    for (const t of ['verification', 'notification', 'commercial', 'public_welfare']) {
      const all = rows.filter((r) => r.type === t);
      const held = all.filter((r) => r.split === 'heldout').length;
      assert.ok(held >= all.length * 0.2 && held <= all.length * 0.3, `${t}: ${held}/${all.length}`);
    }
  });

  test('no legitimate corpus message trips the prohibited-content lexicon', () => {
    const lex = defaultLexicon();
    for (const r of rows) {
      const allowNegation = r.type === 'public_welfare' || r.type === 'notification';
      assert.deepEqual(lex.scan(r.text, { allowNegation }), [], r.id);
    }
  });

  test('parser rejects malformed rows', () => {
    assert.throws(() => parseCorpus('id\tsplit\ttype\tsector\ttext\nx1\ttrain\tspam\tbank\thello'), /malformed row 2/);
    assert.throws(() => parseCorpus('nope'), /header/);
  });
});

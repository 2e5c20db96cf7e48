import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContentFiles } from '../../../src/content/load.js';
import { DEFAULT_EARLY_WARNING_POLICY } from '../../../src/content/default-policy.js';

describe('operator content files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-content-'));
  test('a lexicon extension and a policy load; the extension is caught, the shipped terms still are', () => {
    const lex = join(dir, 'extra.json');
    writeFileSync(lex, JSON.stringify({ categories: { pyramid: { label: '传销', severity: 'review', terms: ['拉人头返利'] } } }));
    const pol = join(dir, 'policy.json');
    writeFileSync(pol, JSON.stringify({ ...DEFAULT_EARLY_WARNING_POLICY, windowBuckets: 3 }));
    const o = loadContentFiles({ lexiconFiles: [lex], policyFile: pol, threshold: '0.7' });
    assert.equal(o.threshold, 0.7);
    assert.equal(o.policy?.windowBuckets, 3);
    assert.equal(o.lexicon?.scan('拉 人 头 返 利')[0].category, 'pyramid');
    assert.equal(o.lexicon?.scan('代开发票')[0].category, 'fake_invoice');
  });
  test('every problem is reported at once', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ categories: { 'Bad-Name': { terms: ['x'] } } }));
    const pol = join(dir, 'badpolicy.json');
    writeFileSync(pol, JSON.stringify({ ...DEFAULT_EARLY_WARNING_POLICY, alpha: 5 }));
    assert.throws(
      () => loadContentFiles({ lexiconFiles: [bad, join(dir, 'missing.json')], policyFile: pol, threshold: '2' }),
      (e: Error) => /Bad-Name/.test(e.message) && /missing\.json/.test(e.message) && /alpha/.test(e.message) && /threshold/.test(e.message),
    );
    rmSync(dir, { recursive: true, force: true });
  });
});

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
  test('the classifier threshold is a decimal number in (0, 1], written as one: hex, exponents and words are refused, not converted', () => {
    for (const t of ['0.5', ' 0.5 ', '1', '1.0', '.35', '0.999']) assert.equal(loadContentFiles({ threshold: t }).threshold, Number(t), t);
    for (const t of ['0x1', '5e-1', '1e0', 'Infinity', '0', '1.5', '-0.1', '0.5.1', '½']) {
      assert.throws(() => loadContentFiles({ threshold: t }), (e: Error) => e.message.includes(`threshold: a decimal number in (0, 1], got ${JSON.stringify(t)}`), t);
    }
  });
  test('a policy file with a port-scope complaint_rate or a bad minEvents is refused at start, naming the file and the rule', () => {
    const pol = join(dir, 'portcomplaints.json');
    const rules = DEFAULT_EARLY_WARNING_POLICY.rules.map((r) => (r.id === 'complaint_rate_high' ? { ...r, scope: 'port' } : r.id === 'opt_out_rate_high' ? { ...r, minEvents: 0 } : r));
    writeFileSync(pol, JSON.stringify({ ...DEFAULT_EARLY_WARNING_POLICY, rules }));
    const i = rules.findIndex((r) => r.id === 'complaint_rate_high');
    const j = rules.findIndex((r) => r.id === 'opt_out_rate_high');
    assert.throws(
      () => loadContentFiles({ policyFile: pol }),
      (e: Error) => e.message.includes(`${pol}: rules[${i}].scope: complaint_rate is judged per provider only`) && e.message.includes(`${pol}: rules[${j}].minEvents: an integer ≥ 1`),
    );
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

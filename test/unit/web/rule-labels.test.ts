/**
 * The rule labels (src/web/rule-labels.ts) cover every rule id the code can name. The ids are plain
 * strings where they are written (a profile keys its rules by string, a use case writes its own in
 * its error), so the type check cannot see them all: this test collects them from the profiles, the
 * pipeline's stages, the scope rules, and the sources of every other place that writes one (`rule:
 * '…'` in an error or a trail's evidence, `reject(ctx, code, '…')`, `…_RULE = '…'`,
 * `profile.rules['…']`), and checks each has its label in both languages, and that the table names
 * nothing the code does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROFILES } from '../../../src/profiles/index.js';
import { DEFAULT_STAGES } from '../../../src/pipeline/stages/index.js';
import { SCOPE_RULES } from '../../../src/app/records-scope.js';
import { RULE_IDS, ruleLabel, ruleName } from '../../../src/web/rule-labels.js';

const SRC = new URL('../../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

// A `…_RULE` constant is not always a rule id (SCHEMA_NAME_RULE is a sentence): only id-shaped ones.
const PATTERNS = [/\brule:\s*'([^']+)'/g, /\breject\(ctx,\s*'[^']+',\s*'([^']+)'/g, /_RULE\s*=\s*'([a-z]+(?:\.[a-z-]+)+)'/g, /\brules\[\s*'([^']+)'\s*\]/g];

/** Every rule id the code names, with where it was found. */
function emitted(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (id: string, where: string) => { if (!found.has(id)) found.set(id, where); };
  for (const p of Object.values(PROFILES)) for (const id of Object.keys(p.rules)) add(id, `profile ${p.id}`);
  for (const s of DEFAULT_STAGES) add(s.rule, 'pipeline stage');
  for (const id of Object.values(SCOPE_RULES)) add(id, 'SCOPE_RULES');
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    // The labels themselves; and the template checker's violation names (`placeholder_syntax`, …),
    // which are the template API's list of what a draft broke, not a rule a rejection names.
    if (rel.startsWith('web/') || rel === 'content/templates.ts') continue;
    const text = readFileSync(file, 'utf8');
    for (const re of PATTERNS) for (const m of text.matchAll(re)) add(m[1], rel);
  }
  return found;
}

test('every rule id a profile, a stage or a use case names has a label', () => {
  const found = emitted();
  // The scan must see the places it is meant to: one id of each kind of source.
  for (const id of ['commercial.consent', 'content.template', 'ports.reserved', 'consent.one-pending', 'supervision.date-scope', 'complaints.measure', 'registry.credit-code']) assert.ok(found.has(id), `the scan finds ${id}`);
  const unlabelled = [...found].filter(([id]) => ruleLabel('zh', id) === null).map(([id, where]) => `${id} (${where})`);
  assert.deepEqual(unlabelled, [], 'give these ids a label in src/web/rule-labels.ts');
  const stale = RULE_IDS.filter((id) => !found.has(id));
  assert.deepEqual(stale, [], 'labels for ids nothing names any more');
});

test('every label reads in both languages, and no two rules share one', () => {
  for (const lang of ['zh', 'en'] as const) {
    const labels = RULE_IDS.map((id) => ruleLabel(lang, id));
    for (const [i, l] of labels.entries()) {
      assert.ok(l && l.trim() === l && l.length >= 4, `${RULE_IDS[i]} ${lang}`);
      assert.equal(/\p{Script=Han}/u.test(l), lang === 'zh', `${RULE_IDS[i]} ${lang}: ${l}`);
      assert.ok(!l.includes(RULE_IDS[i]), 'the label is words, not the id again');
    }
    assert.equal(new Set(labels).size, labels.length, `${lang}: labels are distinct`);
  }
});

test('a rule is named by its label with the id in brackets, full-width on a Chinese page; an unknown id as it is', () => {
  assert.equal(ruleName('zh', 'commercial.consent'), '商业短信须经用户同意（commercial.consent）');
  assert.equal(ruleName('en', 'commercial.consent'), "commercial messages need the user's consent (commercial.consent)");
  assert.equal(ruleName('zh', '#3'), '#3');
  assert.equal(ruleLabel('en', 'toString'), null, 'not a property of the object');
});

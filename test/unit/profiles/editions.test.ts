/**
 * Each profile cites its own edition (shared/REGULATION.md): cn-2015 Order 31's articles, cn-2026
 * Order 74, whose article numbers were not read, so where a cn-2026 rule comes over from Order 31 it
 * says so and is marked unverified. A decision, a rejection and the web pages show these articles
 * with the profile's id, so an Order 31 number under `cn-2026` would name a provision of a
 * regulation no longer in force as the one that decided.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, type Profile } from '../../../src/profiles/index.js';

function sources(p: Profile): { where: string; article: string; unverified?: boolean; basis?: string }[] {
  return [
    ...Object.entries(p.rules).map(([id, s]) => ({ where: `rule ${id}`, article: s.article, unverified: s.unverified })),
    ...Object.entries(p.params).map(([name, s]) => ({ where: `param ${name}`, article: s.article, unverified: s.unverified, basis: s.basis })),
  ];
}

/** An article number or a draft: a claim about a particular text. */
const CITES_TEXT = /\bArt\. \d|\bdraft\b/;

test('cn-2026 gives no Order 31 article or draft as its own: each says it comes over from Order 31', () => {
  const bare = sources(PROFILES['cn-2026']).filter((s) => CITES_TEXT.test(s.article) && !/^Order 74 \(article not known; as Order 31 /.test(s.article));
  assert.deepEqual(bare.map((s) => `${s.where}: ${s.article}`), []);
});

test('every cn-2026 source citing Order 74 is marked unverified (not read in the original)', () => {
  const sure = sources(PROFILES['cn-2026']).filter((s) => /Order 74/.test(s.article) && s.unverified !== true);
  assert.deepEqual(sure.map((s) => `${s.where}: ${s.article}`), []);
});

test('cn-2015 cites no Order 74', () => {
  const wrong = sources(PROFILES['cn-2015']).filter((s) => /Order 74|第74号/.test(s.article));
  assert.deepEqual(wrong.map((s) => s.where), []);
});

test('a rule carried over keeps what cn-2015 enforces and its Order 31 article, named as such', () => {
  const r15 = PROFILES['cn-2015'].rules['commercial.opt-out'];
  const r26 = PROFILES['cn-2026'].rules['commercial.opt-out'];
  assert.equal(r26.article, `Order 74 (article not known; as Order 31 ${r15.article})`);
  assert.equal(r26.summary, r15.summary);
  assert.equal(r26.unverified, true);
  // A parameter set under that rule cites the cn-2026 rule, not cn-2015's.
  assert.equal(PROFILES['cn-2026'].params.optOutScope.article, r26.article);
  assert.equal(PROFILES['cn-2026'].params.refusalNotice.article, PROFILES['cn-2026'].rules['commercial.refusal-notice'].article);
});

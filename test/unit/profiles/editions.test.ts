/**
 * Each profile cites its own edition (docs/REGULATION.md): cn-2015 Order 31's articles, cn-2026
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

/**
 * What docs/REGULATION.md leaves open for cn-2015: port separation (2020 draft), the no-reply and
 * no-repeat consent rules (2014 draft, final wording unverified), the complaint deadlines (a secondary
 * source), the province scope (Art. 3, not in it), and the content rules' sources (article numbers not
 * confirmed). The rest it states as the regulation's (the consent request's type, frequency and
 * duration among them) or as market practice, which is no claim about the text.
 */
test('cn-2015 marks unverified exactly what docs/REGULATION.md leaves open', () => {
  const flagged = sources(PROFILES['cn-2015']).filter((s) => s.unverified === true).map((s) => s.where).sort();
  assert.deepEqual(flagged, [
    'param complaintAnswerWorkingDays', 'param complaintForwardWorkingDays', 'param consentRepeatBanDays', 'param noReplyMeansRefusal', 'param portSeparation',
    // docs/REGULATION.md rule 8 names no article
    'rule charging.notice',
    'rule consent.no-repeat', 'rule consent.no-reply', 'rule content.prohibited', 'rule content.template', 'rule monitor.early-warning',
    'rule port.separation', 'rule supervision.province-scope',
  ].sort());
});

test('values docs/REGULATION.md gives as market practice, or that are the gateway\'s own, say so (basis practice, not law or a draft)', () => {
  for (const p of Object.values(PROFILES)) {
    // "Market practice (defaults, not law)", and the refusal notice's wording (rule 6: Huawei's).
    for (const name of ['verificationLimits', 'quietHours', 'maxLength', 'refusalNotice', 'optOutKeywords', 'complaintRateThresholdPerMillion'] as const) {
      assert.equal(p.params[name].basis, 'practice', `${p.id} ${name}`);
    }
    // No edition or draft names how long a consent request waits for its answer: 48 hours is the gateway's.
    const w = p.params.consentReplyWindowHours;
    assert.equal(w.basis, 'practice', `${p.id} consentReplyWindowHours`);
    assert.match(w.article, /not regulation/, `${p.id} consentReplyWindowHours: ${w.article}`);
    assert.doesNotMatch(w.article, /\bArt\. \d|draft|Order 74/, `${p.id} consentReplyWindowHours cites no text for its number`);
  }
});

/** The commercial stages on both profiles: opt-out (scopes), DND, consent held / expired, frequency, daytime. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decide } from '../../../src/pipeline/runner.js';
import { DEFAULT_STAGES } from '../../../src/pipeline/stages/index.js';
import { consentFrequency, consentHeld, notOptedOut, optOutApplies, withinSendingHours } from '../../../src/pipeline/stages/commercial.js';
import { ruleBasedDetectors } from '../../../src/pipeline/ad-detector.js';
import { resolveProfile, type ProfileId } from '../../../src/profiles/index.js';
import type { Candidate, Facts, StageContext } from '../../../src/pipeline/types.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');
const DAY = 86_400_000;
const candidate: Candidate = { contentProviderId: 'cp_1', from: '10690002', toRaw: '13800138000', to: '+8613800138000', text: '【示例】会员日满减', type: 'commercial', category: 'promo' };
const consent = { id: 'con_1', category: 'promo', grantedAt: NOON - DAY, expiresAt: NOON + 30 * DAY, frequency: { count: 4, per: 'month' as const }, usedInPeriod: 0, hasProof: true };
function facts(over: Partial<Facts> = {}): Facts {
  return {
    sender: { id: 'cp_1', status: 'active', signatures: new Set(['【示例】', '【示例商城】']) },
    port: { number: '10690002', ownerId: 'cp_1', kind: 'commercial' },
    optedOut: false, dnd: false, consent, verificationSends: { minute: 0, hour: 0, day: 0 }, ...over,
  };
}

for (const id of ['cn-2015', 'cn-2026'] as ProfileId[]) {
  const profile = resolveProfile(id);
  const ctx = (f: Facts, now = NOON, c: Candidate = candidate): StageContext => ({ candidate: c, text: c.text, facts: f, profile, detectors: ruleBasedDetectors, now });
  const run = (f: Facts, now = NOON, c: Candidate = candidate) => decide(DEFAULT_STAGES, c, f, profile, ruleBasedDetectors, now);

  describe(`commercial rules on ${id}`, () => {
    test('a consented message passes and gets the refusal notice', () => {
      const d = run(facts());
      assert.equal(d.accepted, true, JSON.stringify(d.rejection));
      assert.ok(d.text.endsWith('拒收请回复R'));
      assert.ok(d.verdicts.every((v) => v.profile === id));
    });
    test('opted out (provider scope) → opted_out, citing the opt-out rule', () => {
      const d = run(facts({ optedOut: true, optOutSignatures: ['【示例商城】'] }));
      assert.equal(d.rejection?.code, 'opted_out');
      assert.equal(d.rejection?.rule, 'commercial.opt-out');
      assert.match(d.rejection!.article, id === 'cn-2015' ? /Art\. 18/ : /./);
    });
    test('do-not-disturb → opted_out', () => {
      assert.equal(run(facts({ dnd: true })).rejection?.code, 'opted_out');
    });
    test('no consent → consent_missing; expired → consent_expired', () => {
      assert.equal(run(facts({ consent: null })).rejection?.code, 'consent_missing');
      assert.equal(run(facts({ consent: { ...consent, expiresAt: NOON } })).rejection?.code, 'consent_expired');
      assert.equal(consentHeld.run(ctx(facts({ consent: { ...consent, expiresAt: NOON + 1 } }))).outcome, 'pass');
    });
    test('consent_missing names the consent withdrawn last, after the unchanged start; a live or expired one still wins', () => {
      const plain = run(facts({ consent: null })).rejection!;
      assert.equal(plain.message, 'no consent from this number for category promo', 'no withdrawn consent: the message as before');
      // withdrawn 2026-11-30T03:00:00Z = 11:00 Shanghai
      const w = { id: 'con_w', withdrawnAt: Date.parse('2026-11-30T03:00:00Z'), byUser: false };
      const d = run(facts({ consent: null, withdrawnConsent: w })).rejection!;
      assert.equal(d.code, 'consent_missing');
      assert.equal(d.rule, plain.rule);
      assert.equal(d.article, plain.article);
      assert.equal(d.message, "no consent from this number for category promo: consent con_w was withdrawn at 2026-11-30T11:00:00+08:00 (withdrawn by DELETE /v1/consents/{id} or the number's refusal); a lifted opt-out restores no consent: record a new one (POST /v1/consents)");
      const byUser = run(facts({ consent: null, withdrawnConsent: { ...w, byUser: true } })).rejection!;
      assert.ok(byUser.message.startsWith('no consent from this number for category promo: consent con_w was withdrawn at 2026-11-30T11:00:00+08:00 (withdrawn at the user\'s request, by DELETE /v1/consents/{id} with proof)'), byUser.message);
      // a live consent passes, an expired one is consent_expired, whatever was withdrawn besides
      assert.equal(consentHeld.run(ctx(facts({ withdrawnConsent: w }))).outcome, 'pass');
      const e = run(facts({ consent: { ...consent, expiresAt: NOON }, withdrawnConsent: w })).rejection!;
      assert.equal(e.code, 'consent_expired');
      assert.doesNotMatch(e.message, /con_w/);
    });
    test(`a consent recorded without proof: ${id === 'cn-2026' ? 'not consent (consent_missing, citing the proof rule)' : 'counts'}`, () => {
      const d = run(facts({ consent: { ...consent, hasProof: false } }));
      if (id === 'cn-2015') {
        assert.equal(d.accepted, true, JSON.stringify(d.rejection));
        return;
      }
      assert.equal(d.rejection?.code, 'consent_missing');
      assert.equal(d.rejection?.rule, 'commercial.consent');
      assert.equal(d.rejection?.article, profile.rules['commercial.consent'].article);
      assert.ok(d.rejection?.message?.includes(profile.rules['consent.proof'].article), d.rejection?.message);
      assert.match(d.rejection!.message!, /con_1 was recorded without proof/);
      // expiry is told first: the remedy for an expired consent is a new one anyway
      assert.equal(run(facts({ consent: { ...consent, hasProof: false, expiresAt: NOON } })).rejection?.code, 'consent_expired');
      assert.equal(run(facts()).accepted, true, 'with proof it passes');
    });
    test('frequency: the last allowance passes, the next is consent_frequency_exceeded', () => {
      assert.equal(consentFrequency.run(ctx(facts({ consent: { ...consent, usedInPeriod: 3 } }))).outcome, 'pass');
      assert.equal(run(facts({ consent: { ...consent, usedInPeriod: 4 } })).rejection?.code, 'consent_frequency_exceeded');
    });
    test('quiet hours: 21:00 Shanghai is outside, 08:00 inside', () => {
      assert.equal(withinSendingHours.run(ctx(facts(), Date.parse('2026-11-30T13:00:00Z'))).outcome, 'fail');
      assert.equal(withinSendingHours.run(ctx(facts(), Date.parse('2026-11-30T00:00:00Z'))).outcome, 'pass');
    });
    test('non-commercial messages skip every commercial rule', () => {
      const c: Candidate = { ...candidate, type: 'notification', from: '10690001', text: '【示例】您的订单已发货' };
      const f = facts({ optedOut: true, dnd: true, consent: null, port: { number: '10690001', ownerId: 'cp_1', kind: 'service' } });
      for (const s of [notOptedOut, consentHeld, consentFrequency, withinSendingHours]) assert.equal(s.run(ctx(f, NOON, c)).outcome, 'skip');
    });
  });

  describe(`opt-out scope per signature on ${id} (operator override)`, () => {
    const sigProfile = resolveProfile(id, { optOutScope: 'signature' });
    const runSig = (f: Facts, text: string) => decide(DEFAULT_STAGES, { ...candidate, text }, f, sigProfile, ruleBasedDetectors, NOON);
    test('an opt-out from one signature blocks only that signature', () => {
      const f = facts({ optedOut: true, optOutSignatures: ['【示例商城】'] });
      assert.equal(runSig(f, '【示例商城】会员日满减').rejection?.code, 'opted_out');
      assert.equal(runSig(f, '【示例】会员日满减').accepted, true);
    });
    test('an opt-out whose signature is unknown (*) blocks every signature', () => {
      assert.equal(runSig(facts({ optedOut: true, optOutSignatures: ['*'] }), '【示例】会员日满减').rejection?.code, 'opted_out');
    });
    test('without per-signature facts every opt-out counts (safe side)', () => {
      assert.equal(optOutApplies(facts({ optedOut: true }), 'signature', '【示例】'), true);
      assert.equal(optOutApplies(facts({ optedOut: false, optOutSignatures: ['*'] }), 'signature', '【示例】'), false);
    });
  });
}

describe('profile differences that the consent rules read', () => {
  test('cn-2015: silence is refusal (draft), proof optional; cn-2026: explicit only, proof required', () => {
    const a = resolveProfile('cn-2015').params;
    const b = resolveProfile('cn-2026').params;
    assert.equal(a.noReplyMeansRefusal.value, true);
    assert.equal(a.consentProofRequired.value, false);
    assert.equal(a.explicitConsentOnly.value, false);
    assert.equal(b.explicitConsentOnly.value, true);
    assert.equal(b.consentProofRequired.value, true);
    assert.equal(a.optOutScope.value, 'content-provider');
  });
});

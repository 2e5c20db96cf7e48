/**
 * consent.no-repeat beyond a refused request: a consent the user withdrew (the provider relays the
 * user's refusal with proof) bars a new request for its category; the provider's own withdrawal does
 * not; the ban lasts the profile's `consentRepeatBanDays` (0, the default: no end), and a consent to
 * the category the user gave later, with proof, ends it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile, type ParamOverrides } from '../../../src/profiles/index.js';
import { requestConsent } from '../../../src/app/consent-requests.js';
import { SmsguardError } from '../../../src/domain/errors.js';
import type { Principal } from '../../../src/app/types.js';
import { refusalCode } from '../../helpers/refusal-code.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');
const DAY = 86_400_000;

async function setup(overrides: ParamOverrides = {}) {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015', overrides) });
  const admin: Principal = { role: 'admin', actorId: 'adm' };
  const { id } = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' });
  await app.addSignature(admin, id, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690002', contentProviderId: id, kind: 'commercial' });
  const cp: Principal = { role: 'content-provider', contentProviderId: id, actorId: id };
  const ask = (to: string, category = '会员促销') => requestConsent(app.ctx, cp, { from: '10690002', to, category, frequency: { count: 4, per: 'month' }, durationDays: 180 });
  const consent = async (to: string) => (await app.grantConsent(cp, { msisdn: to, category: '会员促销', frequency: { count: 4, per: 'month' }, expiresAt: new Date(clock.now() + 90 * DAY).toISOString() })).id;
  /** A consent the provider records with proof that the user agreed at `capturedAt` (another channel). */
  const consentWithProof = async (to: string, capturedAt: number, category = '会员促销') => (await app.grantConsent(cp, {
    msisdn: to, category, frequency: { count: 4, per: 'month' }, expiresAt: new Date(clock.now() + 90 * DAY).toISOString(),
    proof: { channel: 'web', reference: `form-${capturedAt}`, capturedAt: new Date(capturedAt).toISOString() },
  })).id;
  return { store, clock, app, cp, ask, consent, consentWithProof, close: () => store.close() };
}

const code = refusalCode;

test('a consent the user withdrew (withdrawal with proof) bars a new request for its category; another category may be asked', async () => {
  const s = await setup();
  try {
    const id = await s.consent('13800000001');
    s.clock.advance(60_000);
    await s.app.withdrawConsent(s.cp, id, { proof: { channel: 'call_centre', reference: 'call-1', capturedAt: new Date(s.clock.now() - 1000).toISOString() } });
    const e = await s.ask('13800000001').catch((x: unknown) => x);
    assert.ok(e instanceof SmsguardError, 'refused');
    assert.equal(e.code, 'consent_request_repeated');
    assert.equal(e.ref.rule, 'consent.no-repeat');
    assert.match(e.message, /withdrew consent/);
    assert.equal(await code(s.ask('13800000001', '新品上市')), 'ok', 'another category is another question');
  } finally {
    await s.close();
  }
});

test('the provider\'s own withdrawal (no proof of the user\'s refusal) bars nothing', async () => {
  const s = await setup();
  try {
    const id = await s.consent('13800000002');
    s.clock.advance(60_000);
    await s.app.withdrawConsent(s.cp, id);
    assert.equal(await code(s.ask('13800000002')), 'ok');
  } finally {
    await s.close();
  }
});

test('the ban lasts consentRepeatBanDays from the refusal when an operator sets one; by default it has no end', async () => {
  const limited = await setup({ consentRepeatBanDays: 30 });
  const forever = await setup();
  try {
    for (const s of [limited, forever]) {
      await s.ask('13800000003');
      await s.app.receiveMo({ from: '13800000003', to: '10690002', text: '否' }, 'system');
      const id = await s.consent('13800000004');
      await s.app.withdrawConsent(s.cp, id, { proof: { channel: 'web', reference: 'form-9', capturedAt: new Date(s.clock.now()).toISOString() } });
      s.clock.advance(29 * DAY);
      assert.equal(await code(s.ask('13800000003')), 'consent_request_repeated', 'refused request, day 29');
      assert.equal(await code(s.ask('13800000004')), 'consent_request_repeated', 'user withdrawal, day 29');
    }
    limited.clock.advance(2 * DAY);
    assert.equal(await code(limited.ask('13800000003')), 'ok', 'day 31: a 30-day ban is over');
    assert.equal(await code(limited.ask('13800000004')), 'ok');
    forever.clock.advance(400 * DAY);
    assert.equal(await code(forever.ask('13800000003')), 'consent_request_repeated', 'no end by default');
    assert.equal(await code(forever.ask('13800000004')), 'consent_request_repeated');
  } finally {
    await limited.close();
    await forever.close();
  }
});

test('a consent the user gave later, with proof, ends the ban of that category; a later withdrawal or refusal starts it again', async () => {
  const s = await setup();
  try {
    const to = '13800000005';
    await s.ask(to);
    await s.app.receiveMo({ from: to, to: '10690002', text: '否' }, 'system');
    const refusedAt = s.clock.now();
    s.clock.advance(DAY);
    assert.equal(await code(s.ask(to)), 'consent_request_repeated', 'refused');
    // Without proof the consent is the provider's word only; with proof captured before the refusal it is not the user's newer word.
    await s.consent(to);
    assert.equal(await code(s.ask(to)), 'consent_request_repeated', 'a consent without proof ends nothing');
    await s.consentWithProof(to, refusedAt - 60_000);
    assert.equal(await code(s.ask(to)), 'consent_request_repeated', 'agreed before the refusal (recorded after): the refusal is newer');
    await s.consentWithProof(to, s.clock.now() - 60_000, '新品上市');
    assert.equal(await code(s.ask(to)), 'consent_request_repeated', 'a consent to another category is no answer to this one');
    await s.consentWithProof(to, s.clock.now() - 60_000);
    assert.equal(await code(s.ask(to)), 'ok', 'the user agreed (another channel) after refusing: the ban is over');
    // The request just sent is pending; refusing it starts the ban again.
    await s.app.receiveMo({ from: to, to: '10690002', text: '否' }, 'system');
    s.clock.advance(60_000);
    assert.equal(await code(s.ask(to)), 'consent_request_repeated', 'refused again');
    // Consents again with proof, then withdraws (with proof): barred again from the withdrawal.
    s.clock.advance(60_000);
    const again = await s.consentWithProof(to, s.clock.now() - 1000);
    assert.equal(await code(s.ask(to)), 'ok');
    await s.app.receiveMo({ from: to, to: '10690002', text: 'Y' }, 'system');
    s.clock.advance(60_000);
    await s.app.withdrawConsent(s.cp, again, { proof: { channel: 'call_centre', reference: 'call-2', capturedAt: new Date(s.clock.now() - 1000).toISOString() } });
    const e = await s.ask(to).catch((x: unknown) => x);
    assert.ok(e instanceof SmsguardError && e.code === 'consent_request_repeated', 'a later withdrawal with proof bars again');
    assert.match(e.message, /withdrew consent/);
  } finally {
    await s.close();
  }
});

test('the refusal says what ends the ban: the user\'s consent to the category, with proof (found walking docs/CONSENT.md, 2026-12-08)', async () => {
  // It said only "the same request may not be sent again": a provider read the number as lost for good.
  const s = await setup();
  try {
    const to = '13800000006';
    await s.ask(to);
    await s.app.receiveMo({ from: to, to: '10690002', text: '否' }, 'system');
    s.clock.advance(DAY);
    for (const [category, why] of [['会员促销', 'same category'], ['会员促销活动', 'similar text']] as const) {
      const e = await s.ask(to, category).catch((x: unknown) => x);
      assert.ok(e instanceof SmsguardError && e.code === 'consent_request_repeated', why);
      assert.match(e.message, / unless the user consents to category “会员促销” again, with proof \(POST \/v1\/consents\)$/, why);
    }
    const c = await s.consentWithProof('13800000007', s.clock.now() - 1000);
    await s.app.withdrawConsent(s.cp, c, { proof: { channel: 'call_centre', reference: 'call-3', capturedAt: new Date(s.clock.now()).toISOString() } });
    const e = await s.ask('13800000007').catch((x: unknown) => x);
    assert.ok(e instanceof SmsguardError && e.code === 'consent_request_repeated');
    assert.match(e.message, /withdrew consent .*unless the user consents to category “会员促销” again, with proof/);
  } finally {
    await s.close();
  }
});

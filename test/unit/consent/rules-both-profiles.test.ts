/** Every consent-request rule, through the use cases (no HTTP), on both profiles. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile, type ProfileId } from '../../../src/profiles/index.js';
import { requestConsent, getConsentRequest, findRepeat } from '../../../src/app/consent-requests.js';
import { ConsentSweeper } from '../../../src/app/consent-sweeper.js';
import { SmsguardError } from '../../../src/domain/errors.js';
import type { Principal } from '../../../src/app/types.js';
import type { ConsentRequestRow } from '../../../src/ports/store.js';
import { refusalCode } from '../../helpers/refusal-code.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');
const HOUR = 3_600_000;

async function setup(profile: ProfileId) {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON);
  const app = new App({ store, clock, profile: resolveProfile(profile) });
  const admin: Principal = { role: 'admin', actorId: 'adm' };
  const { id } = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' });
  await app.addSignature(admin, id, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690002', contentProviderId: id, kind: 'commercial' });
  const cp: Principal = { role: 'content-provider', contentProviderId: id, actorId: id };
  const ask = (to: string, extra: Record<string, unknown> = {}) => requestConsent(app.ctx, cp, { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180, ...extra });
  const mo = (from: string, text: string) => app.receiveMo({ from, to: '10690002', text }, 'system');
  return { store, clock, app, cp, ask, mo, close: () => store.close() };
}

const code = refusalCode;

for (const profile of ['cn-2015', 'cn-2026'] as ProfileId[]) {
  describe(`consent-request rules on ${profile}`, () => {
    test('incomplete caller text; complete text passes; every rejection names its rule and profile', async () => {
      const s = await setup(profile);
      try {
        const e = await s.ask('13800000001', { text: '【示例】会员促销，同意请回复是' }).catch((x) => x as SmsguardError);
        assert.ok(e instanceof SmsguardError);
        assert.equal(e.code, 'consent_request_incomplete');
        assert.equal(e.ref.rule, 'consent.request-content');
        assert.equal(e.ref.profile, profile);
        assert.equal(await code(s.ask('13800000001', { text: '【示例】会员促销，每月不超过4条，有效期180天，同意请回复是' })), 'ok');
      } finally {
        await s.close();
      }
    });

    test('one pending request per number; explicit yes grants, N refuses without opt-out, a repeat is refused', async () => {
      const s = await setup(profile);
      try {
        const a = await s.ask('13800000002');
        assert.equal(await code(s.ask('13800000002', { category: '新品' })), 'conflict');
        assert.equal((await s.mo('13800000002', 'Y')).action, 'consent_granted');
        assert.equal((await getConsentRequest(s.app.ctx, s.cp, a.id)).status, 'granted');
        await s.ask('13800000003');
        assert.equal((await s.mo('13800000003', 'N')).action, 'consent_refused');
        assert.equal(await s.store.consents.isOptedOut((s.cp as { contentProviderId: string }).contentProviderId, '+8613800000003'), false);
        assert.equal(await code(s.ask('13800000003')), 'consent_request_repeated');
        assert.equal(await code(s.ask('13800000003', { category: '新品上市' })), 'ok');
      } finally {
        await s.close();
      }
    });

    test('silence: never consent; deemed refused at the deadline (shipped profiles), then no repeat', async () => {
      const s = await setup(profile);
      const sweeper = new ConsentSweeper(s.app.ctx);
      try {
        const r = await s.ask('13800000004');
        s.clock.advance(48 * HOUR - 1);
        await sweeper.sweep();
        assert.equal((await getConsentRequest(s.app.ctx, s.cp, r.id)).status, 'pending');
        s.clock.advance(1);
        await sweeper.sweep();
        const v = await getConsentRequest(s.app.ctx, s.cp, r.id);
        assert.equal(v.status, 'deemed_refused');
        assert.equal(v.history.at(-1)?.evidence.profile, profile);
        s.clock.set(NOON + 3 * 24 * HOUR);
        assert.equal(await code(s.ask('13800000004')), 'consent_request_repeated');
      } finally {
        await s.close();
      }
    });

    test('opted-out and DND numbers get no request; proof rule for POST /v1/consents follows the profile', async () => {
      const s = await setup(profile);
      try {
        await s.mo('13800000005', '退订');
        assert.equal(await code(s.ask('13800000005')), 'opted_out');
        await s.store.consents.addDnd(['+8613800000006'], NOON, 'adm', 'test');
        assert.equal(await code(s.ask('13800000006')), 'opted_out');
        const noProof = await code(s.app.grantConsent(s.cp, { msisdn: '13800000007', category: 'promo', frequency: { count: 1, per: 'week' }, expiresAt: '2027-01-01T00:00:00Z' }));
        assert.equal(noProof, profile === 'cn-2026' ? 'consent_proof_required' : 'ok');
      } finally {
        await s.close();
      }
    });
  });
}

describe('findRepeat', () => {
  const row = (over: Partial<ConsentRequestRow>): ConsentRequestRow => ({
    id: 'creq_1', contentProviderId: 'cp', msisdn: '+8613800000000', port: '1', category: '促销', frequency: { count: 1, per: 'week' }, durationDays: 7,
    text: '【示例】双十二会员日全场满300减50', messageId: 'm', status: 'refused', createdAt: 0, deadlineAt: 1, resolvedAt: 1, consentId: null, profile: 'cn-2015', ...over,
  });
  test('same category (width and case folded), similar text, or neither', () => {
    assert.match(findRepeat([row({})], { category: ' 促销 ', text: 'x' }) ?? '', /same request/);
    assert.match(findRepeat([row({ status: 'deemed_refused' })], { category: '新品', text: '【别家】双12会员日，全场满三百减五十' }) ?? '', /similar.*deemed refused|deemed refused.*similar/);
    assert.equal(findRepeat([row({})], { category: '新品', text: '【示例】新款手机预售' }), null);
    assert.equal(findRepeat([row({ status: 'lapsed' })], { category: '促销', text: 'x' }), null, 'a lapsed request is no refusal');
  });
});

/**
 * Content governance through the HTTP API on an in-memory gateway: templates and their review,
 * signature review, template-required sending, prohibited content, the classifier on notifications,
 * and an early-warning alert with its automatic action, listed and lifted.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteContentStore } from '../../../src/store/sqlite/content.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { contentMetrics } from '../../../src/http/content-metrics.js';
import { contentRoutes } from '../../../src/http/routes/content.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { installContentGovernance } from '../../../src/app/content-install.js';
import type { ContentGovernance } from '../../../src/app/content-governance.js';
import { DEFAULT_EARLY_WARNING_POLICY } from '../../../src/content/default-policy.js';
import { onboard, ADMIN_TOKEN, NOON_SHANGHAI, type TestGateway } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/wait.js';

let http: FastifyInstance;
let store: SqliteStore;
let clock: SimulatedClock;
let gov: ContentGovernance;
let app: App;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

before(async () => {
  store = new SqliteStore(':memory:');
  clock = new SimulatedClock(NOON_SHANGHAI);
  app = new App({ store, clock, profile: resolveProfile('cn-2026') });
  await app.auth.ensureAdminToken(ADMIN_TOKEN);
  // a tight prohibited-hits rule so the test can trip it with a few messages
  const policy = { ...DEFAULT_EARLY_WARNING_POLICY, rules: DEFAULT_EARLY_WARNING_POLICY.rules.map((r) => (r.id === 'prohibited_hits' ? { ...r, threshold: 2, action: { kind: 'suspend' as const } } : r)) };
  gov = await installContentGovernance(app, new SqliteContentStore(store.db), { policy });
  const metrics = createMetrics(app);
  gov.onAlert = contentMetrics(metrics.registry, gov.actions);
  http = await buildHttpApp({ app, metrics, plugins: [contentRoutes(gov)] });
});
after(async () => {
  await http.close();
  await store.close();
});

const g = (): TestGateway => ({ http, admin } as unknown as TestGateway);
const send = (auth: Record<string, string>, text: string, type = 'notification', from = '10690001', to = '13800138000') =>
  http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from, to, text, type } });

describe('content governance over HTTP', () => {
  test('a provider naming another provider\'s id on a template is refused (403), nothing filed; its own id is taken', async () => {
    const p = await onboard(g(), { signature: '【一号店】', ports: { service: '10690111' } });
    const other = await onboard(g(), { signature: '【二号店】', ports: { service: '10690112' } });
    const draft = { signature: '【一号店】', type: 'notification', body: '您的订单${no:code(8)}已发货。' };
    const theirs = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { ...draft, contentProviderId: other.id } });
    assert.equal(theirs.statusCode, 403, theirs.body);
    assert.equal(theirs.json().error.code, 'forbidden');
    assert.equal(theirs.json().error.field, 'contentProviderId');
    const listed = await http.inject({ method: 'GET', url: `/v1/templates?contentProviderId=${p.id}`, headers: admin });
    assert.deepEqual(listed.json().templates, [], 'nothing filed under the provider either');
    const own = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { ...draft, contentProviderId: p.id } });
    assert.equal(own.statusCode, 201);
    assert.equal(own.json().contentProviderId, p.id);
  });

  test('an operator\'s or a provider\'s content route refuses another role 403 before reading the body (a provider sending {} to a review was told what a review takes)', async () => {
    const p = await onboard(g(), { signature: '【六号店】', ports: { service: '10690116' } });
    const regulator = { authorization: `Bearer ${(await app.auth.createToken('regulator', 'roles')).token}` };
    const routes: [string, string, Record<string, string>[]][] = [
      ['POST', '/v1/templates', [regulator]],
      ['POST', '/v1/templates/tpl_x/review', [p.auth, regulator]],
      ['PUT', `/v1/content-providers/${p.id}/content-settings`, [p.auth, regulator]],
      ['POST', '/v1/signatures', [regulator, admin]],
      ['POST', '/v1/signatures/sig_x/review', [p.auth, regulator]],
      ['POST', '/v1/early-warning/actions/act_x/lift', [p.auth, regulator]],
      ['POST', `/v1/early-warning/baselines/provider/${p.id}/reset`, [p.auth, regulator]],
    ];
    const wrong: string[] = [];
    for (const [method, url, refused] of routes) {
      for (const headers of refused) {
        for (const payload of ['{}', '{"templates":7,"decision":"maybe","reason":7}']) {
          const r = await http.inject({ method: method as 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload });
          if (r.statusCode !== 403) wrong.push(`${method} ${url} ${payload}: ${r.statusCode} ${r.body}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('content settings: a bad link domain is named with its place in the list; the list is kept once per domain', async () => {
    const p = await onboard(g(), { signature: '【三号店】', ports: { service: '10690113' } });
    const url = `/v1/content-providers/${p.id}/content-settings`;
    const bad = await http.inject({ method: 'PUT', url, headers: admin, payload: { linkDomains: ['ok.example.com', 'a..b.com', 'shop.cn'] } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'linkDomains/1');
    assert.match(bad.json().error.message, /a\.\.b\.com/);
    const ok = await http.inject({ method: 'PUT', url, headers: admin, payload: { linkDomains: ['Shop.CN', 'shop.cn', 'ok.example.com'] } });
    assert.deepEqual(ok.json().linkDomains, ['shop.cn', 'ok.example.com']);
    // host names RFC 1123 refuses were taken: a label starting or ending with '-', an empty label, a
    // label over 63 characters, a space; each is named with its place, nothing stored
    const long = `${'a'.repeat(64)}.com`;
    for (const d of ['-a.com', 'a-.com', 'a..com', '.com', 'a.com.', long, 'a b.com', 'shop.c-n', 'a_b.com']) {
      const r = await http.inject({ method: 'PUT', url, headers: admin, payload: { linkDomains: ['ok.example.com', d] } });
      assert.equal(r.statusCode, 400, `${d}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', 'linkDomains/1'], d);
      assert.ok(r.json().error.message.startsWith(`linkDomains/1: ${JSON.stringify(d)} is not a domain name`), r.json().error.message);
    }
    const kept = await http.inject({ method: 'PUT', url, headers: admin, payload: { linkDomains: [`${'a'.repeat(63)}.com`, 'a-b.xn--fiqs8s', '1a.example.com'] } });
    assert.equal(kept.statusCode, 200, kept.body);
  });

  test('content settings read back: defaults before any PUT, what PUT set after; the provider its own, 404 for none', async () => {
    const p = await onboard(g(), { signature: '【四号店】', ports: { service: '10690114' } });
    const other = await onboard(g(), { signature: '【五号店】', ports: { service: '10690115' } });
    const url = `/v1/content-providers/${p.id}/content-settings`;
    const before = await http.inject({ method: 'GET', url, headers: admin });
    assert.equal(before.statusCode, 200, before.body);
    assert.deepEqual(before.json(), { contentProviderId: p.id, templates: 'off', linkDomains: [], updatedAt: null });
    const put = await http.inject({ method: 'PUT', url, headers: admin, payload: { templates: 'preferred', linkDomains: ['Shop.CN'] } });
    assert.equal(put.statusCode, 200, put.body);
    for (const headers of [admin, p.auth]) {
      const r = await http.inject({ method: 'GET', url, headers });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { contentProviderId: p.id, templates: 'preferred', linkDomains: ['shop.cn'], updatedAt: put.json().updatedAt });
    }
    assert.equal((await http.inject({ method: 'GET', url, headers: other.auth })).statusCode, 403);
    assert.equal((await http.inject({ method: 'GET', url })).statusCode, 401);
    const none = await http.inject({ method: 'GET', url: '/v1/content-providers/cp_nobody/content-settings', headers: admin });
    assert.equal(none.statusCode, 404, none.body);
    assert.equal(none.json().error.code, 'not_found');
  });

  test('template submission: machine rules reported together; review; required templates gate sending', async () => {
    const p = await onboard(g(), { signature: '【好运银行】', ports: { service: '10690101' } });
    const bad = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { signature: '【别人的】', type: 'verification', body: '【促销】请访问 http://x.example.org 领取' } });
    assert.equal(bad.statusCode, 201);
    assert.equal(bad.json().status, 'rejected');
    assert.deepEqual(bad.json().violations.map((v: { rule: string }) => v.rule).sort(), ['brackets_in_body', 'link_domain_not_allowed', 'signature_unregistered', 'verification_code_variable_missing', 'verification_code_word_missing']);
    const forced = await http.inject({ method: 'POST', url: `/v1/templates/${bad.json().id}/review`, headers: admin, payload: { decision: 'approve' } });
    assert.equal(forced.statusCode, 409);

    const good = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { signature: '【好运银行】', type: 'verification', body: '您的验证码为${code}，5分钟内有效，请勿泄露。' } });
    assert.equal(good.json().status, 'pending');
    const noReason = await http.inject({ method: 'POST', url: `/v1/templates/${good.json().id}/review`, headers: admin, payload: { decision: 'reject' } });
    assert.equal(noReason.statusCode, 400);
    const byProvider = await http.inject({ method: 'POST', url: `/v1/templates/${good.json().id}/review`, headers: p.auth, payload: { decision: 'approve' } });
    assert.equal(byProvider.statusCode, 403);
    const ok = await http.inject({ method: 'POST', url: `/v1/templates/${good.json().id}/review`, headers: admin, payload: { decision: 'approve' } });
    assert.equal(ok.json().status, 'approved');

    const set = await http.inject({ method: 'PUT', url: `/v1/content-providers/${p.id}/content-settings`, headers: admin, payload: { templates: 'required', linkDomains: ['haoyun.example.com'] } });
    assert.equal(set.statusCode, 200);
    assert.equal((await send(p.auth, '【好运银行】您的验证码为882134，5分钟内有效，请勿泄露。', 'verification', '10690101')).statusCode, 202);
    const miss = await send(p.auth, '【好运银行】您的动态密码为882134，请勿泄露。', 'verification', '10690101');
    assert.equal(miss.statusCode, 422);
    assert.equal(miss.json().error.code, 'template_mismatch');
    const list = await http.inject({ method: 'GET', url: '/v1/templates?status=approved', headers: p.auth });
    assert.deepEqual(list.json().templates.map((t: { id: string }) => t.id), [good.json().id]);
  });

  test('a message matches only templates of its own type: an approved notification sent as a verification code (or the other way) is a mismatch, saying which template it fits', async () => {
    const p = await onboard(g(), { signature: '【好运快递】', ports: { service: '10690131' } });
    const ids: Record<string, string> = {};
    for (const [type, body] of [['notification', '您的快递${no:code(12)}已到驿站，请及时领取。'], ['verification', '您的验证码为${code}，5分钟内有效，请勿泄露。']] as const) {
      const t = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { signature: '【好运快递】', type, body } });
      assert.equal(t.json().status, 'pending', t.body);
      assert.equal((await http.inject({ method: 'POST', url: `/v1/templates/${t.json().id}/review`, headers: admin, payload: { decision: 'approve' } })).statusCode, 200);
      ids[type] = t.json().id;
    }
    assert.equal((await http.inject({ method: 'PUT', url: `/v1/content-providers/${p.id}/content-settings`, headers: admin, payload: { templates: 'required' } })).statusCode, 200);
    const parcel = '【好运快递】您的快递SF1234567890已到驿站，请及时领取。';
    const code = '【好运快递】您的验证码为558213，5分钟内有效，请勿泄露。';
    assert.equal((await send(p.auth, parcel, 'notification', '10690131')).statusCode, 202);
    const asCode = await send(p.auth, parcel, 'verification', '10690131');
    assert.equal(asCode.json().error?.code, 'template_mismatch', asCode.body);
    assert.match(asCode.json().error.message, new RegExp(`fits approved template ${ids.notification}, which is for notification messages`));
    const asNotice = await send(p.auth, code, 'notification', '10690131');
    assert.equal(asNotice.json().error?.code, 'template_mismatch', asNotice.body);
    assert.match(asNotice.json().error.message, new RegExp(`${ids.verification}, which is for verification messages`));
    assert.equal((await send(p.auth, code, 'verification', '10690131')).statusCode, 202);
  });

  test('a link domain taken off the allow-list stops the approved templates that link to it at once; put back, they match again', async () => {
    const p = await onboard(g(), { signature: '【好运电力】', ports: { service: '10690121' } });
    const settings = (linkDomains: string[]) => http.inject({ method: 'PUT', url: `/v1/content-providers/${p.id}/content-settings`, headers: admin, payload: { templates: 'required', linkDomains } });
    assert.equal((await settings(['pay.example.com', 'haoyun.example.org'])).statusCode, 200);
    const ids: string[] = [];
    for (const body of ['您的电费账单已出，详见 https://pay.example.com/bill', '您的电费已缴清，发票见 haoyun.example.org/inv']) {
      const t = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { signature: '【好运电力】', type: 'notification', body } });
      assert.equal(t.json().status, 'pending', t.body);
      assert.equal((await http.inject({ method: 'POST', url: `/v1/templates/${t.json().id}/review`, headers: admin, payload: { decision: 'approve' } })).statusCode, 200);
      ids.push(t.json().id);
    }
    const bill = '【好运电力】您的电费账单已出，详见 https://pay.example.com/bill';
    const paid = '【好运电力】您的电费已缴清，发票见 haoyun.example.org/inv';
    assert.equal((await send(p.auth, bill, 'notification', '10690121')).statusCode, 202);
    // the operator withdraws pay.example.com (e.g. the domain lapsed): its link must not go out any more
    assert.equal((await settings(['haoyun.example.org'])).statusCode, 200);
    const stopped = await send(p.auth, bill, 'notification', '10690121');
    assert.equal(stopped.json().error?.code, 'template_mismatch', stopped.body);
    assert.match(stopped.json().error.message, /pay\.example\.com/);
    assert.equal((await send(p.auth, paid, 'notification', '10690121')).statusCode, 202, 'a template on a domain still listed matches');
    assert.equal((await settings(['haoyun.example.org', 'example.com'])).statusCode, 200);
    // (another number: the same text to the first again within 30 s is duplicate_content, content.duplicate)
    assert.equal((await send(p.auth, bill, 'notification', '10690121', '13800138001')).statusCode, 202, 'a parent domain listed again allows it');
    const approved = await http.inject({ method: 'GET', url: '/v1/templates?status=approved', headers: p.auth });
    assert.deepEqual(approved.json().templates.map((t: { id: string }) => t.id).sort(), [...ids].sort(), 'both stay approved and listed');
  });

  test('signature review: pending signatures do not pass until approved', async () => {
    const p = await onboard(g(), { signature: '【示例甲】', ports: { service: '10690201' } });
    const s = await http.inject({ method: 'POST', url: '/v1/signatures', headers: p.auth, payload: { signature: '【新品牌】' } });
    assert.equal(s.statusCode, 201);
    assert.equal(s.json().status, 'pending');
    const before = await send(p.auth, '【新品牌】您的快递已到达小区驿站，请及时领取。', 'notification', '10690201');
    assert.equal(before.json().error.code, 'signature_unregistered');
    const r = await http.inject({ method: 'POST', url: `/v1/signatures/${s.json().id}/review`, headers: admin, payload: { decision: 'reject', reason: '与营业执照名称不符' } });
    assert.equal(r.json().status, 'rejected');
    const missing = await http.inject({ method: 'POST', url: '/v1/signatures/sig_nope/review', headers: admin, payload: { decision: 'approve' } });
    assert.equal(missing.statusCode, 404);
  });

  // The directory caches sender facts: DirectoryStore.setSignatureStatus drops the provider's entry.
  test('a signature with an invisible character in it is refused on every door that registers one, naming it (a lookalike of another\'s brand)', async () => {
    const p = await onboard(g(), { signature: '【示例戊】', ports: { service: '10690351' } });
    const lookalike = '【示例\u200b戊】';
    const asked = await http.inject({ method: 'POST', url: '/v1/signatures', headers: p.auth, payload: { signature: lookalike } });
    const given = await http.inject({ method: 'POST', url: `/v1/content-providers/${p.id}/signatures`, headers: admin, payload: { signature: '【别\u202e家】' } });
    const tpl = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { signature: lookalike, type: 'notification', body: '您的订单已发货。' } });
    for (const [r, cp] of [[asked, '200B'], [given, '202E'], [tpl, '200B']] as const) {
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, 'signature');
      assert.match(r.json().error.message, new RegExp(`U\\+${cp}`), r.body);
    }
    const mine = await http.inject({ method: 'GET', url: `/v1/content-providers/${p.id}/signatures`, headers: admin });
    assert.deepEqual(mine.json().signatures.map((x: { signature: string }) => x.signature), ['【示例戊】'], 'nothing registered');
  });

  test('a rejected signature application gives its text up: the provider may apply again, the brand\'s owner may have it; the rejected one is not approved over them', async () => {
    const p = await onboard(g(), { signature: '【示例己】', ports: { service: '10690361' } });
    const owner = await onboard(g(), { signature: '【示例庚】', ports: { service: '10690362' } });
    const ask = () => http.inject({ method: 'POST', url: '/v1/signatures', headers: p.auth, payload: { signature: '【名牌】' } });
    const review = (id: string, payload: Record<string, unknown>) => http.inject({ method: 'POST', url: `/v1/signatures/${id}/review`, headers: admin, payload });
    const first = await ask();
    assert.equal(first.statusCode, 201, first.body);
    assert.equal((await review(first.json().id, { decision: 'reject', reason: 'no proof of the brand' })).statusCode, 200);
    const again = await ask();
    assert.equal(again.statusCode, 201, `applying again after a rejection: ${again.body}`);
    assert.equal((await review(again.json().id, { decision: 'reject', reason: 'still no proof' })).statusCode, 200);
    const given = await http.inject({ method: 'POST', url: `/v1/content-providers/${owner.id}/signatures`, headers: admin, payload: { signature: '【名牌】' } });
    assert.equal(given.statusCode, 201, `the owner registered: ${given.body}`);
    const over = await review(first.json().id, { decision: 'approve' });
    assert.equal(over.statusCode, 409, over.body);
    assert.equal(over.json().error.code, 'conflict');
    const listed = await http.inject({ method: 'GET', url: `/v1/content-providers/${p.id}/signatures`, headers: admin });
    assert.deepEqual(listed.json().signatures.filter((x: { signature: string }) => x.signature === '【名牌】').map((x: { status: string }) => x.status), ['rejected', 'rejected']);
    // a pending application still holds the text while it is under review
    const pending = await http.inject({ method: 'POST', url: '/v1/signatures', headers: p.auth, payload: { signature: '【待审名牌】' } });
    assert.equal(pending.statusCode, 201);
    assert.equal((await http.inject({ method: 'POST', url: '/v1/signatures', headers: owner.auth, payload: { signature: '【待审名牌】' } })).statusCode, 409);
  });

  test('a signature that reads as another provider\'s (traditional for simplified, a dot or dash inserted, full-width, case, numerals) is refused on both doors, naming the one it imitates; a provider\'s own variants are its own', async () => {
    const owner = await onboard(g(), { signature: '【福星银行】', ports: { service: '10690371' } });
    const other = await onboard(g(), { signature: '【示例辛】', ports: { service: '10690372' } });
    for (const look of ['【福星銀行】', '【福星·银行】', '【福星-银行】']) {
      const asked = await http.inject({ method: 'POST', url: '/v1/signatures', headers: other.auth, payload: { signature: look } });
      assert.equal(asked.statusCode, 409, `${look}: ${asked.body}`);
      assert.equal(asked.json().error.field, 'signature');
      assert.match(asked.json().error.message, /reads as 【福星银行】, registered to another content provider/, asked.body);
    }
    const given = await http.inject({ method: 'POST', url: `/v1/content-providers/${other.id}/signatures`, headers: admin, payload: { signature: '【福星銀行】' } });
    assert.equal(given.statusCode, 409, given.body);
    // Latin brands by case and width, numbers written as numerals
    assert.equal((await http.inject({ method: 'POST', url: `/v1/content-providers/${owner.id}/signatures`, headers: admin, payload: { signature: '【FUXING】' } })).statusCode, 201);
    assert.equal((await http.inject({ method: 'POST', url: '/v1/signatures', headers: other.auth, payload: { signature: '【Ｆｕｘｉｎｇ】' } })).statusCode, 409);
    assert.equal((await http.inject({ method: 'POST', url: `/v1/content-providers/${owner.id}/signatures`, headers: admin, payload: { signature: '【一号仓】' } })).statusCode, 201);
    assert.equal((await http.inject({ method: 'POST', url: '/v1/signatures', headers: other.auth, payload: { signature: '【1号仓】' } })).statusCode, 409);
    // the owner's own traditional form is its own brand
    assert.equal((await http.inject({ method: 'POST', url: '/v1/signatures', headers: owner.auth, payload: { signature: '【福星銀行】' } })).statusCode, 201);
    // a different name is not a lookalike
    assert.equal((await http.inject({ method: 'POST', url: '/v1/signatures', headers: other.auth, payload: { signature: '【福星保险】' } })).statusCode, 201);
  });

  test('an approved signature passes at once', async () => {
    const p = await onboard(g(), { signature: '【示例丙】', ports: { service: '10690401' } });
    const s = await http.inject({ method: 'POST', url: '/v1/signatures', headers: p.auth, payload: { signature: '【丙品牌】' } });
    assert.equal((await send(p.auth, '【丙品牌】您的快递已到达小区驿站，请及时领取。', 'notification', '10690401')).json().error.code, 'signature_unregistered');
    await http.inject({ method: 'POST', url: `/v1/signatures/${s.json().id}/review`, headers: admin, payload: { decision: 'approve' } });
    assert.equal((await send(p.auth, '【丙品牌】您的快递已到达小区驿站，请及时领取。', 'notification', '10690401')).statusCode, 202);
    // Taking an approved signature back is a revocation (reason recorded, queued messages stopped at
    // send time), not a second review that would leave what is queued to go out under the brand.
    const again = await http.inject({ method: 'POST', url: `/v1/signatures/${s.json().id}/review`, headers: admin, payload: { decision: 'reject', reason: '品牌已转让' } });
    assert.equal(again.statusCode, 409, again.body);
    assert.match(again.json().error.message, new RegExp(`DELETE /v1/content-providers/${p.id}/signatures/${s.json().id}`));
    // (another text: the same one again within 30 s is duplicate_content, content.duplicate)
    assert.equal((await send(p.auth, '【丙品牌】您的快递已到达小区驿站，请尽快领取。', 'notification', '10690401')).statusCode, 202, 'still approved');
    assert.equal((await http.inject({ method: 'POST', url: `/v1/signatures/${s.json().id}/review`, headers: admin, payload: { decision: 'approve' } })).statusCode, 200, 'approving again answers as it stands');
  });

  test('prohibited content and advertising in notifications are rejected; repeated hits suspend the sender until lifted', async () => {
    const p = await onboard(g(), { signature: '【示例乙】', ports: { service: '10690301' } });
    const ad = await send(p.auth, '【示例乙】您的账单已出。现在办理分期手续费限时7折，点击立即办理，回TD退订', 'notification', '10690301');
    assert.equal(ad.json().error.code, 'commercial_content_in_non_commercial');
    assert.match(ad.json().error.message, /phrases: /);
    const bad = await send(p.auth, '【示例乙】代 開 發 票，税点低', 'notification', '10690301');
    assert.equal(bad.json().error.code, 'prohibited_content');
    assert.doesNotMatch(bad.body, /代開|税点/);
    await send(p.auth, '【示例乙】澳门新葡京，首存送100%', 'notification', '10690301');
    const alerts = await http.inject({ method: 'GET', url: `/v1/alerts?contentProviderId=${p.id}`, headers: admin });
    const hit = alerts.json().alerts.find((a: { rule: string }) => a.rule === 'prohibited_hits');
    assert.ok(hit, alerts.body);
    assert.equal(hit.action.kind, 'suspend');
    assert.ok(hit.figures.prohibited >= 2);
    const stopped = await send(p.auth, '【示例乙】您的快递已到达小区驿站，请及时领取。', 'notification', '10690301');
    assert.equal(stopped.json().error.code, 'sender_suspended');
    assert.equal(stopped.json().error.rule, 'monitor.early-warning');
    const acts = await http.inject({ method: 'GET', url: '/v1/early-warning/actions', headers: admin });
    const act = acts.json().actions.find((a: { contentProviderId: string }) => a.contentProviderId === p.id);
    assert.ok(act);
    // an action's id says it is one (act_…), unlike its alert's (alert_…): the lift takes the action's
    assert.match(act.id, /^act_/);
    assert.equal(hit.actionId, act.id);
    const byAlertId = await http.inject({ method: 'POST', url: `/v1/early-warning/actions/${hit.id}/lift`, headers: admin, payload: {} });
    assert.equal(byAlertId.statusCode, 404, byAlertId.body);
    assert.match(byAlertId.json().error.message, /an alert's id: lift its action, act_/, byAlertId.body);
    // the lift may say why ({reason}, recorded); anything else in its body is refused naming it
    const withNote = await http.inject({ method: 'POST', url: `/v1/early-warning/actions/${act.id}/lift`, headers: admin, payload: { reason: 'reviewed', note: 'x' } });
    assert.deepEqual([withNote.statusCode, withNote.json().error?.field], [400, 'note'], withNote.body);
    const lifted = await http.inject({ method: 'POST', url: `/v1/early-warning/actions/${act.id}/lift`, headers: admin, payload: { reason: 'reviewed: a courier notice, not a campaign' } });
    assert.equal(lifted.statusCode, 200, lifted.body);
    assert.equal(lifted.json().liftedBy !== undefined, true);
    const liftAudit = (await store.records.queryRecords({ kind: 'audit', contentProviderId: p.id, limit: 50 })).records.map((r) => r.body as { action: string; actor: string; actionId?: string; reason?: string; rule?: string; alertId?: string; figures?: Record<string, number> });
    assert.deepEqual(liftAudit.filter((b) => b.action === 'early_warning.lift').map((b) => [b.actionId, b.reason]), [[act.id, 'reviewed: a courier notice, not a campaign']]);
    // the monitor's own suspension is in the audit trail too (by `system`, with the alert and its
    // figures), as an operator's placed action is: an inspector sees who stopped the sender and why
    const placed = liftAudit.filter((b) => b.action === 'early_warning.place');
    assert.deepEqual(placed.map((b) => [b.actor, b.actionId, b.rule, b.alertId]), [['system', act.id, 'prohibited_hits', hit.id]], JSON.stringify(liftAudit));
    assert.ok((placed[0].figures?.prohibited ?? 0) >= 2, JSON.stringify(placed[0]));
    assert.equal((await send(p.auth, '【示例乙】您的快递已到达小区驿站，请及时领取。', 'notification', '10690301')).statusCode, 202);
    const own = await http.inject({ method: 'GET', url: '/v1/alerts', headers: p.auth });
    assert.ok(own.json().alerts.every((a: { contentProviderId: string }) => a.contentProviderId === p.id));
    // a limit outside 1–1000 is refused, as the other lists refuse it, not quietly taken as 1 or 1000
    for (const limit of ['0', '1001']) {
      const r = await http.inject({ method: 'GET', url: `/v1/alerts?limit=${limit}`, headers: admin });
      assert.equal(r.statusCode, 400, `limit=${limit}: ${r.body}`);
      assert.equal(r.json().error.field, 'limit');
    }
    assert.equal((await http.inject({ method: 'GET', url: '/v1/alerts?limit=1', headers: admin })).json().alerts.length, 1);
    const m = await http.inject({ method: 'GET', url: '/metrics' });
    assert.match(m.body, /smsguard_early_warning_alerts_total\{rule="prohibited_hits"/);
  });

  test('an operator\'s placed action (a complaint\'s throttle) is recorded as early_warning.place, found by its type, the measure beside it', async () => {
    const p = await onboard(g(), { signature: '【示例投诉】', ports: { service: '10690331' } });
    const rec = await gov.placeAction('tok_staff', { contentProviderId: p.id, action: { kind: 'throttle', perSecond: 2 }, rule: 'complaint:case_x', figures: { perSecond: 2 } });
    assert.match(rec.id, /^act_/);
    const audit = (await store.records.queryRecords({ kind: 'audit', contentProviderId: p.id, limit: 50 })).records.map((r) => r.body as Record<string, unknown>);
    const placed = audit.filter((b) => b.action === 'early_warning.place');
    assert.deepEqual(placed.map((b) => [b.actor, b.actionId, b.rule, b.measure]), [['tok_staff', rec.id, 'complaint:case_x', { kind: 'throttle', perSecond: 2 }]], JSON.stringify(audit));
    assert.equal((await http.inject({ method: 'POST', url: `/v1/early-warning/actions/${rec.id}/lift`, headers: admin, payload: {} })).statusCode, 200);
  });

  test('a burst on one port raises the port-scope volume alert for that port (the decision event carries the port)', async () => {
    const p = await onboard(g(), { signature: '【示例丁】', ports: { service: '10690501' } });
    await http.inject({ method: 'POST', url: '/v1/ports', headers: admin, payload: { number: '10690502', contentProviderId: p.id, kind: 'service' } });
    let n = 0;
    const notify = (from: string) => http.inject({
      method: 'POST', url: '/v1/messages', headers: p.auth,
      payload: { from, to: `139${String(10_000_000 + n++).padStart(8, '0')}`, text: '【示例丁】您的快递已到达小区驿站，请及时领取。', type: 'notification' },
    });
    // A baseline: two quiet minutes (the policy wants 12 buckets of 10 s), a few messages per bucket on each port.
    for (let b = 0; b < 14; b++) {
      for (let i = 0; i < 2; i++) { await notify('10690501'); await notify('10690502'); }
      clock.advance(10_000);
    }
    // Then 90 messages in one bucket on 10690502 only (the policy's volume floor is 60 a window).
    for (let i = 0; i < 90; i++) await notify('10690502');
    const found = await waitFor(async () => {
      const r = await http.inject({ method: 'GET', url: `/v1/alerts?contentProviderId=${p.id}`, headers: admin });
      return (r.json().alerts as { rule: string; scope: string; key: string }[]).find((a) => a.rule === 'volume_spike_port');
    }, 5000, 'the port-scope volume alert');
    assert.deepEqual([found.scope, found.key], ['port', '10690502']);
    const quiet = await http.inject({ method: 'GET', url: `/v1/alerts?contentProviderId=${p.id}`, headers: admin });
    assert.ok(!(quiet.json().alerts as { rule: string; key: string }[]).some((a) => a.rule === 'volume_spike_port' && a.key === '10690501'));
  });

  test('the opt-out rate counts every reply that opts a user out: keywords, refusal phrases (defaults and the operator\'s, at once), on the port or an extension of it', async () => {
    const p = await onboard(g(), { signature: '【示例退订】', ports: { service: '10690341' } });
    assert.equal((await send(p.auth, '【示例退订】您的快递已到达小区驿站，请及时领取。', 'notification', '10690341')).statusCode, 202);
    const optOuts = async (scope: 'provider' | 'port', key: string) => {
      const r = await http.inject({ method: 'GET', url: `/v1/early-warning/baselines/${scope}/${key}`, headers: admin });
      assert.equal(r.statusCode, 200, r.body);
      return r.json().figures.optOuts as number;
    };
    const phrases = await http.inject({ method: 'PUT', url: '/v1/refusal-phrases', headers: admin, payload: { phrases: ['烦死了别发'] } });
    assert.equal(phrases.statusCode, 200, phrases.body);
    let users = 0;
    for (const [to, text] of [['10690341', 'TD'], ['10690341', '别再发了'], ['10690341', '烦死了别发'], ['106903415555', '别再发了']] as const) {
      const mo = await app.receiveMo({ from: `1390000${String(++users).padStart(4, '0')}`, to, text }, 'system');
      assert.equal(mo.action, 'opt_out', `${to} ${text}: ${JSON.stringify(mo)}`);
    }
    assert.equal(await optOuts('provider', p.id), 4);
    assert.equal(await optOuts('port', '10690341'), 4, 'a refusal to an extension of the port is the port\'s');
    // a reply that is no refusal is not counted
    await app.receiveMo({ from: '13900009999', to: '10690341', text: '收到，谢谢' }, 'system');
    assert.equal(await optOuts('provider', p.id), 4);
  });

  test('early-warning baselines: a key\'s window and baseline read by the operator and its provider; the operator resets it (audited, kept in the store)', async () => {
    const p = await onboard(g(), { signature: '【基线】', ports: { service: '10690701' } });
    const other = await onboard(g(), { signature: '【别的】', ports: { service: '10690702' } });
    for (let i = 0; i < 3; i++) assert.equal((await send(p.auth, `【基线】您的订单${i}已发货。`, 'notification', '10690701')).statusCode, 202);
    const url = (scope: string, key: string) => `/v1/early-warning/baselines/${scope}/${key}`;
    const view = await http.inject({ method: 'GET', url: url('provider', p.id), headers: admin });
    assert.equal(view.statusCode, 200, view.body);
    assert.equal(view.json().contentProviderId, p.id);
    assert.equal(view.json().figures.submitted, 3);
    assert.equal(view.json().resetAt, null);
    assert.equal((await http.inject({ method: 'GET', url: url('provider', p.id), headers: p.auth })).statusCode, 200, 'its own id');
    assert.equal((await http.inject({ method: 'GET', url: url('port', '10690701'), headers: p.auth })).json().figures.submitted, 3, 'its own port');
    assert.equal((await http.inject({ method: 'GET', url: url('provider', p.id), headers: other.auth })).json().error.code, 'not_found', 'another provider\'s key reads as unknown');
    assert.equal((await http.inject({ method: 'GET', url: url('provider', 'cp_nobody'), headers: admin })).statusCode, 404);
    const bad = await http.inject({ method: 'GET', url: url('sender', p.id), headers: admin });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_request');
    assert.equal((await http.inject({ method: 'GET', url: url('provider', p.id) })).statusCode, 401);

    assert.equal((await http.inject({ method: 'POST', url: `${url('provider', p.id)}/reset`, headers: p.auth })).json().error.code, 'forbidden');
    // the reset may say why ({reason}, recorded); anything else in its body is refused naming it, nothing reset
    const withNote = await http.inject({ method: 'POST', url: `${url('provider', p.id)}/reset`, headers: admin, payload: { reason: 'x', why: 'y' } });
    assert.equal(withNote.statusCode, 400, withNote.body);
    assert.deepEqual([withNote.json().error.code, withNote.json().error.field], ['invalid_request', 'why']);
    assert.equal((await http.inject({ method: 'GET', url: url('provider', p.id), headers: admin })).json().resetAt, null);
    assert.equal((await http.inject({ method: 'POST', url: `${url('port', '10699999')}/reset`, headers: admin, payload: {} })).statusCode, 404, '{} is no body');
    const reset = await http.inject({ method: 'POST', url: `${url('provider', p.id)}/reset`, headers: admin, payload: { reason: 'a new contract: twice the volume from now' } });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal(reset.json().resetAt, clock.now());
    assert.equal(reset.json().figures.baselineBuckets, 0);
    assert.equal((await http.inject({ method: 'POST', url: `${url('port', '10699999')}/reset`, headers: admin })).statusCode, 404);
    const kept = (await new SqliteContentStore(store.db).loadBaselines()).find((b) => b.key === p.id);
    assert.equal(kept?.resetAt, clock.now(), 'kept in the store: a restart does not bring the old baseline back');
    const audit = (await store.records.queryRecords({ kind: 'audit', contentProviderId: p.id, limit: 50 })).records.map((r) => r.body as { action: string; scope?: string; key?: string; reason?: string });
    assert.ok(audit.some((b) => b.action === 'early_warning.baseline_reset' && b.scope === 'provider' && b.key === p.id && b.reason === 'a new contract: twice the volume from now'), JSON.stringify(audit));
  });
});


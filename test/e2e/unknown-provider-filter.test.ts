/**
 * A list's `contentProviderId` filter that names no registered provider is 404 `not_found` naming the
 * field, as GET /v1/records answers it (src/app/known-provider.ts `mustBeFilterAccount`): ports,
 * templates (and the templates page), early-warning alerts, the review queue, cases, credit-file
 * entries and usage. Before, every one but usage answered 200 with an empty list, which read as "this
 * provider has nothing here" for a misspelt id. The route's role and scope rules answer first: a
 * token limited to a province gets for an unknown id exactly what it gets for another province's
 * provider (never told which ids exist), a provider naming another id 403 `access.own-data` on every
 * list (test/e2e/own-data-filter.test.ts), and the operator's own account id still lists cases and
 * credit entries about the operator.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, ADMIN_TOKEN, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';
import { webCookie } from '../helpers/web.js';

const NOBODY = 'cp_nobody';

describe('an unknown contentProviderId on a list is 404, after the role and scope rules', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let fj: Provider;
  let bj: Provider;
  const tok: Record<'national' | 'fujian', Record<string, string>> = {} as never;
  const get = (url: string, headers: Record<string, string>) => http.inject({ method: 'GET', url, headers });

  /** 404 not_found naming contentProviderId and the id, for the operator and an unlimited regulator (when it may read the list). */
  const unknownIs404 = async (path: string, who: Record<string, string>[]) => {
    for (const h of who) {
      const r = await get(`${path}${path.includes('?') ? '&' : '?'}contentProviderId=${NOBODY}`, h);
      assert.equal(r.statusCode, 404, `${path}: ${r.body}`);
      assert.equal(r.json().error.code, 'not_found');
      assert.equal(r.json().error.field, 'contentProviderId');
      assert.match(r.json().error.message, /cp_nobody/);
    }
  };
  /** What a Fujian token gets for an unknown id is what it gets for the Beijing provider's. */
  const asOtherProvince = async (path: string) => {
    const unknown = await get(`${path}?contentProviderId=${NOBODY}`, tok.fujian);
    const beijing = await get(`${path}?contentProviderId=${bj.id}`, tok.fujian);
    const shape = (r: typeof unknown) => (r.statusCode === 200 ? { status: 200, body: r.json() } : { status: r.statusCode, code: r.json().error.code, rule: r.json().error.rule });
    assert.deepEqual(shape(unknown), shape(beijing), path);
    return shape(unknown);
  };

  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    fj = await onboard(g, { name: '福建示例公司', province: '35' });
    bj = await onboard(g, { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111' } });
    const bearer = async (label: string, scope: Record<string, unknown>) => ({ authorization: `Bearer ${(await g.app.auth.createToken('regulator', label, null, scope)).token}` });
    tok.national = await bearer('national', {});
    tok.fujian = await bearer('fujian', { province: '35' });
    for (const subjectId of ['operator', '示例运营商']) {
      const entry = await http.inject({ method: 'POST', url: '/v1/credit/entries', headers: tok.national, payload: { subjectType: 'operator', subjectId, kind: 'warning' } });
      assert.equal(entry.statusCode, 201, entry.body);
    }
  });
  after(async () => {
    await http?.close();
    await g?.close();
  });

  test('GET /v1/ports', async () => {
    assert.equal((await get(`/v1/ports?contentProviderId=${bj.id}`, g.admin)).statusCode, 200);
    await unknownIs404('/v1/ports', [g.admin, tok.national]);
    assert.equal((await asOtherProvince('/v1/ports')).status, 403);
    assert.equal((await get(`/v1/ports?contentProviderId=${NOBODY}`, fj.auth)).statusCode, 403, 'a provider naming another id');
  });

  test('GET /v1/templates and the templates page', async () => {
    assert.equal((await get(`/v1/templates?contentProviderId=${fj.id}`, g.admin)).statusCode, 200);
    await unknownIs404('/v1/templates', [g.admin]);
    // a provider naming an id that is none is refused as for another provider's (it listed its own)
    assert.equal((await get(`/v1/templates?contentProviderId=${NOBODY}`, fj.auth)).statusCode, 403, 'a provider naming another id');
    const page = await http.inject({ method: 'GET', url: `/web/templates?contentProviderId=${NOBODY}`, headers: { cookie: await webCookie({ http }, ADMIN_TOKEN) } });
    assert.equal(page.statusCode, 404, page.body);
    assert.match(page.body, /没有已登记的企业 cp_nobody。/);
  });

  test('GET /v1/alerts', async () => {
    assert.equal((await get(`/v1/alerts?contentProviderId=${fj.id}`, tok.national)).statusCode, 200);
    await unknownIs404('/v1/alerts', [g.admin, tok.national]);
    assert.deepEqual(await asOtherProvince('/v1/alerts'), { status: 200, body: { alerts: [], nextCursor: null } });
    assert.equal((await get(`/v1/alerts?contentProviderId=${NOBODY}`, fj.auth)).statusCode, 403, 'a provider naming another id');
  });

  test('GET /v1/review-queue', async () => {
    assert.equal((await get(`/v1/review-queue?contentProviderId=${fj.id}`, g.admin)).statusCode, 200);
    await unknownIs404('/v1/review-queue', [g.admin]);
    assert.equal((await get(`/v1/review-queue?contentProviderId=${NOBODY}`, fj.auth)).statusCode, 403, 'a provider naming another id');
  });

  test('GET /v1/cases: the operator\'s own account still lists', async () => {
    for (const h of [g.admin, tok.national]) assert.equal((await get('/v1/cases?contentProviderId=operator', h)).statusCode, 200);
    await unknownIs404('/v1/cases', [g.admin, tok.national]);
    assert.deepEqual(await asOtherProvince('/v1/cases'), { status: 200, body: { cases: [], nextCursor: null } });
    // A provider naming another id is refused (it was answered with its own cases, as if the other's; docs/COMPLAINTS.md).
    assert.equal((await get(`/v1/cases?contentProviderId=${NOBODY}`, fj.auth)).statusCode, 403, 'a provider naming another id');
  });

  test('GET /v1/credit/entries: the operator\'s own file still lists, under its account id or the subject id an entry gave it', async () => {
    for (const id of ['operator', '示例运营商']) {
      const own = await get(`/v1/credit/entries?contentProviderId=${encodeURIComponent(id)}`, tok.national);
      assert.equal(own.statusCode, 200, own.body);
      assert.equal(own.json().entries.length, 1, id);
    }
    assert.equal((await get(`/v1/credit/entries?contentProviderId=${fj.id}`, g.admin)).statusCode, 200, 'a provider with an empty file');
    await unknownIs404('/v1/credit/entries', [g.admin, tok.national]);
    assert.equal((await asOtherProvince('/v1/credit/entries')).status, 200);
    assert.equal((await get(`/v1/credit/entries?contentProviderId=${NOBODY}`, fj.auth)).statusCode, 403, 'a provider naming another id');
  });

  test('GET /v1/usage: 404 for the operator, but a province-limited token is refused it as another province\'s (it was told 404)', async () => {
    await unknownIs404('/v1/usage', [g.admin, tok.national]);
    const r = await asOtherProvince('/v1/usage');
    assert.deepEqual(r, { status: 403, code: 'forbidden', rule: 'supervision.province-scope' });
  });
});

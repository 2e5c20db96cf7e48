/**
 * One rule for every list a content provider may read: its `contentProviderId` filter naming another
 * provider (or an id that is none) is 403 `forbidden`, rule `access.own-data` with its article, field
 * `contentProviderId` (src/app/access.ts `ownFilter`). The early-warning alerts, the review queue and
 * the templates (API and page) answered the caller's own list instead, as if it were the other's,
 * where ports, messages, records, usage, cases and credit entries refused it. Naming its own id, or
 * none (an empty `contentProviderId=` too), still lists its own.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';
import { webCookie } from '../helpers/web.js';
import { GATEWAY_ARTICLES } from '../../src/domain/gateway-articles.js';

/** Every list route that takes a `contentProviderId` filter, with what else it needs to answer. */
const LISTS: { path: string; extra?: string }[] = [
  { path: '/v1/ports' },
  { path: '/v1/messages', extra: 'msisdn=13800138000' },
  { path: '/v1/records' },
  { path: '/v1/records/heads' },
  { path: '/v1/usage' },
  { path: '/v1/cases' },
  { path: '/v1/credit/entries' },
  { path: '/v1/alerts' },
  { path: '/v1/review-queue' },
  { path: '/v1/templates' },
];

describe('a provider naming another provider in a list filter is 403 access.own-data, on every list', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let mine: Provider;
  let theirs: Provider;
  const url = (l: (typeof LISTS)[number], id: string) => `${l.path}?${l.extra ? `${l.extra}&` : ''}contentProviderId=${encodeURIComponent(id)}`;

  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    mine = await onboard(g, { name: '福建示例公司' });
    theirs = await onboard(g, { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111' } });
  });
  after(async () => {
    await http?.close();
    await g?.close();
  });

  for (const l of LISTS) {
    test(`${l.path}: another provider's id, and one that is none`, async () => {
      for (const id of [theirs.id, 'cp_nobody']) {
        const r = await http.inject({ method: 'GET', url: url(l, id), headers: mine.auth });
        assert.equal(r.statusCode, 403, `${id}: ${r.body}`);
        const e = r.json().error;
        assert.deepEqual({ code: e.code, rule: e.rule, article: e.article, field: e.field }, { code: 'forbidden', rule: 'access.own-data', article: GATEWAY_ARTICLES.access.en, field: 'contentProviderId' }, id);
      }
      const own = await http.inject({ method: 'GET', url: url(l, mine.id), headers: mine.auth });
      assert.equal(own.statusCode, 200, `its own id: ${own.body}`);
      // the operator may name any provider
      assert.equal((await http.inject({ method: 'GET', url: url(l, theirs.id), headers: g.admin })).statusCode, 200, 'the operator');
    });
  }

  test('an empty contentProviderId= is no filter: a provider lists its own', async () => {
    for (const path of ['/v1/alerts', '/v1/review-queue', '/v1/templates']) {
      assert.equal((await http.inject({ method: 'GET', url: `${path}?contentProviderId=`, headers: mine.auth })).statusCode, 200, path);
    }
  });

  test('the templates page answers the provider 403 with the rule, as the API does', async () => {
    const cookie = await webCookie({ http }, mine.apiKey);
    const page = await http.inject({ method: 'GET', url: `/web/templates?contentProviderId=${theirs.id}&lang=en`, headers: { cookie } });
    assert.equal(page.statusCode, 403, page.body);
    assert.match(page.body, /<p role="alert">Provider: A provider lists only its own data: give its own id, or leave it empty\. \(forbidden\)<\/p>/);
    assert.equal((await http.inject({ method: 'GET', url: `/web/templates?contentProviderId=${mine.id}`, headers: { cookie } })).statusCode, 200);
  });
});

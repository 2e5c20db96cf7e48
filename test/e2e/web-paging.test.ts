/**
 * The staff pages that list more than fits on one page (the credit file's entries, the cases) link
 * the next page with the API's own cursor, so every entry and case can be reached from the page.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, type Provider } from '../helpers/gateway.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('next-page links on the staff pages', () => {
  const { g, cp: fj, other: bj } = gatewaySuite({ provider: { name: '福建示例公司', province: '35' }, other: { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111' } } });
  const cookies: Record<string, string> = {};
  const tokens: Record<string, Record<string, string>> = {};

  before(async () => {
    const at = g.clock.now();
    // Three Fujian entries, then 520 newer Beijing ones: more than the page's 500.
    let n = 0;
    for (const cp of [...Array(3).fill(fj), ...Array(520).fill(bj)] as Provider[]) {
      const ok = await g.store.cases.addEntry({
        id: `cre_paging_${n}`, subjectType: 'content-provider', subjectId: cp.id, kind: 'warning', at: at - 10_000 + n++, actorId: 'reg_1',
        amountYuan: null, notes: null, publicSummary: '警告', summaryTemplate: null, evidence: {}, dedupKey: null, publishedAt: null, publishedBy: null, withdrawal: null,
      });
      assert.equal(ok, true);
    }
    for (const [label, scope] of [['national', {}], ['fujian', { province: '35' }]] as const) {
      const { token } = await g.app.auth.createToken('regulator', label, null, scope);
      tokens[label] = { authorization: `Bearer ${token}` };
      const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: `token=${encodeURIComponent(token)}` });
      assert.equal(login.statusCode, 303, login.body);
      cookies[label] = String(login.headers['set-cookie']).split(';')[0];
    }
  });

  /** The entry ids a credit page lists (each row carries its id), and the cursor its next-page link carries. */
  const creditPage = async (who: string, url: string) => {
    const r = await g.http.inject({ method: 'GET', url, headers: { cookie: cookies[who] } });
    assert.equal(r.statusCode, 200, r.body);
    const ids = [...r.body.matchAll(/<tr data-entry="([^"]+)">/g)].map((m) => m[1]);
    const next = /<a rel="next" href="\/web\/credit\?cursor=([^"#]+)#entries-h">/.exec(r.body);
    return { ids, next: next ? decodeURIComponent(next[1]) : null, body: r.body };
  };

  test('the credit page links the entries after its 500 with the API\'s cursor; following it reaches every entry once', async () => {
    const api = (await g.http.inject({ method: 'GET', url: '/v1/credit/entries?limit=1000', headers: tokens.national })).json();
    const all: string[] = api.entries.map((e: { id: string }) => e.id);
    assert.equal(all.length, 523);
    const first = await creditPage('national', '/web/credit');
    assert.equal(first.ids.length, 500);
    assert.deepEqual(first.ids, all.slice(0, 500));
    assert.equal(first.next, (await g.http.inject({ method: 'GET', url: '/v1/credit/entries?limit=500', headers: tokens.national })).json().nextCursor, 'the API\'s own cursor');
    assert.match(first.body, /rel="next"[^>]*>Next page →<\/a>|rel="next"[^>]*>下一页 →<\/a>/);
    const second = await creditPage('national', `/web/credit?cursor=${encodeURIComponent(first.next!)}`);
    assert.deepEqual(second.ids, all.slice(500));
    assert.equal(second.next, null, 'no link after the last page');
    // A Fujian token sees its three entries on the first page (the province is selected before the page is cut), with no link.
    const fujian = await creditPage('fujian', '/web/credit');
    assert.deepEqual(fujian.ids, ['cre_paging_2', 'cre_paging_1', 'cre_paging_0']);
    assert.equal(fujian.next, null);
    // A cursor the API never handed out is refused as the API refuses it.
    const bad = await g.http.inject({ method: 'GET', url: '/web/credit?cursor=zzz', headers: { cookie: cookies.national } });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /role="alert"/);
  });

  test('the cases page links the cases after its 100 with the API\'s cursor, labelled as the next page', async () => {
    for (let i = 0; i < 103; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138501', sender: '10690001', text: `【示例】第${i}条` } });
      assert.equal(r.statusCode, 201, r.body);
    }
    const all: string[] = (await g.http.inject({ method: 'GET', url: '/v1/cases?limit=500', headers: tokens.national })).json().cases.map((c: { id: string }) => c.id);
    const shown = (body: string) => [...body.matchAll(/<a href="\/web\/cases\/([^"]+)" class="mono">/g)].map((m) => decodeURIComponent(m[1]));
    const first = await g.http.inject({ method: 'GET', url: '/web/cases', headers: { cookie: cookies.national } });
    assert.deepEqual(shown(first.body), all.slice(0, 100));
    const link = /<a rel="next" href="\/web\/cases\?state=&cursor=([^"]+)">(?:下一页|Next page) →<\/a>/.exec(first.body);
    assert.ok(link, 'a next-page link, named as one');
    assert.equal(decodeURIComponent(link[1]), (await g.http.inject({ method: 'GET', url: '/v1/cases?limit=100', headers: tokens.national })).json().nextCursor);
    const second = await g.http.inject({ method: 'GET', url: `/web/cases?state=&cursor=${link[1]}`, headers: { cookie: cookies.national } });
    assert.deepEqual(shown(second.body), all.slice(100));
    assert.doesNotMatch(second.body, /rel="next"/);
  });
});

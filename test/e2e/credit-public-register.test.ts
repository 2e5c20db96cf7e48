/**
 * The public register of credit-file entries: every published entry stays readable, a page at a time,
 * and a search by the provider's name or credit code finds its entries however many others there are.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../helpers/gateway.js';

describe('the public register pages through every published entry', () => {
  test('GET /v1/credit/public and /web/public/credit: limit and cursor, nothing lost past the first page, a search by name paged too', () => withGateway(async (g, cp) => {
    const { token } = await g.app.auth.createToken('regulator', 'inspector');
    const headers = { authorization: `Bearer ${token}` };
    const provider = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}`, headers })).json();
    const ids: string[] = [];
    for (let i = 0; i < 203; i++) {
      const e = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers, payload: { contentProviderId: cp.id, kind: 'warning', publicSummary: `警告第 ${i} 号` } });
      assert.equal(e.statusCode, 201, e.body);
      ids.push(e.json().id);
      const p = await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${e.json().id}/publish`, headers });
      assert.equal(p.statusCode, 200, p.body);
    }
    const first = await g.http.inject({ method: 'GET', url: '/v1/credit/public' });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().entries.length, 200, 'the default page');
    assert.ok(first.json().nextCursor, 'more follow');
    const rest = await g.http.inject({ method: 'GET', url: `/v1/credit/public?cursor=${encodeURIComponent(first.json().nextCursor)}` });
    assert.equal(rest.statusCode, 200, rest.body);
    assert.equal(rest.json().nextCursor, null);
    const seen = [...first.json().entries, ...rest.json().entries].map((e: { id: string }) => e.id);
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'every published entry, once');

    // a search by the registered name, a hundred at a time
    const byName: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { statusCode: number; body: string; json: () => any } = await g.http.inject({ method: 'GET', url: `/v1/credit/public?q=${encodeURIComponent(provider.name)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
      assert.equal(r.statusCode, 200, r.body);
      byName.push(...r.json().entries.map((e: { id: string }) => e.id));
      cursor = r.json().nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(byName.length, 203);
    const byCode = await g.http.inject({ method: 'GET', url: `/v1/credit/public?q=${provider.creditCode}&limit=1000` });
    assert.equal(byCode.json().entries.length, 203);

    for (const bad of ['limit=0', 'limit=1001', 'cursor=nope']) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/credit/public?${bad}` });
      assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
    }

    // the page links the next one
    const page = await g.http.inject({ method: 'GET', url: '/web/public/credit' });
    assert.equal(page.statusCode, 200);
    const next = /<a rel="next" href="([^"]+)"/.exec(page.body);
    assert.ok(next, 'a next-page link');
    const page2 = await g.http.inject({ method: 'GET', url: next[1].replace(/&amp;/g, '&') });
    assert.equal(page2.statusCode, 200);
    assert.equal((page2.body.match(/<tr><td>/g) ?? []).length, 3);
    assert.doesNotMatch(page2.body, /rel="next"/);
    const stale = await g.http.inject({ method: 'GET', url: '/web/public/credit?cursor=nope' });
    assert.equal(stale.statusCode, 400);
    assert.match(stale.headers['content-type'] as string, /text\/html/);
  }));
});

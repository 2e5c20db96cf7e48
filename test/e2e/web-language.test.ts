/**
 * The staff pages in the page's language (a second QA pass): the case trail's system texts, the
 * 12321 import's refusals and the staff forms' specific reasons; and the menu's way to the annual
 * report's chooser for the roles that use it.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithTwoProviders, type TestGateway, type Provider } from '../helpers/gateway.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (o: Record<string, string | string[]>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) for (const x of Array.isArray(v) ? v : [v]) u.append(k, x);
  return u.toString();
};
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';

describe('web pages in the page\'s language', () => {
  let g: TestGateway;
  let cp: Provider;
  const cookies: Record<string, string> = {};

  async function cookieFor(token: string): Promise<string> {
    const r = await g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: `token=${encodeURIComponent(token)}` });
    assert.equal(r.statusCode, 303, r.body);
    return String(r.headers['set-cookie']).split(';')[0];
  }

  before(async () => {
    ({ g, cp } = await startWithTwoProviders());
    cookies.regulator = await cookieFor((await g.app.auth.createToken('regulator', 'inspector')).token);
    cookies.centre = await cookieFor((await g.app.auth.createToken('report-centre', 'clerk')).token);
    cookies.cp = await cookieFor(cp.apiKey);
  });
  after(async () => g.close());

  test('the menu links the annual report\'s chooser for the operator and regulators, and for no one else', async () => {
    const link = /<li><a href="\/web\/reports\/annual">年度检查报告<\/a><\/li>/;
    for (const [who, headers] of [['regulator', { cookie: cookies.regulator }], ['admin', g.admin]] as const) {
      const page = await g.http.inject({ method: 'GET', url: '/web/cases', headers });
      assert.equal(page.statusCode, 200, who);
      assert.match(nav(page.body), link, who);
      const chooser = await g.http.inject({ method: 'GET', url: '/web/reports/annual', headers });
      assert.equal(chooser.statusCode, 200, who);
      assert.match(chooser.body, /<table id="annual-providers">/, `${who}: the link leads to the chooser`);
      assert.match(nav(chooser.body), link, `${who}: on the chooser too`);
    }
    const en = await g.http.inject({ method: 'GET', url: '/web/cases?lang=en', headers: { cookie: cookies.regulator } });
    assert.match(nav(en.body), /<li><a href="\/web\/reports\/annual">Annual inspection report<\/a><\/li>/);
    for (const [who, headers] of [['report centre', { cookie: cookies.centre }], ['provider', { cookie: cookies.cp }], ['public', {}]] as const) {
      const page = await g.http.inject({ method: 'GET', url: '/web/complaint', headers });
      assert.ok(nav(page.body).includes('href="/web/complaint"'), `${who}: the menu is there`);
      assert.ok(!nav(page.body).includes('/web/reports/annual'), who);
    }
  });
});

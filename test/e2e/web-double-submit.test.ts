/**
 * A form that adds something, sent twice (a double click, a second click while the first answer is
 * slow, a reload of the POST): the public complaint form files one complaint, both answers showing
 * its reference; the regulator's credit-entry form adds one entry; a case's action (forward, answer…)
 * acts once and both posts lead to the case with it done, not the second to a 409 saying the case is
 * no longer in the state the first left it (the person would believe the act had failed). A refused post leaves its token
 * free, so the corrected form is sent again and acts. Each rendering of a form carries its own token.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { FORM, form, roleCookie } from '../helpers/web.js';
import { complaintOnPromotion } from '../helpers/gateway.js';

const onceOf = (body: string) => /<input type="hidden" name="once" value="([^"]*)">/.exec(body)?.[1] ?? '';

describe('a form sent twice acts once', () => {
  const { g, cp } = gatewaySuite();
  const cases = async () => (await g.http.inject({ method: 'GET', url: '/v1/cases?limit=500', headers: g.admin })).json().cases as { reference: string }[];
  const entries = async () => (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries as unknown[];

  test('the complaint form: two posts of one rendering file one complaint, both answers show its reference', async () => {
    const page = await g.http.inject({ method: 'GET', url: '/web/complaint' });
    const once = onceOf(page.body);
    assert.match(once, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(onceOf((await g.http.inject({ method: 'GET', url: '/web/complaint' })).body), once, 'each rendering its own token');
    const before = (await cases()).length;
    const post = () => g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', text: '双十二理财产品', once }) });
    const [a, b] = await Promise.all([post(), post()]);
    const third = await post();
    const ref = (r: { body: string }) => /id="case-reference">([^<]+)</.exec(r.body)?.[1];
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.equal(third.statusCode, 201);
    assert.ok(ref(a));
    assert.equal(ref(b), ref(a));
    assert.equal(ref(third), ref(a), 'a reload of the post too');
    assert.equal((await cases()).length, before + 1, 'one complaint, counted once');
  });

  test('a refused complaint keeps its token in the form, and the corrected one files', async () => {
    const once = onceOf((await g.http.inject({ method: 'GET', url: '/web/complaint' })).body);
    const before = (await cases()).length;
    const bad = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '12345', text: '营销', once }) });
    assert.equal(bad.statusCode, 422);
    assert.equal(onceOf(bad.body), once);
    const good = await g.http.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138000', text: '营销', once }) });
    assert.equal(good.statusCode, 201, good.body.slice(0, 200));
    assert.equal((await cases()).length, before + 1);
  });

  test('the credit-entry form: two posts of one rendering add one entry', async () => {
    const regulator = await roleCookie(g, 'regulator', 'inspector');
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: regulator } });
    const once = onceOf(page.body);
    assert.match(once, /^[A-Za-z0-9_-]{22}$/);
    const post = () => g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { cookie: regulator, ...FORM }, payload: form({ contentProviderId: cp.id, kind: 'warning', publicSummary: '未经同意发送营销短信', once }) });
    const [a, b] = await Promise.all([post(), post()]);
    assert.equal(a.statusCode, 303);
    assert.equal(b.statusCode, 303);
    assert.equal(b.headers.location, a.headers.location);
    assert.equal((await entries()).length, 1);
    // the page it leads to says what was done, and what is left to do
    const after = await g.http.inject({ method: 'GET', url: String(a.headers.location), headers: { cookie: regulator } });
    assert.match(after.body, /<div class="notice" role="status" id="credit-done">档案记录已新增，尚未公示：需要公示时，请在下方列表中点“公示”。<\/div>/);
    // the next rendering adds the next one
    const next = onceOf(after.body);
    assert.notEqual(next, once);
    const c = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { cookie: regulator, ...FORM }, payload: form({ contentProviderId: cp.id, kind: 'note', publicSummary: '第二条', once: next }) });
    assert.equal(c.statusCode, 303);
    assert.equal((await entries()).length, 2);
  });

  test('a case action sent twice (a double click on 转交企业) acts once, and both answers lead to the case with it done', async () => {
    const centre = await roleCookie(g, 'report-centre', 'clerk-twice');
    const c = await complaintOnPromotion(g, cp, '13800138011', '【示例】双击转交');
    const page = await g.http.inject({ method: 'GET', url: `/web/cases/${c.id}`, headers: { cookie: centre } });
    const forward = /<form method="post" action="[^"]*\/act" aria-labelledby="act-forward-h">[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? '';
    const once = onceOf(forward);
    assert.match(once, /^[A-Za-z0-9_-]{22}$/, 'the forward form carries its token');
    const escalate = /<form method="post" action="[^"]*\/act" aria-labelledby="act-escalate-h">[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? '';
    assert.notEqual(onceOf(escalate), once, 'each action form its own token: another act from the same page is not taken for a repeat');
    const post = () => g.http.inject({ method: 'POST', url: `/web/cases/${c.id}/act`, headers: { cookie: centre, ...FORM }, payload: form({ action: 'forward', reason: '', once }) });
    const a = await post();
    const b = await post();
    assert.equal(a.statusCode, 303, a.body.slice(0, 300));
    assert.equal(b.statusCode, 303, `the repeat is the first's result, not a 409: ${b.body.slice(0, 300)}`);
    assert.equal(b.headers.location, a.headers.location);
    assert.match(String(a.headers.location), /\?done=forward$/);
    const events = (await g.http.inject({ method: 'GET', url: `/v1/cases/${c.id}`, headers: g.admin })).json().events as { kind: string }[];
    assert.equal(events.filter((e) => e.kind === 'forward').length, 1, 'forwarded once');
    // a refused act keeps its token in the form shown again (as the complaint form does)
    const again = await g.http.inject({ method: 'GET', url: `/web/cases/${c.id}`, headers: { cookie: centre } });
    const esc2 = onceOf(/<form method="post" action="[^"]*\/act" aria-labelledby="act-escalate-h">[\s\S]*?<\/form>/.exec(again.body)?.[0] ?? '');
    const refused = await g.http.inject({ method: 'POST', url: `/web/cases/${c.id}/act`, headers: { cookie: centre, ...FORM }, payload: form({ action: 'escalate', reason: 'x\u0007y', once: esc2 }) });
    assert.equal(refused.statusCode, 400, refused.body.slice(0, 300));
    assert.equal(onceOf(/<form method="post" action="[^"]*\/act" aria-labelledby="act-escalate-h">[\s\S]*?<\/form>/.exec(refused.body)?.[0] ?? ''), esc2);
  });
});

/**
 * `/web/charged-services/{id}`: the provider subscribes a number from its service's page (docs/REGULATION.md
 * rule 8), through the same use case as POST /v1/charged-services/{id}/subscriptions: smsguard sends its
 * free notice and the subscription starts only on the user's Y, which the page says. A double click sends
 * one notice (form-once.ts); each refusal is the API's status and code, said in the page's language next to
 * the number (invalid_msisdn on the field, charged_already_subscribed, opted_out, conflict, quiet_hours with
 * its rule), the number as typed. Only the service's own provider gets the form: not the operator, not a
 * regulator (the API admits neither), not another provider (403 as from the API).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, ADMIN_TOKEN, OTHER_PROVIDER, type TestGateway, type Provider } from '../helpers/gateway.js';
import { FORM, form, roleCookie, webCookie } from '../helpers/web.js';

const PORT = '10690001';
const formError = (body: string) => /<div id="subscribe-error"><div class="alert" role="alert">([\s\S]*?)<\/div><\/div>/.exec(body)?.[1].replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").trim() ?? '';
const onceOf = (body: string) => /id="subscribe-form">\s*<input type="hidden" name="once" value="([^"]+)"/.exec(body)?.[1] ?? '';
const numberInput = (body: string) => /<input id="ch-sub-msisdn"[^>]*>/.exec(body)?.[0] ?? '';

describe('the charged-services page: a provider subscribes a number', () => {
  let g: TestGateway;
  let cp: Provider;
  let other: Provider;
  let serviceId = '';
  const c = {} as Record<'admin' | 'cp' | 'other' | 'regulator', string>;
  const get = (url: string, cookie: string) => g.http.inject({ method: 'GET', url, headers: { cookie } });
  const post = (url: string, cookie: string, body: Record<string, string>) => g.http.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(body) });
  const subscribeUrl = () => `/web/charged-services/${serviceId}/subscribe`;
  const outbox = async (to: string): Promise<{ text: string }[]> => {
    await g.worker.drain();
    return (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${encodeURIComponent(to)}` })).json().messages;
  };
  const reply = async (from: string, text: string) => (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to: PORT, text } })).json();
  const subscriptions = async () => (await g.http.inject({ method: 'GET', url: `/v1/charged-services/${serviceId}/subscriptions?limit=1000`, headers: cp.auth })).json().items as { msisdn: string; status: string }[];
  /** The page's form, filled in and posted with its own once-token. */
  const send = async (msisdn: string, lang = '') => {
    const page = await get(`/web/charged-services/${serviceId}${lang}`, c.cp);
    return post(`${subscribeUrl()}${lang}`, c.cp, { msisdn, once: onceOf(page.body) });
  };

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g, { name: '天气科技有限公司' });
    other = await onboard(g, { ...OTHER_PROVIDER, name: '别家传媒有限公司' });
    const r = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cp.id, name: '天气早知道', port: PORT, tariff: { amountFen: 200, per: 'month' } } });
    assert.equal(r.statusCode, 201, r.body);
    serviceId = r.json().id;
    Object.assign(c, {
      admin: await webCookie(g, ADMIN_TOKEN), cp: await webCookie(g, cp.apiKey), other: await webCookie(g, other.apiKey),
      regulator: await roleCookie(g, 'regulator', 'inspector'),
    });
  });
  after(async () => {
    await g?.close();
  });

  test('signed out: the sign-in, coming back to the service\'s page; the form posted is not kept', async () => {
    const r = await g.http.inject({ method: 'POST', url: subscribeUrl(), headers: FORM, payload: form({ msisdn: '13800138300' }) });
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/web/login?next=${encodeURIComponent(`/web/charged-services/${serviceId}`)}&sent=1`);
    assert.equal((await outbox('+8613800138300')).length, 0);
  });

  test('the provider\'s page has the form (one field, the number, with a once-token); the operator\'s and a regulator\'s have none', async () => {
    const page = await get(`/web/charged-services/${serviceId}`, c.cp);
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, new RegExp(`<form method="post" action="/web/charged-services/${serviceId}/subscribe" id="subscribe-form">`));
    assert.match(onceOf(page.body), /^[A-Za-z0-9_-]{22}$/);
    assert.match(numberInput(page.body), /name="msisdn" type="tel" value="" required/);
    assert.match(page.body, /<label for="ch-sub-msisdn">手机号码/);
    assert.match(page.body, /用户回复 Y 确认后订购才开始/);
    const en = await get(`/web/charged-services/${serviceId}?lang=en`, c.cp);
    assert.match(en.body, /<h2 id="subscribe-h">Subscribe a number<\/h2>/);
    assert.match(en.body, /<button type="submit">Send the notice<\/button>/);
    for (const who of ['admin', 'regulator'] as const) {
      const r = await get(`/web/charged-services/${serviceId}`, c[who]);
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(!r.body.includes('id="subscribe-form"'), `no form for the ${who}`);
    }
  });

  test('sent: the API\'s notice goes out (free), the page says so and that the subscription starts only on Y; a double click sends one notice', async () => {
    const to = '13800138301';
    const page = await get(`/web/charged-services/${serviceId}`, c.cp);
    const once = onceOf(page.body);
    const [a, b] = await Promise.all([post(subscribeUrl(), c.cp, { msisdn: to, once }), post(subscribeUrl(), c.cp, { msisdn: to, once })]);
    for (const r of [a, b]) {
      assert.equal(r.statusCode, 303, r.body);
      assert.equal(r.headers.location, `/web/charged-services/${serviceId}?done=subscribe`);
    }
    const sent = await outbox(`+86${to}`);
    assert.equal(sent.length, 1, 'one notice');
    assert.match(sent[0].text, /您正在订购收费业务“天气早知道”，资费2元\/月[\s\S]*确认订购请回复Y/);
    const done = await get(`/web/charged-services/${serviceId}?done=subscribe`, c.cp);
    assert.match(done.body, /id="charged-done">订购通知已发送（免费）。用户回复 Y 确认后订购才开始/);
    const enDone = await get(`/web/charged-services/${serviceId}?done=subscribe&lang=en`, c.cp);
    assert.match(enDone.body, /id="charged-done">The notice is sent \(free of charge\)\. The subscription starts, and is listed below, only when the user replies Y/);
    // not yet a subscription: only the user's Y starts it
    assert.ok(!(await subscriptions()).some((s) => s.msisdn === `+86${to}`), 'pending is no subscription');
    assert.equal((await reply(to, 'Y')).action, 'consent_granted');
    assert.equal((await subscriptions()).find((s) => s.msisdn === `+86${to}`)?.status, 'active');
  });

  test('refusals: the API\'s status and code, said in the page\'s language next to the number, the number as typed; nothing sent', async () => {
    // not a mainland mobile number: the API's 422 invalid_msisdn (rule recipient.msisdn), on the field
    const api = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth, payload: { msisdn: '12345' } });
    assert.deepEqual([api.statusCode, api.json().error.code], [422, 'invalid_msisdn']);
    const bad = await send('12345');
    assert.equal(bad.statusCode, 422, bad.body);
    // the field's label once, then what to type: not the code's label too, which said 中国大陆手机号码 twice
    assert.match(formError(bad.body), /^出错了：手机号码：请填写中国大陆手机号码：11 位，以 1 开头（例如 13800138000），也可以带 \+86。 \(invalid_msisdn\)/);
    assert.match(numberInput(bad.body), /value="12345"[\s\S]*aria-invalid="true" aria-errormessage="subscribe-error"/);
    assert.match(onceOf(bad.body), /^[A-Za-z0-9_-]{22}$/, 'the form can be sent again');
    const badEn = await send('12345', '?lang=en');
    assert.match(formError(badEn.body), /^Something went wrong: Mobile number: Give a mainland mobile number: 11 digits starting with 1/);
    // empty: 400, the field required
    const empty = await send('');
    assert.equal(empty.statusCode, 400);
    assert.match(formError(empty.body), /手机号码：请填写要订购的中国大陆手机号码/);
    // already subscribed (the previous test's Y): 409 charged_already_subscribed, with its rule
    const again = await send('13800138301');
    assert.equal(again.statusCode, 409, again.body);
    assert.match(formError(again.body), /^出错了：手机号码：该号码对此业务的订购仍然有效[\s\S]*\(charged_already_subscribed\)[\s\S]*charging\.one-subscription/);
    // a notice awaiting its answer: 409 conflict, rule consent.one-pending
    assert.equal((await send('13800138302')).statusCode, 303);
    const pending = await send('13800138302');
    assert.equal(pending.statusCode, 409, pending.body);
    assert.match(formError(pending.body), /正在等待答复[\s\S]*\(conflict\)[\s\S]*consent\.one-pending/);
    assert.equal((await outbox('+8613800138302')).length, 1, 'one notice');
    // opted out of the provider: 422 opted_out, with its rule
    assert.equal((await reply('13800138303', 'TD')).action, 'opt_out');
    const out = await send('13800138303');
    assert.equal(out.statusCode, 422, out.body);
    assert.match(formError(out.body), /该号码已向本企业退订，或在免打扰名单中[\s\S]*\(opted_out\)[\s\S]*commercial\.opt-out/);
    assert.match(numberInput(out.body), /value="13800138303"/);
    assert.doesNotMatch(numberInput(out.body), /aria-invalid/, 'not the field\'s fault');
    assert.equal((await outbox('+8613800138303')).filter((m) => m.text.includes('收费业务')).length, 0, 'no notice');
  });

  test('only the service\'s own provider: another provider, the operator and a regulator are refused 403 as from the API; an unknown service is 404', async () => {
    const before = (await outbox('+8613800138304')).length;
    const theirs = await post(subscribeUrl(), c.other, { msisdn: '13800138304' });
    assert.equal(theirs.statusCode, 403, theirs.body);
    assert.ok(!theirs.body.includes('天气早知道'), 'nothing of the other\'s service shown');
    const regulatorApi = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'api', null, {})).token}` };
    for (const who of ['admin', 'regulator'] as const) {
      const api = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: who === 'admin' ? g.admin : regulatorApi, payload: { msisdn: '13800138304' } });
      assert.equal(api.statusCode, 403, api.body);
      const r = await post(subscribeUrl(), c[who], { msisdn: '13800138304' });
      assert.equal(r.statusCode, 403, `${who}: ${r.body}`);
      assert.match(r.body, /这项操作需要以下身份之一：企业。 \(forbidden\)/, "the API's role refusal");
      assert.ok(!r.body.includes('id="subscribe-form"'));
    }
    assert.equal((await post('/web/charged-services/chs_nobody/subscribe', c.cp, { msisdn: '13800138304' })).statusCode, 404);
    assert.equal((await outbox('+8613800138304')).length, before, 'nothing sent');
  });

  test('outside the sending hours: 422 quiet_hours with its rule, said in the form', async () => {
    g.clock.advance(10 * 3_600_000); // 22:00 Shanghai
    const night = await send('13800138305');
    assert.equal(night.statusCode, 422, night.body);
    // the page's own words for the code: not after its label, which says the same
    assert.match(formError(night.body), /^出错了：订购通知和商业短信一样，只在允许发送的时段内发送[\s\S]*\(quiet_hours\)[\s\S]*commercial\.quiet-hours/);
    assert.equal((await outbox('+8613800138305')).length, 0);
  });
});

/** Consent requests end to end: HTTP, the simulator SMSC and the simulated clock. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, gatewaySuite, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';

const HOUR = 3_600_000;

async function ask(g: TestGateway, cp: Provider, to: string, extra: Record<string, unknown> = {}) {
  return g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180, ...extra } });
}
async function reply(g: TestGateway, from: string, text: string, to = '10690002') {
  return (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } })).json();
}
async function send(g: TestGateway, cp: Provider, to: string, category = '会员促销', text = '【示例】会员日全场满减') {
  return g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text, type: 'commercial', category } });
}
async function status(g: TestGateway, cp: Provider, id: string) {
  return (await g.http.inject({ method: 'GET', url: `/v1/consent-requests/${id}`, headers: cp.auth })).json();
}
async function outbox(g: TestGateway, to: string): Promise<{ text: string }[]> {
  await g.worker.drain();
  return (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages;
}

describe('consent requests (cn-2015)', () => {
  const { g, cp } = gatewaySuite();

  test('grant: the request reaches the phone stating category, frequency and duration; 是 grants; sends pass', async () => {
    const to = '13800138001';
    const r = await ask(g, cp, to);
    assert.equal(r.statusCode, 202, r.body);
    const body = r.json();
    assert.equal(body.status, 'pending');
    assert.match(body.text, /会员促销/);
    assert.match(body.text, /每月不超过4条/);
    assert.match(body.text, /有效期180天/);
    const out = await outbox(g, to);
    assert.equal(out.length, 1);
    assert.equal(out[0].text, body.text);
    const before = await send(g, cp, to);
    assert.equal(before.json().error.code, 'consent_missing');
    const mo = await reply(g, `+86${to}`, ' ｙｅｓ ');
    assert.equal(mo.action, 'consent_granted');
    const s = await status(g, cp, body.id);
    assert.equal(s.status, 'granted');
    assert.ok(s.consentId);
    assert.deepEqual(s.history.map((h: { event: string }) => h.event), ['consent_requested', 'consent_granted']);
    // the response schema (OpenAPI) drops nothing: the body is the view as the use case builds it
    const { getConsentRequest } = await import('../../src/app/consent-requests.js');
    assert.deepEqual(s, JSON.parse(JSON.stringify(await getConsentRequest(g.app.ctx, await g.app.auth.principalFor(cp.apiKey), body.id))));
    assert.ok(s.history.every((h: { evidence?: object }) => h.evidence && Object.keys(h.evidence).length > 0), JSON.stringify(s.history));
    const op = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json().paths['/v1/consent-requests/{id}'].get;
    assert.ok(op.responses['200'].content['application/json'].schema.properties.history);
    for (const code of ['401', '403', '404']) assert.ok(op.responses[code].content['application/json'].schema.properties.error, code);
    const ok = await send(g, cp, to);
    assert.equal(ok.statusCode, 202, ok.body);
    const texts = (await outbox(g, to)).map((m) => m.text);
    assert.ok(texts.some((t) => t.includes('您已同意接收“会员促销”类商业短信')));
  });

  test('refuse: 否 refuses; a request with the same category is rejected as repeated', async () => {
    const to = '13800138002';
    const r = await ask(g, cp, to);
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await reply(g, to, '否')).action, 'consent_refused');
    assert.equal((await status(g, cp, r.json().id)).status, 'refused');
    const again = await ask(g, cp, to, { frequency: { count: 2, per: 'week' }, durationDays: 30 });
    assert.equal(again.statusCode, 422);
    assert.equal(again.json().error.code, 'consent_request_repeated');
    assert.equal(again.json().error.rule, 'consent.no-repeat');
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?limit=20', headers: g.admin })).json().records.find((r: any) => r.kind === 'audit' && r.body.action === 'consent_request.rejected');
    assert.equal(audit?.body.code, 'consent_request_repeated', 'a refused request is kept as an audit record');
    assert.equal(audit?.body.to, `+86${to}`);
    // The number and provider are the record's own columns, not only its body: the filters (and legal
    // holds and exports, which match on the same columns) find it.
    assert.equal(audit?.msisdn, `+86${to}`);
    assert.equal(audit?.contentProviderId, cp.id);
    const byNumber = (await g.http.inject({ method: 'GET', url: `/v1/records?kind=audit&msisdn=%2B86${to}`, headers: g.admin })).json().records;
    assert.ok(byNumber.some((r: any) => r.id === audit.id), 'found by ?msisdn=');
    const byProvider = (await g.http.inject({ method: 'GET', url: `/v1/records?kind=audit&contentProviderId=${cp.id}`, headers: g.admin })).json().records;
    assert.ok(byProvider.some((r: any) => r.id === audit.id), 'found by ?contentProviderId=');
    const own = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit', headers: cp.auth })).json().records;
    assert.ok(own.some((r: any) => r.id === audit.id), 'the provider sees its own refused request');
    const other = await ask(g, cp, to, { category: '新品上市' });
    assert.equal(other.statusCode, 202, other.body);
  });

  test('no reply: deemed refused when the window closes (sweeper on clock change)', async () => {
    const to = '13800138003';
    const r = await ask(g, cp, to);
    const id = r.json().id;
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 47 * 3600 } });
    await g.sweeper.idle();
    assert.equal((await status(g, cp, id)).status, 'pending');
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 3600 } });
    await g.sweeper.idle();
    const row = await g.store.consents.getConsentRequest(id);
    assert.equal(row?.request.status, 'deemed_refused');
    assert.equal(row?.request.resolvedAt, row?.request.deadlineAt);
    // a late yes does not grant
    const late = await reply(g, to, '是');
    assert.notEqual(late.action, 'consent_granted');
    // back to daytime for the rest of the suite
    g.clock.advance(24 * HOUR - (g.clock.now() - Date.parse('2026-11-30T04:00:00Z')) % (24 * HOUR));
  });
});

describe('consent requests: answers, wording and repeats (cn-2015)', () => {
  const { g, cp } = gatewaySuite();

  test('N refuses the pending request without opting out; R refuses and opts out; both confirmations are free', async () => {
    const a = '13800138011';
    const ra = await ask(g, cp, a);
    assert.equal((await reply(g, a, 'n')).action, 'consent_refused');
    assert.equal((await status(g, cp, ra.json().id)).status, 'refused');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${a}`), false, 'N answered the question asked');
    const b = '13800138012';
    const rb = await ask(g, cp, b);
    assert.equal((await reply(g, b, '拒收')).action, 'opt_out');
    assert.equal((await status(g, cp, rb.json().id)).status, 'refused');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${b}`), true);
    await g.worker.drain();
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${b}`, headers: g.admin })).json().records as any[];
    const confirmations = recs.filter((r) => r.kind === 'mt' && r.body.channel === 'system' && r.body.purpose !== 'consent_request');
    assert.equal(confirmations.length, 1);
    assert.equal(confirmations[0].body.charged, false);
    assert.equal(confirmations[0].body.purpose, 'opt_out_confirmation');
    // no further request to an opted-out number
    assert.equal((await ask(g, cp, b, { category: '新品上市' })).json().error.code, 'opted_out');
  });

  test('N after a promotion that says 回N退订 opts out, even with a request pending (found by the consent audit)', async () => {
    // The request pending, the provider then sent a promotion under an earlier consent saying "回N退订".
    // The user's N answered that message, the last one the number got from the port: it refused only
    // the request, and the promotions went on: a refusal that did not work (docs/REGULATION.md item 6).
    const to = '13800138039';
    const p = { channel: 'web', reference: 'form 9', capturedAt: new Date(g.clock.now() - 60_000).toISOString() };
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 5, per: 'day' }, expiresAt: new Date(g.clock.now() + 30 * 24 * HOUR).toISOString(), proof: p } });
    assert.equal(c.statusCode, 201, c.body);
    const r = await ask(g, cp, to, { category: '新品上市' });
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await send(g, cp, to, 'promo', '【示例】会员日八折，回N退订')).statusCode, 202);
    const mo = await reply(g, to, 'N');
    assert.equal(mo.action, 'opt_out');
    assert.equal((await status(g, cp, r.json().id)).status, 'refused');
    assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${to}`), true);
    assert.equal((await send(g, cp, to, 'promo', '【示例】会员日八折，回N退订')).json().error.code, 'opted_out');
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    const ev = v.events.find((e: { event: string }) => e.event === 'opt_out');
    assert.equal(ev.evidence.text ?? ev.evidence.reply, 'N');
    assert.equal(ev.evidence.answered, (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}&kind=mt`, headers: g.admin })).json().records.find((x: any) => x.body.text?.includes('回N退订') && x.body.decision === 'accepted').id);
  });

  test('any other reply leaves the request pending, is recorded on it and forwarded', async () => {
    const to = '13800138013';
    const r = await ask(g, cp, to);
    const forwarded: string[] = [];
    const off = g.app.events.on('moForward', (m) => forwarded.push(m.text));
    assert.equal((await reply(g, to, '这是什么？')).action, 'forwarded');
    off();
    const s = await status(g, cp, r.json().id);
    assert.equal(s.status, 'pending');
    assert.deepEqual(s.history.map((h: any) => h.event), ['consent_requested', 'consent_reply']);
    assert.equal(s.history[1].evidence.reply, '这是什么？');
    assert.deepEqual(forwarded, ['这是什么？']);
    // one pending request per number and provider: a second waits for the first
    const second = await ask(g, cp, to, { category: '新品上市' });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().error.code, 'conflict');
    assert.equal(second.json().error.rule, 'consent.one-pending', 'every rejection names its rule');
    assert.match(second.json().error.article, /gateway rule, not a regulation/);
    const audit = (await g.http.inject({ method: 'GET', url: `/v1/records?kind=audit&type=consent_request.rejected&msisdn=%2B86${to}`, headers: g.admin })).json().records;
    assert.deepEqual(audit.map((x: any) => [x.body.code, x.body.rule]), [['conflict', 'consent.one-pending']], 'the audit record keeps the rule too');
    assert.equal((await reply(g, to, '同意')).action, 'consent_granted');
  });

  test('caller text: checked for category, frequency, duration and answer → consent_request_incomplete', async () => {
    const to = '13800138014';
    const bad = await ask(g, cp, to, { text: '【示例】邀请您接收会员促销信息，回复是同意' });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.code, 'consent_request_incomplete');
    assert.equal(bad.json().error.rule, 'consent.request-content');
    assert.match(bad.json().error.message, /frequency, duration/);
    const unsigned = await ask(g, cp, to, { text: '邀请您接收会员促销信息，每月不超过4条，有效期180天，回复是同意' });
    assert.equal(unsigned.json().error.code, 'signature_missing');
    const twoBrands = await ask(g, cp, to, { text: '【示例】【别家】邀请您接收会员促销信息，每月最多四条，有效期180天，同意请回复是' });
    assert.deepEqual([twoBrands.statusCode, twoBrands.json().error.code, twoBrands.json().error.field], [422, 'signature_multiple', 'text'], twoBrands.body);
    const good = await ask(g, cp, to, { text: '【示例】邀请您接收会员促销信息，每月最多四条，有效期180天，同意请回复是' });
    assert.equal(good.statusCode, 202, good.body);
    // appended when missing, as its own clause (the text ends in 是, so after the profile's separator)
    assert.equal(good.json().text, '【示例】邀请您接收会员促销信息，每月最多四条，有效期180天，同意请回复是拒收请回复R');
  });

  test('a similar text after a refusal is repeated even under another category', async () => {
    const to = '13800138015';
    const first = await ask(g, cp, to, { category: '双十二', text: '【示例】双十二会员日全场满300减50，邀请您接收双十二活动信息，每月不超过4条，有效期180天，同意请回复Y' });
    assert.equal(first.statusCode, 202, first.body);
    assert.equal((await reply(g, to, '不同意')).action, 'consent_refused');
    const reworded = await ask(g, cp, to, { category: '年终大促', frequency: { count: 2, per: 'week' }, durationDays: 90, text: '【示例】双12会員日，全場滿三百減五十！邀请您接收双十二活动信息，每周最多2条，有效期90天，年终大促，回复“是”同意' });
    assert.equal(reworded.statusCode, 422);
    assert.equal(reworded.json().error.code, 'consent_request_repeated');
    assert.match(reworded.json().error.message, /similar/);
  });

  test('a request is a commercial approach: commercial port only, daytime only, own port only', async () => {
    const svc = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690001', to: '13800138016', category: 'x', frequency: { count: 1, per: 'week' }, durationDays: 7 } });
    assert.equal(svc.json().error.code, 'port_kind_mismatch');
    const other = await onboard(g, { name: '别家公司', signature: '【别家】', ports: { commercial: '10690032' } });
    assert.equal((await status(g, other, (await ask(g, cp, '13800138016')).json().id)).error.code, 'forbidden', 'another provider cannot read it (issue 2: forbidden)');
    const notOwn = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: other.auth, payload: { from: '10690002', to: '13800138017', category: 'x', frequency: { count: 1, per: 'week' }, durationDays: 7 } });
    assert.equal(notOwn.json().error.code, 'port_not_owned');
    const night = Date.parse('2026-11-30T14:30:00Z');
    g.clock.set(night);
    assert.equal((await ask(g, cp, '13800138018')).json().error.code, 'quiet_hours');
    g.clock.set(Date.parse('2026-12-01T04:00:00Z'));
  });

  test('natural-language refusals outside a request opt out; operator phrases extend the list', async () => {
    const to = '13800138019';
    assert.equal((await reply(g, to, '你们别再发了好吗')).action, 'opt_out');
    assert.equal((await reply(g, '13800138020', '烦死了')).action, 'forwarded');
    // the instruction typed back, as a message saying 回T退订 is often answered (found by the consent audit)
    for (const [n, t] of [['13800138031', '回复TD'], ['13800138032', '回T'], ['13800138033', '回复：“R”']] as const) {
      assert.equal((await reply(g, n, t)).action, 'opt_out', t);
      assert.equal(await g.store.consents.isOptedOut(cp.id, `+86${n}`), true, t);
    }
    assert.equal((await reply(g, '13800138034', '回T恤')).action, 'forwarded');
    const put = await g.http.inject({ method: 'PUT', url: '/v1/refusal-phrases', headers: g.admin, payload: { phrases: ['烦死了'] } });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await g.http.inject({ method: 'PUT', url: '/v1/refusal-phrases', headers: cp.auth, payload: { phrases: ['x'] } })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'PUT', url: '/v1/refusal-phrases', headers: g.admin, payload: { phrases: ['好'] } })).statusCode, 400, 'one-character phrases would catch ordinary replies');
    assert.equal((await reply(g, '13800138020', '烦死了')).action, 'opt_out');
    const got = (await g.http.inject({ method: 'GET', url: '/v1/refusal-phrases', headers: g.admin })).json();
    assert.deepEqual(got.operator, ['烦死了']);
    assert.ok(got.defaults.includes('STOP'));
  });
});

describe('consent requests on cn-2026 (explicit consent only)', () => {
  test('silence never grants; an explicit 是 grants with the request and reply as proof', async () => {
    await withGateway({ profile: 'cn-2026' }, async (g, cp) => {
      const a = '13800138031';
      const r = await ask(g, cp, a);
      assert.equal(r.statusCode, 202, r.body);
      g.clock.advance(48 * HOUR);
      await g.sweeper.idle();
      const s = await status(g, cp, r.json().id);
      assert.equal(s.status, 'deemed_refused');
      assert.equal(s.history[1].evidence.profile, 'cn-2026');
      assert.equal((await send(g, cp, a)).json().error.code, 'consent_missing');
      g.clock.set(Date.parse('2026-12-03T04:00:00Z'));
      const b = '13800138032';
      const rb = await ask(g, cp, b);
      assert.equal((await reply(g, b, '是')).action, 'consent_granted');
      const sb = await status(g, cp, rb.json().id);
      const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${b}/consents`, headers: cp.auth })).json();
      const c = sub.consents.find((x: any) => x.id === sb.consentId);
      assert.equal(c.proof.requestId, rb.json().id);
      assert.equal(c.proof.reply, '是');
      assert.ok(c.proof.moId);
      assert.equal(c.expiresAt, new Date(Date.parse(c.grantedAt) + 180 * 86_400_000).toISOString());
      assert.equal((await send(g, cp, b)).statusCode, 202);
    });
  });
});


test('the refusal confirmation promises "never again" only while the ban has no end; with consentRepeatBanDays it says for how long (found walking docs/CONSENT.md, 2026-12-08)', async () => {
  // It told the user 我们不会再就此征求您的同意 under a 30-day ban, after which the provider asked again.
  for (const [overrides, expected] of [
    [{}, '【示例】您已拒绝“会员促销”类商业短信，我们不会再就此征求您的同意。本条免费。'],
    [{ consentRepeatBanDays: 30 }, '【示例】您已拒绝“会员促销”类商业短信，30天内我们不会再就此征求您的同意。本条免费。'],
  ] as const) {
    await withGateway({ overrides }, async (g, cp) => {
      const to = '13800138091';
      assert.equal((await ask(g, cp, to)).statusCode, 202);
      assert.equal((await reply(g, to, '否')).action, 'consent_refused');
      const texts = (await outbox(g, to)).map((m) => m.text);
      assert.ok(texts.includes(expected), JSON.stringify(texts));
    });
  }
});

/** The spine's HTTP contract: routes, codes, statuses, auth, batch, simulator, ops endpoints. */
import { readFileSync } from 'node:fs';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, gatewaySuite, onboard, validCreditCode } from '../helpers/gateway.js';

describe('HTTP API', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });

  const send = (auth: Record<string, string>, payload: unknown) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: payload as object });

  test('no token → 401 unauthorized; bad token → 401; provider on admin route → 403', async () => {
    assert.equal((await send({}, { from: '10690001', to: '13800138000', text: 'x', type: 'notification' })).json().error.code, 'unauthorized');
    const bad = await send({ authorization: 'Bearer nope' }, {});
    assert.equal(bad.statusCode, 401);
    const r = await g.http.inject({ method: 'POST', url: '/v1/ports', headers: cp.auth, payload: { number: '106999', contentProviderId: cp.id, kind: 'service' } });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'forbidden');
    const adm = await send(g.admin, { from: '10690001', to: '13800138000', text: '【示例】x', type: 'notification' });
    assert.equal(adm.statusCode, 403);
  });

  test('an Authorization header without the Bearer scheme → 401 saying how to write it, not "unknown or revoked token" (the key is fine)', async () => {
    for (const authorization of [cp.apiKey, `Basic ${cp.apiKey}`, `Token ${cp.apiKey}`, 'Bearer']) {
      const r = await send({ authorization }, { from: '10690001', to: '13800138000', text: '【示例】x', type: 'notification' });
      assert.equal(r.statusCode, 401, authorization);
      assert.equal(r.json().error.code, 'unauthorized');
      assert.match(r.json().error.message, /^Authorization: must be "Bearer <token>"/, authorization);
    }
    // a key that is not one (or revoked) is still said so
    assert.equal((await send({ authorization: 'Bearer sgk_nope' }, {})).json().error.message, 'unknown or revoked token');
  });

  test('malformed JSON and missing or ill-typed fields → 400 invalid_request naming the field', async () => {
    const bad = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'application/json' }, payload: '{"from":' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_request');
    const missing = await send(cp.auth, { from: '10690001', text: 'x', type: 'notification' });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.field, 'to');
    const typed = await send(cp.auth, { from: '10690001', to: 13800138000, text: 'x', type: 'notification' });
    assert.equal(typed.statusCode, 400);
    assert.match(typed.json().error.message, /to/);
    const noCat = await send(cp.auth, { from: '10690002', to: '13800138000', text: '【示例】x', type: 'commercial' });
    assert.equal(noCat.statusCode, 400);
    assert.equal(noCat.json().error.field, 'category');
    const badType = await send(cp.auth, { from: '10690001', to: '13800138000', text: 'x', type: 'spam' });
    assert.equal(badType.statusCode, 400);
    // Texts no handset can be sent as written (found by an audit: both went out): a lone surrogate, a NUL.
    for (const text of ['【示例】您的验证码是\ud800。', '【示例】您的验证码是\u0000123456。']) {
      const r = await send(cp.auth, { from: '10690001', to: '13800138000', text, type: 'notification' });
      assert.equal(r.statusCode, 400, JSON.stringify(text));
      assert.equal(r.json().error.field, 'text');
    }
  });

  test('registry: invalid credit code, duplicate signature and port, unknown provider', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: '某公司', creditCode: '91350100M000100Y44' } });
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().error.code, 'invalid_credit_code');
    const sig = await g.http.inject({ method: 'POST', url: `/v1/content-providers/${other.id}/signatures`, headers: g.admin, payload: { signature: '【示例】' } });
    assert.equal(sig.statusCode, 409);
    const badSig = await g.http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature: '[示例]' } });
    assert.equal(badSig.statusCode, 400);
    const port = await g.http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '10690001', contentProviderId: other.id, kind: 'service' } });
    assert.equal(port.statusCode, 409);
    const nf = await g.http.inject({ method: 'POST', url: '/v1/content-providers/cp_nope/signatures', headers: g.admin, payload: { signature: '【无名】' } });
    assert.equal(nf.statusCode, 404);
    const code = await validCreditCode();
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: '甲', creditCode: code, licenseNumber: 'B2-20260001' } })).statusCode, 201);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: '乙', creditCode: code } })).statusCode, 409);
  });

  test('the report port cannot be registered as a provider\'s port (409 conflict); a longer number starting with it can, and is the provider\'s', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '12321', contentProviderId: cp.id, kind: 'service' } });
    assert.equal(r.statusCode, 409, r.body);
    assert.deepEqual(r.json().error, {
      code: 'conflict', field: 'number', rule: 'ports.reserved', article: 'rule 10',
      message: 'number: 12321 is reserved for the report port (SMSGUARD_REPORT_PORT), where 举报 SMS open complaint cases; messages to it never reach a content provider, so choose another number',
    });
    assert.equal(await g.store.directory.getPort('12321'), null, 'nothing registered');
    // MOs match ports exactly: 123211234 is an ordinary port, and a TD to it opts out of its owner
    const ext = await g.http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '123211234', contentProviderId: cp.id, kind: 'commercial' } });
    assert.equal(ext.statusCode, 201, ext.body);
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138077', to: '123211234', text: 'TD' } });
    assert.equal(mo.statusCode, 200, mo.body);
    assert.equal(mo.json().action, 'opt_out');
    assert.equal(mo.json().contentProviderId, cp.id);
  });

  test('a reply to an extended port (the port and extension digits) reaches the port holder: a refusal opts out, other text is forwarded with the full number', async () => {
    const forwarded: { to: string; contentProviderId: string; action?: string }[] = [];
    const off = g.app.ctx.events.on('moForward', (e) => forwarded.push({ to: e.to, contentProviderId: e.contentProviderId, ...(e.notice ? { action: e.notice.action } : {}) }));
    try {
      const mo = (payload: object) => g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload });
      const td = await mo({ from: '13800138066', to: '106900021234', text: 'TD' });
      assert.equal(td.statusCode, 200, td.body);
      assert.deepEqual([td.json().action, td.json().contentProviderId], ['opt_out', cp.id]);
      const hi = await mo({ from: '13800138067', to: '1069800157', text: '你好，请回电' });
      assert.deepEqual([hi.json().action, hi.json().contentProviderId], ['forwarded', other.id]);
      // the opt-out is told to the holder (mo-notice.ts), with the number as sent
      assert.deepEqual(forwarded, [{ to: '106900021234', contentProviderId: cp.id, action: 'opted_out' }, { to: '1069800157', contentProviderId: other.id }]);
      // a number no registered port begins: nobody's
      assert.equal((await mo({ from: '13800138068', to: '20000123', text: 'TD' })).json().action, 'ignored');
    } finally {
      off();
    }
  });

  test('compliance rejections are 422 with code, rule, article and profile', async () => {
    const cases: [object, string][] = [
      [{ from: '10000', to: '13800138000', text: '【示例】x', type: 'notification' }, 'unknown_port'],
      [{ from: '10698001', to: '13800138000', text: '【示例】x', type: 'notification' }, 'port_not_owned'],
      [{ from: '10690001', to: '1380013800', text: '【示例】x', type: 'notification' }, 'invalid_msisdn'],
      [{ from: '10690001', to: '13800138001', text: '您好', type: 'notification' }, 'signature_missing'],
      [{ from: '10690001', to: '13800138001', text: '【别家】您好', type: 'notification' }, 'signature_unregistered'],
      [{ from: '10690001', to: '13800138001', text: '【示例】【别家】您的订单已发货', type: 'notification' }, 'signature_multiple'],
      [{ from: '10690001', to: '13800138001', text: '【示例】新品', type: 'commercial', category: 'promo' }, 'port_kind_mismatch'],
      [{ from: '10690001', to: '13800138001', text: '【示例】您的订单已发货，限时秒杀全场满减', type: 'notification' }, 'commercial_content_in_non_commercial'],
      [{ from: '10690001', to: '13800138001', text: `【示例】${'长'.repeat(600)}`, type: 'notification' }, 'message_too_long'],
      [{ from: '10690002', to: '13800138001', text: '【示例】新品', type: 'commercial', category: 'promo' }, 'consent_missing'],
    ];
    for (const [payload, code] of cases) {
      const r = await send(cp.auth, payload);
      assert.equal(r.statusCode, 422, `${code}: ${r.body}`);
      const e = r.json().error;
      assert.equal(e.code, code);
      assert.ok(e.rule && e.article && e.profile === 'cn-2015', JSON.stringify(e));
      assert.ok(r.json().id, 'rejections are recorded');
    }
  });

  test('frequency_exceeded after one code a minute to the same number; the simulated clock lets the next through', async () => {
    const code = { from: '10690001', to: '13600136000', text: '【示例】验证码111111', type: 'verification' };
    assert.equal((await send(cp.auth, code)).statusCode, 202);
    const r = await send(cp.auth, code);
    assert.equal(r.json().error.code, 'frequency_exceeded');
    const clock = await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 61 } });
    assert.equal(clock.statusCode, 200);
    assert.ok(clock.json().now);
    assert.equal((await send(cp.auth, code)).statusCode, 202);
    // another provider's codes are counted separately
    assert.equal((await send(other.auth, { ...code, from: '10698001', text: '【别家】验证码222222' })).statusCode, 202);
  });

  test('suspended providers cannot send; reactivated ones can', async () => {
    const p = await onboard(g, { signature: '【暂停】', ports: { service: '10697001' } });
    const msg = { from: '10697001', to: '13500135000', text: '【暂停】您的账单已出', type: 'notification' };
    assert.equal((await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${p.id}`, headers: g.admin, payload: { status: 'suspended', reason: 'test' } })).statusCode, 200);
    assert.equal((await send(p.auth, msg)).json().error.code, 'sender_suspended');
    await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${p.id}`, headers: g.admin, payload: { status: 'active' } });
    assert.equal((await send(p.auth, msg)).statusCode, 202);
  });

  test('batch: up to 1000, each result as for a single submit, in order', async () => {
    const messages = Array.from({ length: 1000 }, (_, i) => ({ from: '10690001', to: `139${String(i).padStart(8, '0')}`, text: `【示例】您的订单${i}已发货`, type: 'notification', clientRef: `r${i}` }));
    messages[3] = { ...messages[3], to: 'bad' };
    (messages[5] as Record<string, unknown>).type = 'nope';
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages } });
    assert.equal(r.statusCode, 200);
    const { results } = r.json();
    assert.equal(results.length, 1000);
    assert.equal(results[0].status, 'accepted');
    assert.equal(results[3].error.code, 'invalid_msisdn');
    assert.equal(results[5].error.code, 'invalid_request');
    assert.equal(results[5].error.field, 'messages/5/type');
    assert.equal(results.filter((x: { status?: string }) => x.status === 'accepted').length, 998);
    const tooMany = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [...messages, messages[0]] } });
    assert.equal(tooMany.statusCode, 400);
    const empty = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [] } });
    assert.equal(empty.statusCode, 400);
  });

  test('batch: an item that is no object (null, a string, a list) is that item\'s invalid_request, the rest decided (it was the whole batch\'s 400)', async () => {
    const good = { from: '10690001', to: '13900000001', text: '【示例】您的订单已发货', type: 'notification' };
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [null, 'x', [], good] } });
    assert.equal(r.statusCode, 200, r.body);
    const { results } = r.json();
    for (const i of [0, 1, 2]) assert.deepEqual([results[i].error.code, results[i].error.field], ['invalid_request', `messages/${i}`]);
    assert.equal(results[3].status, 'accepted');
  });

  test('a provider cannot read another provider’s message (403; 404 when there is none); admin can', async () => {
    const r = await send(cp.auth, { from: '10690001', to: '13300133000', text: '【示例】您的账单已出', type: 'notification' });
    const id = r.json().id;
    const foreign = await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: other.auth });
    assert.equal(foreign.statusCode, 403, 'issue 2: a provider touching what is not its own → forbidden');
    assert.equal(foreign.json().error.code, 'forbidden');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/messages/msg_doesnotexist', headers: other.auth })).statusCode, 404);
    const m = await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin });
    assert.equal(m.statusCode, 200);
    assert.equal(m.json().verdicts[0].rule, 'sender.port-exists');
    assert.ok(m.json().verdicts[0].article);
  });

  test('consents: proof validated, withdrawal recorded, another provider cannot withdraw', async () => {
    const body = { msisdn: '13200132000', category: 'promo', frequency: { count: 2, per: 'week' }, expiresAt: '2027-01-01T00:00:00Z' };
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: body });
    assert.equal(c.statusCode, 201, c.body);
    const past = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { ...body, expiresAt: '2020-01-01T00:00:00Z' } });
    assert.equal(past.statusCode, 400);
    const foreign = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${c.json().id}`, headers: other.auth });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error.code, 'forbidden');
    assert.equal((await g.http.inject({ method: 'DELETE', url: '/v1/consents/con_doesnotexist', headers: other.auth })).statusCode, 404);
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/consents/${c.json().id}`, headers: cp.auth })).statusCode, 204);
    const recs = (await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13200132000', headers: g.admin })).json().records;
    const events = recs.map((r: { body: { event: string } }) => r.body.event);
    assert.ok(events.indexOf('consent_withdrawn') < events.indexOf('consent_granted'), events.join());
  });

  test('records: newest first with a cursor; a provider sees only its own', async () => {
    const first = await g.http.inject({ method: 'GET', url: '/v1/records?limit=2', headers: g.admin });
    const page = first.json();
    assert.equal(page.records.length, 2);
    assert.ok(page.records[0].seq > page.records[1].seq);
    const next = (await g.http.inject({ method: 'GET', url: `/v1/records?limit=2&cursor=${page.nextCursor}`, headers: g.admin })).json();
    assert.ok(next.records[0].seq < page.records[1].seq);
    const own = await g.http.inject({ method: 'GET', url: '/v1/records?limit=1000', headers: other.auth });
    assert.equal(own.statusCode, 200);
    assert.ok(own.json().records.length > 0);
    for (const r of own.json().records) assert.ok(r.contentProviderId === other.id || r.contentProviderId === null, JSON.stringify(r));
  });

  test('ops: /healthz, /metrics, /docs', async () => {
    assert.equal((await g.http.inject({ method: 'GET', url: '/healthz' })).json().status, 'ok');
    // the gateway's own address says where things are (it was a 404), with package.json's version
    const root = await g.http.inject({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 200, root.body);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.deepEqual([root.json().service, root.json().version, root.json().links.openapi, root.json().links.web, root.json().links.health], ['smsguard', pkg.version, '/docs', '/web', '/healthz']);
    const m = await g.http.inject({ method: 'GET', url: '/metrics' });
    assert.match(m.body, /smsguard_decisions_total\{decision="accepted"/);
    assert.doesNotMatch(m.body, /1380013/);
    const docs = await g.http.inject({ method: 'GET', url: '/docs/json' });
    const spec = docs.json();
    assert.ok(spec.paths['/v1/messages']);
    assert.ok(spec.paths['/v1/messages/batch']);
    assert.equal((await g.http.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true);
    // The UI's files come through @fastify/static (its content-disposition pinned for Node 20: package.json).
    const page = await g.http.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger-ui-bundle\.js/);
    const bundle = await g.http.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    assert.equal(bundle.statusCode, 200);
    assert.ok(bundle.body.length > 100_000);
    assert.equal((await g.http.inject({ method: 'GET', url: '/nope' })).json().error.code, 'not_found');
  });
});

test('a URL that does not decode gets a catalogued 400, not a framework body', async () => {
  const { startTestGateway } = await import('../helpers/gateway.js');
  const g = await startTestGateway();
  try {
    const r = await g.http.inject({ method: 'GET', url: '/v1/messages/%00%ff', headers: g.admin });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'invalid_request');
  } finally {
    await g.close();
  }
});

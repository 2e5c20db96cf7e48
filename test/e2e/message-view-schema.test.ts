/**
 * GET /v1/messages/{id} has a response schema (found by QA: the OpenAPI document had none), and the
 * schema serializer drops whatever the schema does not list: so every kind of message view must come
 * back over HTTP exactly as the use case builds it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, gatewaySuite, ADMIN_TOKEN } from '../helpers/gateway.js';
import { until } from '../helpers/wait.js';
import { decide } from '../../src/pipeline/runner.js';

describe('GET /v1/messages/{id}: response schema', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });

  const get = (id: string, headers: Record<string, string> = g.admin) => g.http.inject({ method: 'GET', url: `/v1/messages/${encodeURIComponent(id)}`, headers });
  /** The view as the use case returns it, through JSON (what a body without a schema would be). */
  const viewOf = async (id: string) => JSON.parse(JSON.stringify(await g.app.getMessage(await g.app.auth.principalFor(ADMIN_TOKEN), id)));
  const submit = async (payload: object) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
    return { status: r.statusCode, body: r.json() as { id: string; status?: string; error?: { code: string } } };
  };
  const status = async (id: string) => (await get(id)).json().status as string;

  test('every kind of message round-trips whole: delivered with receipts, long multi-part, rejected, sent in parts over SMPP, system', async () => {
    const short = await submit({ from: '10690001', to: '13800138000', text: '【示例】您的订单已发货。', type: 'notification', clientRef: 'ord-1', registeredDelivery: true, validUntil: new Date(g.clock.now() + 3_600_000).toISOString() });
    assert.equal(short.status, 202);
    const long = await submit({ from: '10690001', to: '13800138001', text: `【示例】${'您的订单已发货，请留意查收。'.repeat(20)}`, type: 'notification', registeredDelivery: 'failure' });
    assert.equal(long.status, 202);
    const rejected = await submit({ from: '10690001', to: '13800138002', text: '【未登记】您的订单已发货。', type: 'notification' });
    assert.equal(rejected.status, 422);
    assert.ok(rejected.body.id, 'a recorded rejection has an id');
    const smpp = await g.app.submitMessage(await g.app.auth.principalFor(cp.apiKey), { from: '10690001', to: '13800138003', text: `【示例】${'分段发送的长短信。'.repeat(20)}`, type: 'notification', registeredDelivery: true, clientPartIds: ['c1', 'c2'] }, 'smpp');
    assert.ok(smpp.ok && smpp.id);
    await g.store.messages.recordSystemMessage({ id: 'msg_system_view', contentProviderId: cp.id, from: '10690001', to: '+8613800138004', text: '【示例】您已退订。', type: 'notification', purpose: 'opt_out_confirmation', at: g.clock.now(), charged: false });

    // Stopped in the queue before it was sent (send-time-check.ts): its history names the rule.
    // Decided and stopped through the store in one go: no outboxReady, and no timer can run between
    // the two, so the running worker never takes it first.
    const { ctx } = g.app;
    const stopped = { body: { id: ctx.ids.next('msg') } };
    const candidate = { contentProviderId: cp.id, from: '10690001', toRaw: '13800138005', to: '+8613800138005', text: '【示例】您的订单已发货。', type: 'notification' as const };
    await g.store.messages.decideAndRecord([{ id: stopped.body.id, candidate, channel: 'http', registeredDelivery: false, receivedAt: g.clock.now() }], (item, facts) => decide(ctx.stages, item.candidate, facts, ctx.profile, ctx.detectors, item.receivedAt));
    const rejection = { code: 'opted_out', rule: 'commercial.opt-out', article: 'Art. 18', profile: 'cn-2015' };
    assert.equal((await g.store.outbox.recordStatuses([{ id: stopped.body.id, status: 'rejected', at: g.clock.now(), detail: 'the number refused', rejection }])).length, 1);

    await g.worker.drain();
    await until(async () => (await status(short.body.id)) === 'delivered' && (await status(long.body.id)) === 'delivered', 4000, 'receipts for both messages');

    const ids = [short.body.id, long.body.id, rejected.body.id, smpp.id!, 'msg_system_view', stopped.body.id];
    const bodies: Record<string, any>[] = [];
    for (const id of ids) {
      const r = await get(id);
      assert.equal(r.statusCode, 200, r.body);
      const want = await viewOf(id);
      assert.deepEqual(r.json(), want, `view of ${id}`);
      bodies.push(want);
    }
    // the views hold what the schema must carry (so the comparison above is not of near-empty bodies)
    const [s, l, rej, parts, sys, stop] = bodies;
    assert.equal(typeof s.validUntil, 'number');
    assert.deepEqual(s.history.map((h: { status: string }) => h.status), ['accepted', 'submitted', 'delivered']);
    assert.equal(s.clientRef, 'ord-1');
    assert.ok(s.verdicts.length > 3 && s.verdicts.every((v: { rule: string; outcome: string; article?: string }) => v.rule && v.outcome && v.article), JSON.stringify(s.verdicts));
    assert.ok(l.segments > 1, `long message segments: ${l.segments}`);
    assert.equal(l.registeredDelivery, 'failure');
    assert.equal(rej.decision, 'rejected');
    assert.equal(rej.status, 'rejected');
    assert.ok(rej.verdicts.some((v: { outcome: string; code?: string; message?: string }) => v.outcome === 'fail' && v.code && v.message), JSON.stringify(rej.verdicts));
    assert.deepEqual(parts.clientPartIds, ['c1', 'c2']);
    assert.equal(sys.segments, null);
    assert.equal(sys.profile, null);
    assert.equal(stop.status, 'rejected');
    assert.deepEqual(stop.history.at(-1).rejection, rejection);
  });

  test('401, 403 and 404 answer in the error shape', async () => {
    const r = await submit({ from: '10690001', to: '13800138010', text: '【示例】您的订单已发货。', type: 'notification' });
    const none = await g.http.inject({ method: 'GET', url: `/v1/messages/${r.body.id}` });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');
    const notOwn = await get(r.body.id, other.auth);
    assert.equal(notOwn.statusCode, 403);
    assert.equal(notOwn.json().error.code, 'forbidden');
    const missing = await get('msg_nope');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(Object.keys(missing.json().error).sort(), ['code', 'message']);
  });

  test('/docs/json lists the 200 schema with every view field, and the 401/403/404 errors', async () => {
    const spec = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = spec.paths['/v1/messages/{id}'].get;
    const ok = op.responses['200'].content['application/json'].schema;
    for (const field of ['id', 'contentProviderId', 'from', 'to', 'type', 'category', 'text', 'decision', 'status', 'segments', 'receivedAt', 'clientRef', 'registeredDelivery', 'clientPartIds', 'validUntil', 'profile', 'verdicts', 'history', 'unreadable']) {
      assert.ok(ok.properties[field], `200 schema lists ${field}`);
    }
    assert.deepEqual(Object.keys(ok.properties.verdicts.items.properties).sort(), ['article', 'code', 'message', 'note', 'outcome', 'profile', 'rule']);
    assert.deepEqual(Object.keys(ok.properties.history.items.properties).sort(), ['at', 'detail', 'rejection', 'status']);
    assert.deepEqual(Object.keys(ok.properties.history.items.properties.rejection.properties).sort(), ['article', 'code', 'profile', 'rule']);
    for (const code of ['401', '403', '404']) {
      assert.ok(op.responses[code]?.content['application/json'].schema.properties.error, `${code} response in the error shape`);
    }
  });
});

/**
 * The use cases end to end over HTTP on the PostgreSQL store: the README walkthrough (a code sent,
 * delivered, its history), the frequency rule, a consent request answered by SMS, an opt-out by
 * reply, and the records an inspector reads — the same paths the SQLite e2e tests take.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { App } from '../../../src/app/app.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { ConsentSweeper } from '../../../src/app/consent-sweeper.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { openTestPgStore } from '../../helpers/pg.js';
import { NOON_SHANGHAI, ADMIN_TOKEN, validCreditCode } from '../../helpers/gateway.js';

describe('HTTP end to end on PostgreSQL', { timeout: 60_000 }, () => {
  let http: FastifyInstance;
  let worker: DeliveryWorker;
  let sweeper: ConsentSweeper;
  let dispose: () => Promise<void>;
  let auth: Record<string, string>;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  before(async () => {
    const h = await openTestPgStore();
    const clock = new SimulatedClock(NOON_SHANGHAI);
    const app = new App({ store: h.store, clock, profile: resolveProfile('cn-2015') });
    await app.auth.ensureAdminToken(ADMIN_TOKEN);
    const simulator = new SimulatorSmsc(clock);
    worker = new DeliveryWorker(app.ctx, simulator, { pollMs: 50 }, (mo) => app.receiveMo(mo, 'system'));
    worker.start();
    sweeper = new ConsentSweeper(app.ctx);
    sweeper.start();
    http = await buildHttpApp({ app, simulator, simulatedClock: clock, metrics: createMetrics(app, () => h.store.outbox.pendingCount()) });
    dispose = async () => {
      await http.close();
      await worker.stop();
      await sweeper.stop();
      await h.dispose();
    };
    const r = await http.inject({ method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: '示例科技有限公司', creditCode: await validCreditCode() } });
    assert.equal(r.statusCode, 201, r.body);
    const { id, apiKey } = r.json();
    auth = { authorization: `Bearer ${apiKey}` };
    assert.equal((await http.inject({ method: 'POST', url: `/v1/content-providers/${id}/signatures`, headers: admin, payload: { signature: '【示例】' } })).statusCode, 201);
    for (const [kind, number] of [['service', '10690001'], ['commercial', '10690002']]) {
      assert.equal((await http.inject({ method: 'POST', url: '/v1/ports', headers: admin, payload: { number, contentProviderId: id, kind } })).statusCode, 201);
    }
  });
  after(async () => dispose());

  const send = (payload: Record<string, unknown>) => http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload });
  const outbox = async (to: string) => {
    await worker.drain();
    return (await http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${encodeURIComponent(to)}` })).json().messages as { text: string }[];
  };
  const mo = async (from: string, to: string, text: string) => (await http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } })).json();

  test('a code is accepted, delivered, and its history read back; a second one within the minute is refused', async () => {
    const r = await send({ from: '10690001', to: '13800138000', text: '【示例】您的验证码是123456，5分钟内有效。', type: 'verification' });
    assert.equal(r.statusCode, 202, r.body);
    assert.equal((await outbox('+8613800138000')).length, 1);
    // The simulator's receipt follows the submit; give it a moment (bounded) to be recorded.
    let m: { status: string; history: { status: string }[]; verdicts: unknown[] } = { status: '', history: [], verdicts: [] };
    for (let i = 0; i < 100 && m.status !== 'delivered'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      m = (await http.inject({ method: 'GET', url: `/v1/messages/${r.json().id}`, headers: auth })).json();
    }
    assert.equal(m.status, 'delivered');
    assert.deepEqual(m.history.map((x: { status: string }) => x.status), ['accepted', 'submitted', 'delivered']);
    assert.ok(m.verdicts.length >= 10);
    const again = await send({ from: '10690001', to: '13800138000', text: '【示例】您的验证码是654321', type: 'verification' });
    assert.equal(again.statusCode, 422);
    assert.equal(again.json().error.code, 'frequency_exceeded');
  });

  test('a consent request answered 是 lets commercial messages through; TD opts out and they stop', async () => {
    const to = '13800138001';
    const ask = await http.inject({ method: 'POST', url: '/v1/consent-requests', headers: auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(ask.statusCode, 202, ask.body);
    assert.equal((await outbox(to)).length, 1);
    const promo = { from: '10690002', to, text: '【示例】会员日全场满减', type: 'commercial', category: '会员促销' };
    assert.equal((await send(promo)).json().error.code, 'consent_missing');
    assert.equal((await mo(`+86${to}`, '10690002', '是')).action, 'consent_granted');
    const ok = await send(promo);
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal(ok.json().text, '【示例】会员日全场满减拒收请回复R');
    assert.equal((await mo(`+86${to}`, '10690002', 'TD')).action, 'opt_out');
    const after = await send(promo);
    assert.equal(after.statusCode, 422);
    assert.equal(after.json().error.code, 'opted_out');
    const texts = (await outbox(to)).map((m) => m.text);
    assert.ok(texts.some((t) => t.includes('退订')), 'one confirmation of the opt-out');
    const rec = (await http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: admin })).json().records as { kind: string; body: Record<string, unknown> }[];
    const kinds = new Set(rec.map((r) => r.kind));
    for (const k of ['mt', 'mo', 'status', 'subscription']) assert.ok(kinds.has(k), k);
    assert.ok(rec.some((r) => r.kind === 'subscription' && r.body.event === 'opt_out'));
  });

  test('GET /v1/messages: the messages to a number with their statuses, one by its clientRef, pages by cursor', async () => {
    const to = '13700137000';
    const ids: string[] = [];
    for (const [i, text] of ['【示例】您的订单已发货', '【示例】您的订单已签收', '【未登记】您的订单已发货'].entries()) {
      const r = await send({ from: '10690001', to, text, type: 'notification', clientRef: `pg-ord-${i}` });
      assert.ok(r.statusCode === 202 || r.statusCode === 422, r.body);
      ids.unshift(r.json().id);
    }
    await worker.drain();
    const list = async (qs: string) => {
      const r = await http.inject({ method: 'GET', url: `/v1/messages?${qs}`, headers: auth });
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as { messages: { id: string; status: string; clientRef: string }[]; nextCursor: string | null };
    };
    let page = await list(`msisdn=%2B86${to}`);
    for (let i = 0; i < 100 && page.messages.filter((m) => m.status === 'delivered').length < 2; i++) {
      await new Promise((res) => setTimeout(res, 20));
      page = await list(`msisdn=%2B86${to}`);
    }
    assert.deepEqual(page.messages.map((m) => [m.id, m.status]), [[ids[0], 'rejected'], [ids[1], 'delivered'], [ids[2], 'delivered']]);
    for (const m of page.messages) assert.deepEqual(m, (await http.inject({ method: 'GET', url: `/v1/messages/${m.id}`, headers: auth })).json());
    const range = `from=${encodeURIComponent(new Date(NOON_SHANGHAI - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(NOON_SHANGHAI + 3_600_000).toISOString())}`;
    assert.deepEqual((await list(`clientRef=pg-ord-1&${range}`)).messages.map((m) => m.id), [ids[1]]);
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const p = await list(`msisdn=${to}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...p.messages.map((m) => m.id));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    assert.deepEqual(seen, ids);
    assert.equal((await http.inject({ method: 'GET', url: '/v1/messages?clientRef=pg-ord-1', headers: auth })).statusCode, 400);
  });
});

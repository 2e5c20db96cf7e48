/**
 * The replies the gateway acts on itself reach the provider's moUrl too, as an `mo` event with an
 * `action` (README "HTTP callbacks", docs/CONSENT.md "The provider is told"): a refusal (`opted_out`),
 * a re-subscription (`resubscribed`) and the answers to a consent request (`consent_granted`,
 * `consent_refused`), so the provider's own systems learn of them at once and not when the next send
 * is refused. Only the provider the reply concerns is told; an ordinary reply's body is unchanged.
 */
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, onboard, startTestGateway, withGateway, type Provider, type TestGateway } from '../helpers/gateway.js';
import { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from '../helpers/callback-receiver.js';
import { until } from '../helpers/wait.js';

describe('MO callbacks of the replies the gateway acts on', () => {
  let g: TestGateway;
  let cp: Provider;
  let other: Provider;
  let rx: CallbackReceiver;
  const put = (id: string, payload: unknown) => g.http.inject({ method: 'PUT', url: `/v1/content-providers/${id}/callbacks`, headers: g.admin, payload: payload as object });
  const mo = async (from: string, to: string, text: string) => (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from, to, text } })).json() as { id: string; action: string };
  const mine = (path: string, id: string): ReceivedCallback | undefined => rx.got.find((c) => c.path === path && c.json.id === id);
  const ask = (to: string) => g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 } });

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
    other = await onboard(g, OTHER_PROVIDER);
    rx = await startCallbackReceiver();
    assert.equal((await put(cp.id, { moUrl: rx.url('/mo') })).statusCode, 200);
    assert.equal((await put(other.id, { moUrl: rx.url('/other-mo') })).statusCode, 200);
  });
  after(async () => {
    await g.close();
    await rx.close();
  });
  beforeEach(async () => {
    await g.callbacks.idle();
    rx.got.length = 0;
  });

  test('TD opts out and the provider is told (opted_out, the reply as typed); 订阅 lifts it and is told (resubscribed); the other provider hears neither', async () => {
    const td = await mo('13900139101', '10690002', 'TD');
    assert.equal(td.action, 'opt_out');
    await until(() => mine('/mo', td.id) !== undefined, 8000, 'the opt-out callback');
    assert.deepEqual(mine('/mo', td.id)!.json, { event: 'mo', eventId: `mo:${td.id}`, id: td.id, from: '+8613900139101', to: '10690002', text: 'TD', at: new Date(g.clock.now()).toISOString(), action: 'opted_out' });
    const sub = await mo('13900139101', '10690002', '订阅');
    assert.equal(sub.action, 'opt_in');
    await until(() => mine('/mo', sub.id) !== undefined, 8000, 'the re-subscription callback');
    assert.equal(mine('/mo', sub.id)!.json.action, 'resubscribed');
    assert.equal(mine('/mo', sub.id)!.json.text, '订阅');
    await g.callbacks.idle();
    assert.deepEqual(rx.got.filter((c) => c.path === '/other-mo'), [], 'another provider hears nothing of them');
  });

  test('a refusal phrase to an extension of the port is told to the port\'s holder with the number as sent', async () => {
    const r = await mo('13900139102', '106900021234', '别再发了');
    assert.equal(r.action, 'opt_out');
    await until(() => mine('/mo', r.id) !== undefined, 8000, 'the opt-out callback');
    assert.equal(mine('/mo', r.id)!.json.to, '106900021234');
    assert.equal(mine('/mo', r.id)!.json.action, 'opted_out');
  });

  test('answers to a consent request are told with the request they answer: 是 consent_granted, 否 consent_refused, R opted_out', async () => {
    const cases: [string, string, string, string][] = [['13900139103', '是', 'consent_granted', 'consent_granted'], ['13900139104', '否', 'consent_refused', 'consent_refused'], ['13900139105', 'R', 'opt_out', 'opted_out']];
    for (const [to, text, outcome, action] of cases) {
      const req = await ask(to);
      assert.equal(req.statusCode, 202, req.body);
      const r = await mo(to, '10690002', text);
      assert.equal(r.action, outcome, text);
      await until(() => mine('/mo', r.id) !== undefined, 8000, `the ${action} callback`);
      const c = mine('/mo', r.id)!.json;
      assert.equal(c.action, action, text);
      assert.equal(c.consentRequestId, req.json().id, text);
      assert.equal(c.text, text);
    }
    await g.callbacks.idle();
    assert.deepEqual(rx.got.filter((c) => c.path === '/other-mo'), []);
  });

  test('an ordinary reply keeps its body as it was (no action), and goes only to its own provider', async () => {
    const r = await mo('13900139106', '10698001', '你好');
    assert.equal(r.action, 'forwarded');
    await until(() => mine('/other-mo', r.id) !== undefined, 8000, 'the MO callback');
    assert.deepEqual(Object.keys(mine('/other-mo', r.id)!.json).sort(), ['at', 'event', 'eventId', 'from', 'id', 'text', 'to']);
    await g.callbacks.idle();
    assert.equal(mine('/mo', r.id), undefined);
  });
});

test('a per-signature opt-out (optOutScope: signature) tells the provider which signature it covers', async () => {
  const rx = await startCallbackReceiver();
  try {
    await withGateway({ overrides: { optOutScope: 'signature' } }, async (g, cp) => {
      assert.equal((await g.http.inject({ method: 'PUT', url: `/v1/content-providers/${cp.id}/callbacks`, headers: g.admin, payload: { moUrl: rx.url('/mo') } })).statusCode, 200);
      await g.http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature: '【示例商城】' } });
      const to = '13900139110';
      const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: new Date(g.clock.now() + 30 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(g.clock.now()).toISOString() } } });
      assert.equal(c.statusCode, 201, c.body);
      assert.equal((await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例商城】满减', type: 'commercial', category: 'promo' } })).statusCode, 202);
      const mo = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } })).json();
      assert.equal(mo.action, 'opt_out');
      await until(() => rx.got.some((x) => x.json.id === mo.id), 8000, 'the opt-out callback');
      const got = rx.got.find((x) => x.json.id === mo.id)!.json;
      assert.deepEqual([got.action, got.signature], ['opted_out', '【示例商城】']);
    });
  } finally {
    await rx.close();
  }
});

/**
 * Taking back a signature or a port (src/app/registry-lifecycle.ts), through HTTP: the operator
 * revokes a signature and retires a port; both stay listed with when and why and are recorded; new
 * submissions are refused with the codes an unregistered one gets, the message saying since when;
 * messages accepted before and still queued are stopped at send time; MO to a retired port still
 * opts the user out; a retired number can be registered again.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, OTHER_PROVIDER, type TestGateway, type Provider } from '../helpers/gateway.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { installContent } from '../helpers/content.js';

type Json = Record<string, any>;

describe('registry lifecycle: revoked signatures, retired ports', () => {
  let g: TestGateway;
  let cp: Provider;
  let worker: DeliveryWorker | null = null;
  let n = 0;
  const number = () => `139002392${String(n++).padStart(2, '0')}`;
  beforeEach(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await g.close();
  });

  const send = (from: string, to: string, text = '【示例】您的订单已发货') =>
    g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from, to, text, type: 'notification' } });
  const signatures = async (): Promise<Json[]> => (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures;
  const audits = async (cpId: string): Promise<Json[]> => ((await g.http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${cpId}&kind=audit`, headers: g.admin })).json().records as Json[]).filter((r) => r.kind === 'audit');
  const revoke = (sigId: string, payload: unknown = { reason: 'brand lost' }, headers = g.admin) =>
    g.http.inject({ method: 'DELETE', url: `/v1/content-providers/${cp.id}/signatures/${sigId}`, headers, payload: payload as Json });
  const retire = (num: string, payload: unknown = { reason: 'allocation withdrawn' }, headers = g.admin) =>
    g.http.inject({ method: 'DELETE', url: `/v1/ports/${num}`, headers, payload: payload as Json });
  async function deliver(): Promise<void> {
    worker ??= new DeliveryWorker(g.app.ctx, g.simulator, { pollMs: 50 });
    worker.start();
    worker.kick();
    await worker.drain(10_000);
  }

  test('a revoked signature: admin only, with a reason; stays listed as revoked; new messages refused signature_unregistered saying when; recorded; not reviewed back', async () => {
    const [sig] = await signatures();
    assert.equal((await send('10690001', number())).statusCode, 202);
    assert.equal((await revoke(sig.id, { reason: 'x' }, cp.auth)).statusCode, 403);
    assert.equal((await revoke(sig.id, {})).statusCode, 400);
    assert.equal((await revoke('sig_nope')).statusCode, 404);
    const at = new Date(g.clock.now()).toISOString();
    const r = await revoke(sig.id);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { id: sig.id, signature: '【示例】', status: 'revoked', createdAt: sig.createdAt, revokedAt: at, revokedReason: 'brand lost' });
    // idempotent: the first time and reason stand
    g.clock.advance(60_000);
    assert.deepEqual((await revoke(sig.id, { reason: 'other' })).json(), r.json());
    assert.deepEqual(await signatures(), [r.json()]);
    const detail = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}`, headers: cp.auth })).json();
    assert.equal(detail.signatures[0].status, 'revoked');

    const refused = await send('10690001', number());
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().error.code, 'signature_unregistered');
    assert.match(refused.json().error.message, new RegExp(`signature 【示例】 was revoked on ${at.replace(/[.]/g, '\\.')}`));
    assert.equal(refused.json().error.rule, 'sender.signature');

    const recorded = (await audits(cp.id)).filter((a) => a.body.action === 'signature.revoke');
    assert.deepEqual(recorded.map((a) => [a.body.signatureId, a.body.reason, a.body.actor]), [[sig.id, 'brand lost', recorded[0]?.body.actor]]);
    assert.ok(recorded[0].body.actor);

    // the review route lives with content governance (installed beside the gateway's own routes)
    const { http } = await installContent(g);
    try {
      const review = await http.inject({ method: 'POST', url: `/v1/signatures/${sig.id}/review`, headers: g.admin, payload: { decision: 'approve' } });
      assert.equal(review.statusCode, 409, review.body);
      assert.match(review.json().error.message, /was revoked on/);
    } finally {
      await http.close();
    }
    assert.equal((await signatures())[0].status, 'revoked');
    assert.equal((await send('10690001', number())).statusCode, 422);
  });

  test('accepted before the revocation and still queued: stopped at send time (rejected, signature_unregistered), never sent', async () => {
    await g.worker.stop();
    const to = number();
    const queued = await send('10690001', to);
    assert.equal(queued.statusCode, 202);
    const [sig] = await signatures();
    g.clock.advance(1_000);
    assert.equal((await revoke(sig.id)).statusCode, 200);
    await deliver();
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${queued.json().id}`, headers: cp.auth })).json();
    assert.equal(v.status, 'rejected');
    assert.equal(v.history.at(-1).rejection.code, 'signature_unregistered');
    assert.equal(v.history.at(-1).rejection.rule, 'sender.signature');
    assert.match(v.history.at(-1).detail, /was revoked on .* after the message was accepted/);
    assert.deepEqual(g.simulator.outbox(`+86${to}`), []);
  });

  test('a retired port: listed with retiredAt; new messages refused unknown_port saying so; queued ones stopped; MO R to it still opts out and is recorded', async () => {
    await g.worker.stop();
    const user = number();
    const queued = await send('10690001', user, '【示例】您的订单已发货');
    assert.equal(queued.statusCode, 202);
    g.clock.advance(1_000);
    assert.equal((await retire('10690001', { reason: 'x' }, cp.auth)).statusCode, 403);
    assert.equal((await retire('10690001', {})).statusCode, 400);
    assert.equal((await retire('10699999')).statusCode, 404);
    const at = new Date(g.clock.now()).toISOString();
    const r = await retire('10690001');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { number: '10690001', contentProviderId: cp.id, kind: 'service', createdAt: r.json().createdAt, retiredAt: at, retiredReason: 'allocation withdrawn' });
    const listed = (await g.http.inject({ method: 'GET', url: '/v1/ports', headers: cp.auth })).json().ports as Json[];
    assert.deepEqual(listed.find((p) => p.number === '10690001'), r.json());
    assert.equal(listed.find((p) => p.number === '10690002')?.retiredAt, null);
    assert.deepEqual((await audits(cp.id)).filter((a) => a.body.action === 'port.retire').map((a) => [a.body.number, a.body.reason]), [['10690001', 'allocation withdrawn']]);

    const refused = await send('10690001', number());
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().error.code, 'unknown_port');
    assert.match(refused.json().error.message, /port 10690001 was retired on /);

    // the user answers the retired number with R: still the provider's refusal, recorded, confirmed
    const mo = await g.app.receiveMo({ from: user, to: '10690001', text: 'R' }, 'system');
    assert.equal(mo.action, 'opt_out');
    assert.equal(mo.contentProviderId, cp.id);
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=%2B86${user}`, headers: g.admin })).json().records as Json[];
    assert.ok(recs.some((x) => x.kind === 'mo' && x.body.action === 'opt_out'), JSON.stringify(recs));

    await deliver();
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${queued.json().id}`, headers: cp.auth })).json();
    assert.equal(v.status, 'rejected');
    assert.equal(v.history.at(-1).rejection.code, 'unknown_port');
    const got = g.simulator.outbox(`+86${user}`).map((d) => d.text);
    assert.ok(!got.some((t) => t.includes('订单已发货')), got.join(' | '));
    // the free confirmation of the refusal, written after the retirement, still goes
    assert.ok(got.some((t) => t.includes('退订')), got.join(' | '));
  });

  test('a retired number may be registered again, to another provider: recorded as port.reassign; MO then reaches the new holder; one in use stays a conflict', async () => {
    const other = await onboard(g, OTHER_PROVIDER);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '10690002', contentProviderId: other.id, kind: 'commercial' } })).statusCode, 409);
    assert.equal((await retire('10690002')).statusCode, 200);
    const again = await g.http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '10690002', contentProviderId: other.id, kind: 'service' } });
    assert.equal(again.statusCode, 201, again.body);
    const reassign = (await audits(other.id)).filter((a) => a.body.action === 'port.reassign');
    assert.deepEqual(reassign.map((a) => [a.body.number, a.body.previousContentProviderId, a.body.retiredReason]), [['10690002', cp.id, 'allocation withdrawn']]);
    const ports = (await g.http.inject({ method: 'GET', url: '/v1/ports', headers: g.admin })).json().ports as Json[];
    assert.deepEqual(ports.filter((p) => p.number === '10690002').map((p) => [p.contentProviderId, p.kind, p.retiredAt]), [[other.id, 'service', null]]);
    const mo = await g.app.receiveMo({ from: number(), to: '10690002', text: '你好' }, 'system');
    assert.equal(mo.contentProviderId, other.id);
  });

  const register = (cpId: string, signature = '【示例】') =>
    g.http.inject({ method: 'POST', url: `/v1/content-providers/${cpId}/signatures`, headers: g.admin, payload: { signature } });

  test('a revoked text registered again to another provider: a new registration, the revoked one still listed; recorded as signature.reassign; the earlier holder\'s queued message still stopped', async () => {
    await g.worker.stop();
    const other = await onboard(g, OTHER_PROVIDER);
    const to = number();
    const queued = await send('10690001', to);
    assert.equal(queued.statusCode, 202);
    const [sig] = await signatures();
    assert.equal((await register(other.id)).statusCode, 409);
    g.clock.advance(1_000);
    assert.equal((await revoke(sig.id)).statusCode, 200);
    g.clock.advance(1_000);
    assert.equal((await register(other.id, '【示例】')).statusCode, 201);
    const again = await register(other.id);
    assert.equal(again.statusCode, 409, again.body);
    const theirs = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${other.id}/signatures`, headers: g.admin })).json().signatures as Json[];
    const given = theirs.find((x) => x.signature === '【示例】')!;
    assert.deepEqual([given.status, given.revokedAt], ['approved', null]);
    assert.deepEqual((await signatures()).map((x) => [x.id, x.status, x.revokedReason]), [[sig.id, 'revoked', 'brand lost']]);
    const reassign = (await audits(other.id)).filter((a) => a.body.action === 'signature.reassign');
    assert.deepEqual(reassign.map((a) => [a.body.signatureId, a.body.previousSignatureId, a.body.previousContentProviderId, a.body.previousSince, a.body.revokedReason]),
      [[given.id, sig.id, cp.id, Date.parse(sig.createdAt), 'brand lost']]);
    // the earlier holder may not use it; its message queued before the revocation never goes
    assert.equal((await send('10690001', number())).json().error?.code, 'signature_unregistered');
    await deliver();
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${queued.json().id}`, headers: cp.auth })).json();
    assert.equal(v.status, 'rejected');
    assert.equal(v.history.at(-1).rejection.code, 'signature_unregistered');
    assert.deepEqual(g.simulator.outbox(`+86${to}`), []);
  });

  test('a revoked text given back to its holder: what it queued before the revocation is still stopped; what it sends after goes', async () => {
    await g.worker.stop();
    const before = number();
    const queued = await send('10690001', before);
    assert.equal(queued.statusCode, 202);
    const [sig] = await signatures();
    g.clock.advance(1_000);
    assert.equal((await revoke(sig.id)).statusCode, 200);
    g.clock.advance(1_000);
    const back = await register(cp.id);
    assert.equal(back.statusCode, 201, back.body);
    assert.deepEqual((await signatures()).map((x) => [x.id, x.status]), [[sig.id, 'revoked'], [back.json().id, 'approved']]);
    assert.deepEqual((await audits(cp.id)).filter((a) => a.body.action === 'signature.reassign').map((a) => [a.body.previousSignatureId, a.body.previousContentProviderId]), [[sig.id, cp.id]]);
    g.clock.advance(1_000);
    const after = number();
    const fresh = await send('10690001', after);
    assert.equal(fresh.statusCode, 202, fresh.body);
    await deliver();
    const stopped = (await g.http.inject({ method: 'GET', url: `/v1/messages/${queued.json().id}`, headers: cp.auth })).json();
    assert.equal(stopped.status, 'rejected');
    assert.match(stopped.history.at(-1).detail, /was revoked on .* after the message was accepted/);
    assert.deepEqual(g.simulator.outbox(`+86${before}`), []);
    assert.equal(g.simulator.outbox(`+86${after}`).length, 1);
  });

  test('a provider asking for a revoked text gets it pending review, recorded as signature.reassign; it does not pass until approved', async () => {
    const other = await onboard(g, OTHER_PROVIDER);
    const [sig] = await signatures();
    assert.equal((await revoke(sig.id)).statusCode, 200);
    const { http } = await installContent(g);
    try {
      const asked = await http.inject({ method: 'POST', url: '/v1/signatures', headers: other.auth, payload: { signature: '【示例】' } });
      assert.equal(asked.statusCode, 201, asked.body);
      assert.equal(asked.json().status, 'pending');
      const reassign = (await audits(other.id)).filter((a) => a.body.action === 'signature.reassign');
      assert.deepEqual(reassign.map((a) => [a.body.signatureId, a.body.previousSignatureId, a.body.previousContentProviderId]), [[asked.json().id, sig.id, cp.id]]);
      const pending = await http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: number(), text: '【示例】您好', type: 'notification' } });
      assert.equal(pending.json().error?.code, 'signature_unregistered');
      const review = await http.inject({ method: 'POST', url: `/v1/signatures/${asked.json().id}/review`, headers: g.admin, payload: { decision: 'approve' } });
      assert.equal(review.statusCode, 200, review.body);
      const ok = await http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: number(), text: '【示例】您好', type: 'notification' } });
      assert.equal(ok.statusCode, 202, ok.body);
    } finally {
      await http.close();
    }
  });
});

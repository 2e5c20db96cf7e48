/**
 * Every change to the access registry is in the audit trail, who, when and what, as a provider's
 * creation (`content_provider.create`) and a revocation or retirement are: the operator registering a
 * signature (`signature.register`) or a port (`port.register`), a provider applying for a signature
 * (`signature.submit`) and the operator's review of it (`signature.review`). Before, a registration
 * left a record only when it took over a revoked text or retired number (`*.reassign`), so an
 * inspector could not tell who registered a brand or a number, nor when.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';

type Json = Record<string, any>;

describe('registry changes are audited', () => {
  let g: TestGateway;
  let http: FastifyInstance;
  let cp: Provider;
  /** The operator's actor id, as its content_provider.create record names it. */
  let admin: string;
  const audits = async (cpId: string, action: string): Promise<Json[]> =>
    ((await http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${cpId}&kind=audit&type=${action}`, headers: g.admin })).json().records as Json[]);

  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    cp = await onboard(g, { ports: { service: '10690001' } });
    admin = (await audits(cp.id, 'content_provider.create'))[0].body.actor;
    assert.ok(admin);
  });
  after(async () => {
    await http?.close();
    await g?.close();
  });

  test('the operator registers a signature: signature.register with who, when and what', async () => {
    const at = g.clock.now();
    const r = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature: '【示例商城】' } });
    assert.equal(r.statusCode, 201, r.body);
    const rec = (await audits(cp.id, 'signature.register')).filter((x) => x.body.signatureId === r.json().id);
    assert.equal(rec.length, 1, JSON.stringify(rec));
    assert.equal(rec[0].at, at);
    assert.deepEqual(rec[0].body, { action: 'signature.register', actor: admin, signatureId: r.json().id, signature: '【示例商城】', contentProviderId: cp.id, status: 'approved' });
    // onboarding's own registration is recorded too
    assert.deepEqual((await audits(cp.id, 'signature.register')).map((x) => x.body.signature).sort(), ['【示例】', '【示例商城】'].sort());
  });

  test('the operator registers a port: port.register, and a retired number taken over adds port.reassign', async () => {
    const r = await http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '10690077', contentProviderId: cp.id, kind: 'commercial' } });
    assert.equal(r.statusCode, 201, r.body);
    const rec = (await audits(cp.id, 'port.register')).filter((x) => x.body.number === '10690077');
    assert.deepEqual(rec.map((x) => x.body), [{ action: 'port.register', actor: admin, number: '10690077', contentProviderId: cp.id, kind: 'commercial' }]);
    assert.deepEqual((await audits(cp.id, 'port.register')).map((x) => x.body.number).sort(), ['10690001', '10690077']);
    assert.equal((await http.inject({ method: 'DELETE', url: '/v1/ports/10690077', headers: g.admin, payload: { reason: 'allocation withdrawn' } })).statusCode, 200);
    const other = await onboard(g, { name: '别家公司', signature: '【别家】', ports: {} });
    assert.equal((await http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number: '10690077', contentProviderId: other.id, kind: 'service' } })).statusCode, 201);
    assert.deepEqual((await audits(other.id, 'port.register')).map((x) => [x.body.number, x.body.kind]), [['10690077', 'service']]);
    assert.equal((await audits(other.id, 'port.reassign')).length, 1);
  });

  test('a provider applies for a signature (signature.submit, by the provider), the operator approves or rejects it (signature.review)', async () => {
    const asked = await http.inject({ method: 'POST', url: '/v1/signatures', headers: cp.auth, payload: { signature: '【示例优选】' } });
    assert.equal(asked.statusCode, 201, asked.body);
    const submitted = (await audits(cp.id, 'signature.submit')).filter((x) => x.body.signatureId === asked.json().id);
    assert.equal(submitted.length, 1);
    const { actor, ...what } = submitted[0].body;
    assert.deepEqual(what, { action: 'signature.submit', signatureId: asked.json().id, signature: '【示例优选】', contentProviderId: cp.id, status: 'pending' });
    assert.notEqual(actor, admin, 'the provider applied');
    assert.ok(actor);
    assert.equal((await http.inject({ method: 'POST', url: `/v1/signatures/${asked.json().id}/review`, headers: g.admin, payload: { decision: 'approve' } })).statusCode, 200);
    const refused = await http.inject({ method: 'POST', url: '/v1/signatures', headers: cp.auth, payload: { signature: '【示例特卖】' } });
    assert.equal((await http.inject({ method: 'POST', url: `/v1/signatures/${refused.json().id}/review`, headers: g.admin, payload: { decision: 'reject', reason: '与营业执照不符' } })).statusCode, 200);
    const reviews = (await audits(cp.id, 'signature.review')).map((x) => [x.body.signatureId, x.body.status, x.body.actor]);
    assert.deepEqual(reviews.sort(), [[asked.json().id, 'approved', admin], [refused.json().id, 'rejected', admin]].sort());
  });
});

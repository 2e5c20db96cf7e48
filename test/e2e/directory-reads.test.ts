/**
 * The registry's reads over HTTP: GET /v1/content-providers (and ?status=), /v1/content-providers/{id}
 * with its signatures and ports, /v1/content-providers/{id}/signatures and /v1/ports
 * (?contentProviderId=), as the operator, the provider itself, another provider, a regulator
 * limited to a province and a report centre see them. Two providers: `cp` in Fujian (35) with three
 * ports, `other` in Beijing (11) with one, later suspended.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, OTHER_PROVIDER } from '../helpers/gateway.js';
import { documentedResponse, unlisted } from '../helpers/schema-coverage.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('registry reads over HTTP', () => {
  const { g, cp, other } = gatewaySuite({ other: { ...OTHER_PROVIDER, name: '北京别家公司', province: '11' } });
  const tok: Record<'fujian' | 'beijing' | 'national' | 'march' | 'centre', Record<string, string>> = {} as never;
  const get = (url: string, headers?: Record<string, string>) => g.http.inject({ method: 'GET', url, headers });

  before(async () => {
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    tok.fujian = bearer((await g.app.auth.createToken('regulator', 'fujian', null, { province: '35' })).token);
    tok.beijing = bearer((await g.app.auth.createToken('regulator', 'beijing', null, { province: '11' })).token);
    tok.national = bearer((await g.app.auth.createToken('regulator', 'national', null, {})).token);
    // Limited to dates the registry predates: who is set up is not a record of a period.
    tok.march = bearer((await g.app.auth.createToken('regulator', 'march', null, { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') })).token);
    tok.centre = bearer((await g.app.auth.createToken('report-centre', 'centre')).token);
  });

  test('admin lists every provider with the fields the POST takes, never a key or its hash', async () => {
    const r = await get('/v1/content-providers', g.admin);
    assert.equal(r.statusCode, 200, r.body);
    const list = r.json().contentProviders as Record<string, unknown>[];
    assert.deepEqual(list.map((c) => c.id), [cp.id, other.id], 'oldest first');
    const mine = list[0];
    assert.deepEqual(Object.keys(mine).sort(), ['createdAt', 'creditCode', 'id', 'licenseNumber', 'name', 'status']);
    assert.equal(mine.name, '示例科技有限公司');
    assert.match(String(mine.creditCode), /^9135/);
    assert.equal(mine.licenseNumber, null);
    assert.equal(mine.status, 'active');
    assert.equal(mine.createdAt, new Date(g.clock.now()).toISOString());
    assert.ok(!r.body.includes(cp.apiKey) && !/hash|apiKey|secret/i.test(r.body), r.body);
  });

  test('GET /v1/content-providers: a provider and a report centre are refused; no token is 401', async () => {
    assert.equal((await get('/v1/content-providers', cp.auth)).statusCode, 403);
    assert.equal((await get('/v1/content-providers', cp.auth)).json().error.code, 'forbidden');
    assert.equal((await get('/v1/content-providers', tok.centre)).statusCode, 403);
    assert.equal((await get('/v1/content-providers')).statusCode, 401);
  });

  test('a regulator reads providers; limited to a province, only those registered there; dates do not limit it', async () => {
    const ids = async (h: Record<string, string>) => ((await get('/v1/content-providers', h)).json().contentProviders as { id: string }[]).map((c) => c.id);
    assert.deepEqual(await ids(tok.national), [cp.id, other.id]);
    assert.deepEqual(await ids(tok.march), [cp.id, other.id]);
    assert.equal((await get(`/v1/content-providers/${cp.id}`, tok.march)).statusCode, 200);
    assert.deepEqual(await ids(tok.fujian), [cp.id]);
    assert.deepEqual(await ids(tok.beijing), [other.id]);
  });

  test('the provider reads itself with its signatures and ports', async () => {
    const r = await get(`/v1/content-providers/${cp.id}`, cp.auth);
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json();
    assert.equal(d.id, cp.id);
    assert.equal(d.status, 'active');
    assert.equal(d.signatures.length, 1);
    assert.equal(d.signatures[0].signature, '【示例】');
    assert.equal(d.signatures[0].status, 'approved');
    assert.match(d.signatures[0].id, /^sig/);
    assert.match(d.signatures[0].createdAt, ISO);
    assert.deepEqual(d.ports.map((p: { number: string; kind: string; contentProviderId: string }) => [p.number, p.kind, p.contentProviderId]), [
      ['10690001', 'service', cp.id], ['10690002', 'commercial', cp.id], ['10690003', 'public_welfare', cp.id],
    ]);
    assert.ok(!r.body.includes(cp.apiKey));
    // The admin gets the same answer; /docs/json lists every key of it.
    const a = await get(`/v1/content-providers/${cp.id}`, g.admin);
    assert.deepEqual(a.json(), d);
    assert.deepEqual(unlisted(await documentedResponse(g.http, '/v1/content-providers/{id}'), d), []);
  });

  test('another provider is 403 forbidden, an unknown id 404 not_found (a provider gets 403 for it too: nothing is confirmed)', async () => {
    for (const url of [`/v1/content-providers/${other.id}`, `/v1/content-providers/${other.id}/signatures`]) {
      const r = await get(url, cp.auth);
      assert.equal(r.statusCode, 403, `${url}: ${r.body}`);
      assert.equal(r.json().error.code, 'forbidden');
    }
    for (const url of ['/v1/content-providers/cp_nobody', '/v1/content-providers/cp_nobody/signatures']) {
      const r = await get(url, g.admin);
      assert.equal(r.statusCode, 404, `${url}: ${r.body}`);
      assert.equal(r.json().error.code, 'not_found');
      assert.equal((await get(url, cp.auth)).statusCode, 403);
    }
  });

  test('a regulator limited to a province reads its providers; another province is a scope refusal', async () => {
    assert.equal((await get(`/v1/content-providers/${cp.id}`, tok.fujian)).statusCode, 200);
    assert.equal((await get(`/v1/content-providers/${other.id}`, tok.national)).statusCode, 200);
    const r = await get(`/v1/content-providers/${other.id}`, tok.fujian);
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(r.json().error.code, 'forbidden');
    assert.equal(r.json().error.rule, 'supervision.province-scope');
    assert.equal((await get(`/v1/content-providers/${cp.id}`, tok.centre)).statusCode, 403);
  });

  test('GET /v1/content-providers/{id}/signatures: every signature of the provider, in every review state', async () => {
    const added = await g.http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature: '【示例商城】' } });
    assert.equal(added.statusCode, 201, added.body);
    const r = await get(`/v1/content-providers/${cp.id}/signatures`, cp.auth);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().signatures.map((s: { signature: string; status: string }) => [s.signature, s.status]), [['【示例】', 'approved'], ['【示例商城】', 'approved']]);
    const created = r.json().signatures[1];
    assert.deepEqual({ id: created.id, signature: created.signature, status: created.status }, added.json(), 'the fields the POST answers with');
    assert.deepEqual((await get(`/v1/content-providers/${other.id}/signatures`, tok.beijing)).json().signatures.map((s: { signature: string }) => s.signature), ['【别家】']);
  });

  test('GET /v1/ports: admin all or one provider\'s; a provider its own, another 403; a regulator its province\'s', async () => {
    const numbers = async (url: string, h: Record<string, string>) => {
      const r = await get(url, h);
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      return (r.json().ports as { number: string; contentProviderId: string }[]).map((p) => `${p.number}:${p.contentProviderId === cp.id ? 'cp' : 'other'}`);
    };
    assert.deepEqual(await numbers('/v1/ports', g.admin), ['10690001:cp', '10690002:cp', '10690003:cp', '10698001:other']);
    assert.deepEqual(await numbers(`/v1/ports?contentProviderId=${other.id}`, g.admin), ['10698001:other']);
    // an id no provider has: 404 naming the field (it was 200 [], read as "no ports" for a misspelt id)
    const nobody = await get('/v1/ports?contentProviderId=cp_nobody', g.admin);
    assert.equal(nobody.statusCode, 404, nobody.body);
    assert.deepEqual([nobody.json().error.code, nobody.json().error.field], ['not_found', 'contentProviderId']);
    assert.deepEqual(await numbers('/v1/ports', cp.auth), ['10690001:cp', '10690002:cp', '10690003:cp']);
    assert.deepEqual(await numbers(`/v1/ports?contentProviderId=${cp.id}`, cp.auth), ['10690001:cp', '10690002:cp', '10690003:cp']);
    assert.deepEqual(await numbers('/v1/ports', other.auth), ['10698001:other']);
    const r = await get(`/v1/ports?contentProviderId=${other.id}`, cp.auth);
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(r.json().error.code, 'forbidden');
    assert.deepEqual(await numbers('/v1/ports', tok.beijing), ['10698001:other']);
    assert.deepEqual(await numbers('/v1/ports', tok.national), ['10690001:cp', '10690002:cp', '10690003:cp', '10698001:other']);
    const out = await get(`/v1/ports?contentProviderId=${cp.id}`, tok.beijing);
    assert.equal(out.statusCode, 403, out.body);
    assert.equal(out.json().error.rule, 'supervision.province-scope');
    // a token limited to a province is refused an unknown id as another province's provider, not told it exists nowhere
    const unknown = await get('/v1/ports?contentProviderId=cp_nobody', tok.beijing);
    assert.equal(unknown.statusCode, 403, unknown.body);
    assert.equal(unknown.json().error.rule, 'supervision.province-scope');
    assert.equal((await get('/v1/ports', tok.centre)).statusCode, 403);
    const port = (await get('/v1/ports', other.auth)).json().ports[0];
    assert.deepEqual(Object.keys(port).sort(), ['contentProviderId', 'createdAt', 'kind', 'number', 'retiredAt', 'retiredReason'], 'the fields POST /v1/ports takes, when, and when and why it was retired (null: in use)');
    assert.deepEqual([port.retiredAt, port.retiredReason], [null, null]);
    assert.equal(port.kind, 'service');
    assert.match(port.createdAt, ISO);
  });

  test('?status= filters by status; anything but active or suspended is 400 naming status', async () => {
    const s = await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${other.id}`, headers: g.admin, payload: { status: 'suspended' } });
    assert.equal(s.statusCode, 200, s.body);
    const ids = async (status: string) => ((await get(`/v1/content-providers?status=${status}`, g.admin)).json().contentProviders as { id: string; status: string }[]).map((c) => `${c.id === cp.id ? 'cp' : 'other'}:${c.status}`);
    assert.deepEqual(await ids('active'), ['cp:active']);
    assert.deepEqual(await ids('suspended'), ['other:suspended']);
    assert.equal((await get(`/v1/content-providers/${other.id}`, other.auth)).json().status, 'suspended', 'a suspended provider still reads itself');
    const bad = await get('/v1/content-providers?status=deleted', g.admin);
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'invalid_request');
    assert.equal(bad.json().error.field, 'status');
  });
});

/**
 * The fields no web form sends take the same check as those it does (src/app/validate.ts `plainText`):
 * a name, a label or a signature is one line and takes no control character; a reason, a template's
 * body, a consent request's text keep tab and line breaks and take no other. Each is refused by the
 * field's name (`invalid_request`), and nothing is stored.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, validCreditCode, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';

const LINE = /^[\w/]+: is one line and must not contain control characters \(U\+[0-9A-F]{4} at character \d+\)$/;
const TEXT = /^[\w/]+: must not contain control characters other than tab and line breaks \(U\+[0-9A-F]{4} at character \d+\)$/;

describe('control characters in the fields only the API sends', () => {
  let g: TestGateway;
  let cp: Provider;
  // the HTTP server with content governance (templates, signature requests) installed
  let http: FastifyInstance;
  before(async () => {
    g = await startTestGateway();
    ({ http } = await installContent(g));
    cp = await onboard(g);
  });
  after(async () => {
    await http?.close();
    await g?.close();
  });
  const refused = async (method: 'POST' | 'PUT' | 'PATCH', url: string, headers: Record<string, string>, payload: object, field: string, shape: RegExp) => {
    const r = await http.inject({ method, url, headers, payload });
    assert.equal(r.statusCode, 400, `${url} ${field}: ${r.body}`);
    const e = r.json().error;
    assert.deepEqual([e.code, e.field], ['invalid_request', field], r.body);
    assert.match(e.message, shape);
    return e.message as string;
  };

  test('a provider\'s name and licence number, a signature, an API key\'s label: one line', async () => {
    const providers = async () => (await http.inject({ method: 'GET', url: '/v1/content-providers', headers: g.admin })).json();
    const before = JSON.stringify(await providers());
    assert.equal(await refused('POST', '/v1/content-providers', g.admin, { name: '示例\n科技有限公司', creditCode: await validCreditCode() }, 'name', LINE), 'name: is one line and must not contain control characters (U+000A at character 3)');
    await refused('POST', '/v1/content-providers', g.admin, { name: '示例科技有限公司', creditCode: await validCreditCode(), licenseNumber: 'B2-2026\t0001' }, 'licenseNumber', LINE);
    assert.equal(JSON.stringify(await providers()), before, 'no provider created');
    await refused('POST', `/v1/content-providers/${cp.id}/signatures`, g.admin, { signature: '【示\u0007例】' }, 'signature', LINE);
    await refused('POST', '/v1/signatures', cp.auth, { signature: '【新\u0085品】' }, 'signature', LINE);
    const sigs = (await g.app.getContentProvider({ role: 'admin', actorId: 'admin' }, cp.id)).signatures;
    assert.deepEqual(sigs.map((s: { signature: string }) => s.signature), ['【示例】'], 'no signature added');
    await refused('POST', `/v1/content-providers/${cp.id}/api-keys`, g.admin, { label: 'ci\u001b[31m' }, 'label', LINE);
    const keys = (await http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/api-keys`, headers: g.admin })).json().apiKeys;
    assert.equal(keys.length, 1, 'no key issued');
  });

  test('a DND import\'s source and a refusal phrase: one line', async () => {
    await refused('POST', '/v1/dnd', g.admin, { msisdns: ['13900139001'], source: 'carrier\tlist' }, 'source', LINE);
    await refused('PUT', '/v1/refusal-phrases', g.admin, { phrases: ['别发了', '烦死\r\n了'] }, 'phrases/1', LINE);
    assert.deepEqual((await http.inject({ method: 'GET', url: '/v1/refusal-phrases', headers: g.admin })).json().operator, [], 'nothing set');
  });

  test('a hold\'s reason, a suspension\'s reason, a template\'s body, a consent request\'s text: free text', async () => {
    assert.equal(await refused('POST', '/v1/holds', g.admin, { contentProviderId: cp.id, reason: '诉讼\u0008保全' }, 'reason', TEXT), 'reason: must not contain control characters other than tab and line breaks (U+0008 at character 3)');
    assert.deepEqual((await http.inject({ method: 'GET', url: '/v1/holds', headers: g.admin })).json().holds, [], 'no hold placed');
    await refused('PATCH', `/v1/content-providers/${cp.id}`, g.admin, { status: 'suspended', reason: '投诉\u007f过多' }, 'reason', TEXT);
    assert.equal((await g.app.getContentProvider({ role: 'admin', actorId: 'admin' }, cp.id)).status, 'active', 'not suspended');
    await refused('POST', '/v1/templates', cp.auth, { signature: '【示例】', type: 'notification', body: '您的订单${no}已发货\u0007' }, 'body', TEXT);
    await refused('POST', '/v1/templates', cp.auth, { signature: '【示例】\u0009', type: 'notification', body: '您的订单已发货' }, 'signature', LINE);
    await refused('POST', '/v1/consent-requests', cp.auth, { from: '10690002', to: '13800138000', category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180, text: '【示例】是否同意\u001b接收会员促销短信？' }, 'text', TEXT);
    // line breaks and tabs are part of free text
    const hold = await http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { contentProviderId: cp.id, reason: '诉讼保全\n案号：(2026)闽01\t民初1号' } });
    assert.equal(hold.statusCode, 201, hold.body);
    const tpl = await http.inject({ method: 'POST', url: '/v1/templates', headers: cp.auth, payload: { signature: '【示例】', type: 'notification', body: '您的订单已发货\r\n请查收' } });
    assert.equal(tpl.statusCode, 201, tpl.body);
  });

  test('the optional why of a hold\'s release, an action\'s lift and a baseline\'s reset: free text, checked before the act', async () => {
    const hold = (await http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '13800138001', reason: '投诉调查' } })).json();
    await refused('POST', `/v1/holds/${hold.id}/release`, g.admin, { reason: '调查\u0007结束' }, 'reason', TEXT);
    const active = (await http.inject({ method: 'GET', url: '/v1/holds', headers: g.admin })).json().holds.map((h: { id: string }) => h.id);
    assert.ok(active.includes(hold.id), 'still held');
    // refused by its field before anything is looked up (it was recorded as given, unchecked)
    await refused('POST', '/v1/early-warning/actions/act_none/lift', g.admin, { reason: '已核实\u001b' }, 'reason', TEXT);
    await refused('POST', '/v1/early-warning/baselines/provider/cp_none/reset', g.admin, { reason: '\u0085大促' }, 'reason', TEXT);
    const ok = await http.inject({ method: 'POST', url: `/v1/holds/${hold.id}/release`, headers: g.admin, payload: { reason: '调查结束\n见案卷' } });
    assert.equal(ok.statusCode, 200, ok.body);
  });
});

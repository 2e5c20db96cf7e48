/**
 * A credit-file entry's internal notes are the regulator's own: a content provider reading its own
 * file (GET /v1/credit/entries, the credit page) gets its entries without them; regulators and the
 * operator read them whole.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';

const NOTES = '约谈纪要：负责人承认未取得用户同意，案件 C20261130ABCD 复核中';

describe('credit-file notes: the regulator\'s, not the provider\'s', () => {
  let g: TestGateway;
  let cp: Provider;
  let regulator: Record<string, string>;
  let entryId: string;

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g, { name: '示例科技' });
    regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector', null, {})).token}` };
    const r = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { contentProviderId: cp.id, kind: 'supervision_talk', notes: NOTES, publicSummary: '约谈 / Supervision talk' } });
    assert.equal(r.statusCode, 201, r.body);
    entryId = r.json().id;
  });
  after(async () => {
    await g.close();
  });

  const cookieFor = async (token: string) => {
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(token)}` });
    return String(login.headers['set-cookie']).split(';')[0];
  };

  test('GET /v1/credit/entries: the provider sees its entry without notes; a regulator and the operator with them', async () => {
    const own = await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: cp.auth });
    assert.equal(own.statusCode, 200, own.body);
    const mine = own.json().entries.find((e: { id: string }) => e.id === entryId);
    assert.ok(mine, 'the provider lists its own entry');
    assert.equal(mine.kind, 'supervision_talk');
    assert.equal(mine.publicSummary, '约谈 / Supervision talk');
    assert.equal('notes' in mine, false, 'the key is left out');
    assert.ok(!own.body.includes('约谈纪要'), own.body);
    for (const headers of [regulator, g.admin]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers });
      assert.equal(r.json().entries.find((e: { id: string }) => e.id === entryId)?.notes, NOTES);
    }
  });

  test('the credit page: the provider\'s shows the entry without notes; the regulator\'s shows them', async () => {
    const asProvider = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: await cookieFor(cp.apiKey) } });
    assert.equal(asProvider.statusCode, 200, asProvider.body);
    assert.ok(asProvider.body.includes(`data-entry="${entryId}"`), 'the entry is listed');
    assert.ok(!asProvider.body.includes('约谈纪要'), 'the notes are not');
    const asRegulator = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: await cookieFor(regulator.authorization.slice(7)) } });
    assert.ok(asRegulator.body.includes(`data-entry="${entryId}"`));
    assert.ok(asRegulator.body.includes('约谈纪要'));
  });
});

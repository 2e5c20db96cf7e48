import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { SmppCredentials } from '../../../src/smpp/server/credentials.js';
import { smppCredentialRoutes } from '../../../src/http/routes/smpp-credentials.js';
import { NOON_SHANGHAI, ADMIN_TOKEN, validCreditCode } from '../../helpers/gateway.js';

test('POST /v1/content-providers/{id}/smpp-credentials → 201, hashed, listed without password, authenticates', async () => {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  await app.auth.ensureAdminToken(ADMIN_TOKEN);
  const creds = new SmppCredentials({ store: new SqliteSmppCredentials(store.db), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred') });
  const http = await buildHttpApp({ app, plugins: [smppCredentialRoutes(creds)] });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  try {
    const cp = (await http.inject({ method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: '示例科技有限公司', creditCode: await validCreditCode() } })).json();
    const r = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin, payload: { systemId: 'shili', password: 'pw123', maxBinds: 2, throughput: 100 } });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().systemId, 'shili');
    assert.equal(r.json().password, undefined);
    const row = store.db.prepare('SELECT password_hash FROM smpp_credentials WHERE system_id = ?').get('shili') as { password_hash: string };
    assert.match(row.password_hash, /^scrypt\$/);
    const dup = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin, payload: { systemId: 'shili', password: 'x' } });
    assert.equal(dup.statusCode, 409);
    const bad = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin, payload: { systemId: 'x', password: 'muchtoolongpassword' } });
    assert.equal(bad.statusCode, 400);
    // a misspelt limit was dropped, leaving the credential with no bind limit: now refused, naming it
    const typo = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin, payload: { systemId: 'typo', password: 'pw', max_binds: 1 } });
    assert.deepEqual([typo.statusCode, typo.json().error.code, typo.json().error.field], [400, 'invalid_request', 'max_binds'], typo.body);
    const own = await http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: { authorization: `Bearer ${cp.apiKey}` } });
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().credentials.length, 1);
    const anon = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, payload: { systemId: 'y', password: 'p' } });
    assert.equal(anon.statusCode, 401);
    // defaultCategory: trimmed, shown back and in the list, given to the bind; blank or too long → 400
    const withDefault = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin, payload: { systemId: 'kannel', password: 'pw', defaultCategory: ' 会员促销 ' } });
    assert.equal(withDefault.statusCode, 201, withDefault.body);
    assert.equal(withDefault.json().defaultCategory, '会员促销');
    assert.equal(r.json().defaultCategory, null);
    for (const bad of ['  ', 'x'.repeat(65), 7]) {
      const b = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin, payload: { systemId: 'kannel2', password: 'pw', defaultCategory: bad } });
      assert.equal(b.statusCode, 400, `${JSON.stringify(bad)}: ${b.body}`);
      assert.equal(b.json().error.code, 'invalid_request');
    }
    const listed = (await http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: admin })).json().credentials as { systemId: string; defaultCategory: string | null }[];
    assert.deepEqual(listed.map((c) => [c.systemId, c.defaultCategory]), [['shili', null], ['kannel', '会员促销']]);
    const k = await creds.authenticate('kannel', 'pw', '127.0.0.1');
    assert.ok(k.ok && k.account.defaultCategory === '会员促销');
    const ok = await creds.authenticate('shili', 'pw123', '::ffff:127.0.0.1');
    assert.ok(ok.ok && ok.account.contentProviderId === cp.id && ok.account.maxBinds === 2);
    assert.equal((await creds.authenticate('shili', 'nope', '127.0.0.1')).ok, false);
  } finally {
    await http.close();
    await store.close();
  }
});

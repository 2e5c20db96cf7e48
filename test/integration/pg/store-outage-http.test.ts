/**
 * PostgreSQL out of reach for a moment (docs/SCALING.md "When PostgreSQL or NATS goes away"): a
 * request that needs the store is answered 503 `store_unavailable` with Retry-After, a stable code the
 * client retries on, not a 500 `internal_error` that reads as a bug; once the server is back the same
 * requests succeed, and what was accepted before is still there. The store is reached through a TCP
 * proxy of the test's own that it cuts (every connection dropped, new ones refused) and opens again,
 * so the shared server is never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { cuttableProxy } from '../../helpers/cuttable-proxy.js';
import { ADMIN_TOKEN, NOON_SHANGHAI } from '../../helpers/gateway.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { resolveProfile } from '../../../src/profiles/index.js';

test('PostgreSQL out of reach: 503 store_unavailable with Retry-After, never a 500; back: the same requests succeed, nothing accepted before lost', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  const proxy = await cuttableProxy(new URL(TEST_PG_URL));
  const store = await PostgresStore.open({ url: proxy.url, schema: h.schema, max: 4, migrate: false });
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const http = await buildHttpApp({ app, simulator: new SimulatorSmsc(clock), simulatedClock: clock, metrics: createMetrics(app, () => store.outbox.pendingCount()) });
  try {
    await app.auth.ensureAdminToken(ADMIN_TOKEN);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const made = await http.inject({ method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: '示例科技有限公司', creditCode: '91350100M000100Y43' } });
    assert.equal(made.statusCode, 201, made.body);
    const { id: cp, apiKey } = made.json();
    assert.equal((await http.inject({ method: 'POST', url: `/v1/content-providers/${cp}/signatures`, headers: admin, payload: { signature: '【示例】' } })).statusCode, 201);
    assert.equal((await http.inject({ method: 'POST', url: '/v1/ports', headers: admin, payload: { number: '10690001', contentProviderId: cp, kind: 'service' } })).statusCode, 201);
    const key = { authorization: `Bearer ${apiKey}` };
    const submit = (to: string) => http.inject({ method: 'POST', url: '/v1/messages', headers: key, payload: { from: '10690001', to, text: '【示例】您的验证码是123456', type: 'verification' } });
    const before = await submit('13800138001');
    assert.equal(before.statusCode, 202, before.body);

    await proxy.cut();
    // Connections the pool held are gone (terminated), new ones refused: both said the same way.
    for (const ask of [() => submit('13800138002'), () => http.inject({ method: 'GET', url: '/v1/records?limit=5', headers: admin }), () => submit('13800138003')]) {
      const r = await ask();
      assert.equal(r.statusCode, 503, r.body);
      assert.equal(r.json().error.code, 'store_unavailable', r.body);
      assert.ok(Number(r.headers['retry-after']) >= 1, 'Retry-After says when to try again');
    }

    await proxy.open();
    const after = await submit('13800138002');
    assert.equal(after.statusCode, 202, after.body);
    const mine = (await http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${cp}&kind=mt`, headers: admin })).json().records.map((r: { msisdn: string }) => r.msisdn).sort();
    assert.deepEqual(mine, ['+8613800138001', '+8613800138002'], 'the message accepted before the outage kept, the one refused during it sent once after');
  } finally {
    await http.close();
    await store.close();
    await proxy.close();
    await h.dispose();
  }
});

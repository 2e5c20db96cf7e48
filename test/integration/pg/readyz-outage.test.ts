/**
 * GET /readyz on PostgreSQL cut away for a moment (docs/SCALING.md "Probes"): 200 ready, then 503
 * not_ready naming the store while it cannot be reached (within the probe's timeout, not the pool's
 * 10 s connection timeout), 200 again once it is back. The ping goes through the store's own pool: a
 * run of probes opens no connection of its own. The store is reached through the test's own cuttable
 * TCP proxy (as store-outage-http.test.ts), so the shared server is never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { cuttableProxy } from '../../helpers/cuttable-proxy.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';
import { waitFor } from '../../helpers/wait.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { resolveProfile } from '../../../src/profiles/index.js';

test('PostgreSQL cut: /readyz 200 → 503 not_ready (store) during the cut → 200 after; probes use the pool', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  const proxy = await cuttableProxy(new URL(TEST_PG_URL));
  const store = await PostgresStore.open({ url: proxy.url, schema: h.schema, max: 4, migrate: false });
  const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
  const http = await buildHttpApp({ app });
  const readyz = async () => {
    const r = await http.inject({ method: 'GET', url: '/readyz' });
    return { code: r.statusCode, body: r.json() };
  };
  try {
    const before = await readyz();
    assert.equal(before.code, 200, JSON.stringify(before.body));
    assert.deepEqual(before.body, { status: 'ready', checks: { store: { ok: true, required: true } } });
    // a run of probes over more than two cache periods: pings through the pool's idle connection
    const connections = proxy.accepted;
    for (let i = 0; i < 25; i++) {
      assert.equal((await readyz()).code, 200);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(proxy.accepted, connections, 'no connection per probe');

    await proxy.cut();
    const t0 = Date.now();
    const during = await waitFor(async () => {
      const r = await readyz();
      return r.code === 503 ? r : undefined;
    }, app.readiness.cacheMs + app.readiness.timeoutMs + 1000, 'readyz 503 during the cut');
    assert.ok(Date.now() - t0 < app.readiness.cacheMs + app.readiness.timeoutMs + 500, 'within the cache period and the probe timeout');
    assert.equal(during.body.status, 'not_ready');
    assert.equal(during.body.checks.store.ok, false);
    assert.equal(during.body.checks.store.required, true);
    assert.equal(typeof during.body.checks.store.detail, 'string');

    await proxy.open();
    const after = await waitFor(async () => {
      const r = await readyz();
      return r.code === 200 ? r : undefined;
    }, 10_000, 'readyz 200 after the cut');
    assert.deepEqual(after.body, { status: 'ready', checks: { store: { ok: true, required: true } } });
  } finally {
    await http.close();
    await store.close();
    await proxy.close();
    await h.dispose();
  }
});

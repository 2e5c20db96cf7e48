/**
 * `smsguard_smpp_credential_processes{system_id}` on /metrics: two gateway processes' SMPP servers on
 * one PostgreSQL schema (sharedBinds, as src/main.ts composes them), the SMPP door's counterpart of
 * `smsguard_http_throughput_processes`. A credential bound on both processes reads 2 on each (its
 * throughput is split in two); one bound here only, 1; one with no bind here is not listed; once the
 * other process's bind leaves, 1 again at the next round (SMPP_BIND_BEAT_MS).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { startSmpp, type SmppDoors } from '../../../src/smpp/compose.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { PgSmppCredentials } from '../../../src/store/postgres/smpp-credentials.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };

async function gatewayProcess(store: PostgresStore): Promise<{ app: App; smpp: SmppDoors; scrape(): Promise<string> }> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const smpp = await startSmpp({
    app, credentialStore: new PgSmppCredentials(store.pool, store.writer), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null,
    portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
    smppPort: 0, smppHost: '127.0.0.1', upstream: 'simulator', egress: false, sharedBinds: store.smppBinds,
  });
  const metrics = createMetrics(app, undefined, { smppCredentialProcesses: () => smpp.server!.credentialShares() });
  return { app, smpp, scrape: () => metrics.registry.metrics() };
}

/** The gauge's samples in a scrape: system_id → value. */
function gauge(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^smsguard_smpp_credential_processes\{system_id="([^"]+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

test('smsguard_smpp_credential_processes: per credential bound here, the processes holding its binds (2 when bound on both, 1 here only, absent when not bound here)', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const a = await gatewayProcess(h.store);
    const b = await gatewayProcess(otherStore);
    const esmes: SmppEsme[] = [];
    const bind = async (on: SmppDoors, systemId: string) => {
      const e = await SmppEsme.connect({ host: '127.0.0.1', port: on.smppPort!, systemId, password: 'pw' });
      esmes.push(e);
      return e;
    };
    try {
      const cp = await a.app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
      for (const id of ['shared', 'solo', 'idle']) await a.smpp.credentials.create(admin, cp.id, { systemId: id, password: 'pw', throughput: 100 });
      assert.deepEqual(gauge(await a.scrape()), {}, 'no binds here: nothing listed');

      await bind(a.smpp, 'shared');
      await bind(a.smpp, 'solo');
      const onB = await bind(b.smpp, 'shared');
      // B learnt of A's bind at its claim; A learns of B's at its next round
      assert.deepEqual(gauge(await b.scrape()), { shared: 2 });
      await until(async () => gauge(await a.scrape()).shared === 2, 10_000, 'A to count B\'s bind of shared');
      assert.deepEqual(gauge(await a.scrape()), { shared: 2, solo: 1 });

      await onB.close();
      await until(async () => gauge(await a.scrape()).shared === 1, 10_000, 'A to see B\'s bind gone');
      assert.deepEqual(gauge(await a.scrape()), { shared: 1, solo: 1 });
      await until(async () => Object.keys(gauge(await b.scrape())).length === 0, 5000, 'B, holding no bind, to list none');
    } finally {
      for (const e of esmes) await e.close().catch(() => undefined);
      await a.smpp.close();
      await b.smpp.close();
    }
  });
});

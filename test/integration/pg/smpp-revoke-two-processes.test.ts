/**
 * Revoking an SMPP credential with two gateway processes on one PostgreSQL schema (docs/SMPP.md
 * "Revoking a credential", docs/SCALING.md): an ESME bound on process B, the credential revoked over
 * HTTP on process A. B hears nothing of it directly; its credential check (every `credentialCheckMs`,
 * CREDENTIAL_CHECK_MS = 10 s by default, here 150 ms) finds the credential no longer live and ends
 * the bind as a revocation on B would: `unbind` from the server, then the socket closed. Binds of a
 * live credential on B are left alone, and B refuses a new bind with the revoked one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { startSmpp, type SmppDoors } from '../../../src/smpp/compose.js';
import { SmppBindError, SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';
import { PgSmppCredentials } from '../../../src/store/postgres/smpp-credentials.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { smppCredentialRoutes } from '../../../src/http/routes/smpp-credentials.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { ADMIN_TOKEN, NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };

/** One gateway process's app and SMPP doors (server only: no egress) on `store`. */
async function gatewayProcess(store: PostgresStore, credentialCheckMs: number): Promise<{ app: App; smpp: SmppDoors }> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const smpp = await startSmpp({
    app, credentialStore: new PgSmppCredentials(store.pool), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null,
    portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
    smppPort: 0, smppHost: '127.0.0.1', upstream: 'simulator', egress: false, credentialCheckMs,
  });
  return { app, smpp };
}

test('two processes on PostgreSQL: a credential revoked through A has its bind on B unbound and closed within B\'s check period', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const a = await gatewayProcess(h.store, 150);
    const b = await gatewayProcess(otherStore, 150);
    await a.app.auth.ensureAdminToken(ADMIN_TOKEN);
    const http = await buildHttpApp({ app: a.app, plugins: [smppCredentialRoutes(a.smpp.credentials)] });
    const esmes: SmppEsme[] = [];
    const bindB = async (systemId: string) => {
      const e = await SmppEsme.connect({ host: '127.0.0.1', port: b.smpp.smppPort!, systemId, password: 'pw' });
      esmes.push(e);
      return e;
    };
    try {
      const cp = await a.app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
      await a.smpp.credentials.create(admin, cp.id, { systemId: 'leaked', password: 'pw' });
      await a.smpp.credentials.create(admin, cp.id, { systemId: 'kept', password: 'pw' });
      const leaked = await bindB('leaked');
      const kept = await bindB('kept');
      const ended = leaked.closed();
      // several check periods with both credentials live: nothing is cut
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(b.smpp.server!.bindCount(cp.id), 2);

      const t0 = Date.now();
      const r = await http.inject({ method: 'DELETE', url: `/v1/content-providers/${cp.id}/smpp-credentials/leaked`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(r.statusCode, 204, r.body);
      const reason = await Promise.race([ended, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('the bind on B was not closed')), 8000))]);
      assert.equal(reason, 'peer unbound', 'B sent unbind (the graceful path), not a dropped socket');
      // one period (150 ms), the check's query and the unbind's round trip; generous for a loaded machine
      assert.ok(Date.now() - t0 < 4000, `closed after ${Date.now() - t0} ms`);
      await until(() => b.smpp.server!.bindCount(cp.id) === 1, 5000, 'B to drop the revoked bind');

      // the live credential's bind on B still works; B refuses the revoked one as an unknown system_id
      assert.equal((await kept.request({ command: 'enquire_link', sequence_number: 0 } as never)).command_status, CommandStatus.ESME_ROK);
      const again = await bindB('leaked').then(() => 'bound', (e: unknown) => (e instanceof SmppBindError ? e.status : String(e)));
      assert.equal(again, CommandStatus.ESME_RINVSYSID);
    } finally {
      for (const e of esmes) await e.close().catch(() => undefined);
      await http.close();
      await a.smpp.close();
      await b.smpp.close();
    }
  });
});

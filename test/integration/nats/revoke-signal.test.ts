/**
 * Scale-out: a secret revoked through one process binds the others at once (docs/SCALING.md, row "A
 * revoked secret stops working on every process"). Two gateway processes (apps with their SMPP
 * server and HTTP doors) on one PostgreSQL schema and one NATS prefix; an admin revokes through A
 * an API key B has just honoured (so B's token cache holds it for TOKEN_CACHE_MS, 10 s), and an SMPP
 * credential bound on B. The notice (`<prefix>.evt.revoked`) reaches B: the key answers 401 and the
 * bind is ended the graceful way (`unbind` from the server, then closed), each within 1 s. B's
 * periodic credential check is set to a minute and its token cache lives 10 s, so only the notice
 * can do it in time; before, B went on honouring both until those ran out.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { busScene, startFirstPiece, startPiece, suiteCleanups, type Piece } from './bus-fixture.js';
import { startSmpp, type SmppDoors } from '../../../src/smpp/compose.js';
import { PgSmppCredentials } from '../../../src/store/postgres/smpp-credentials.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { smppCredentialRoutes } from '../../../src/http/routes/smpp-credentials.js';
import { SmppBindError, SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';
import { ADMIN_TOKEN } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';

/** Within this long of the revocation's answer: well under the periodic bounds (10 s, and a minute here). */
const SIGNAL_BOUND_MS = 1000;

/** A piece's SMPP server (no egress) wired to its app's events as src/main.ts wires it, and its HTTP doors. */
async function doors(p: Piece, cleanups: (() => Promise<void>)[]) {
  const logged: string[] = [];
  const smpp: SmppDoors = await startSmpp({
    app: p.app, credentialStore: new PgSmppCredentials(p.store.pool, p.store.writer), log: (m) => void logged.push(m),
    contentProviderExists: async (id) => (await p.store.directory.getContentProvider(id)) !== null,
    portKind: async (n) => (await p.store.directory.getPort(n))?.kind ?? null, now: () => p.clock.now(), newId: () => p.app.ctx.ids.next('cred'),
    smppPort: 0, smppHost: '127.0.0.1', upstream: 'simulator', egress: false, sharedBinds: p.store.smppBinds,
    // the fallback check far beyond the bound: only the notice can end the bind in time
    credentialCheckMs: 60_000,
    appEvents: p.app.events,
  });
  cleanups.push(() => smpp.close());
  const http = await buildHttpApp({ app: p.app, plugins: [smppCredentialRoutes(smpp.credentials)] });
  cleanups.push(() => http.close());
  return { smpp, http, logged };
}

describe('a revocation crosses the bus to every process', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  test('revoked through A: B refuses the API key and ends the credential\'s bind within 1 s, not at its periodic checks', async () => {
    const { h, seeded, prefix } = await busScene(cleanups, 'c4d5e6');
    const a = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    const b = await startPiece({ schema: h.schema, prefix, role: 'ingress' });
    cleanups.push(() => b.stop());
    await a.app.auth.ensureAdminToken(ADMIN_TOKEN);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const A = await doors(a, cleanups);
    const B = await doors(b, cleanups);
    const cp = seeded.cp.id;

    // an API key B honours (and so believes for TOKEN_CACHE_MS)
    const issued = await A.http.inject({ method: 'POST', url: `/v1/content-providers/${cp}/api-keys`, headers: admin, payload: { label: 'leaked' } });
    assert.equal(issued.statusCode, 201, issued.body);
    const { id: keyId, apiKey } = issued.json() as { id: string; apiKey: string };
    const readOnB = async (key: string) => (await B.http.inject({ method: 'GET', url: `/v1/content-providers/${cp}/api-keys`, headers: { authorization: `Bearer ${key}` } })).statusCode;
    const { apiKey: keptKey } = (await A.http.inject({ method: 'POST', url: `/v1/content-providers/${cp}/api-keys`, headers: admin, payload: {} })).json() as { apiKey: string };

    // SMPP binds on B: one of the credential to revoke, one of another
    await A.smpp.credentials.create({ role: 'admin', actorId: 'admin' }, cp, { systemId: 'leaked', password: 'pw' });
    await A.smpp.credentials.create({ role: 'admin', actorId: 'admin' }, cp, { systemId: 'kept', password: 'pw' });
    const esmes: SmppEsme[] = [];
    cleanups.push(async () => {
      for (const e of esmes) await e.close().catch(() => undefined);
    });
    const bindB = async (systemId: string) => {
      const e = await SmppEsme.connect({ host: '127.0.0.1', port: B.smpp.smppPort!, systemId, password: 'pw' });
      esmes.push(e);
      return e;
    };
    const leaked = await bindB('leaked');
    const kept = await bindB('kept');
    let endedAt = 0;
    const ended = leaked.closed().then((reason) => ((endedAt = Date.now()), reason));
    assert.equal(B.smpp.server!.bindCount(cp), 2);

    // the key revoked through A, right after B looked it up
    assert.equal(await readOnB(apiKey), 200, 'cached on B');
    assert.equal(await readOnB(keptKey), 200);
    const t0 = Date.now();
    const revoked = await A.http.inject({ method: 'DELETE', url: `/v1/content-providers/${cp}/api-keys/${keyId}`, headers: admin });
    assert.equal(revoked.statusCode, 204, revoked.body);
    await until(async () => (await readOnB(apiKey)) === 401, SIGNAL_BOUND_MS, 'B to refuse the revoked key');
    assert.ok(Date.now() - t0 < SIGNAL_BOUND_MS, `refused on B after ${Date.now() - t0} ms`);
    assert.equal(await readOnB(keptKey), 200, 'the other key still works on B');

    // the credential revoked through A
    const t1 = Date.now();
    const del = await A.http.inject({ method: 'DELETE', url: `/v1/content-providers/${cp}/smpp-credentials/leaked`, headers: admin });
    assert.equal(del.statusCode, 204, del.body);
    const reason = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('still bound'), SIGNAL_BOUND_MS))]);
    assert.equal(reason, 'peer unbound', 'B sent unbind (the revocation\'s graceful path) within the bound');
    assert.ok(endedAt - t1 < SIGNAL_BOUND_MS, `closed on B after ${endedAt - t1} ms`);
    assert.ok(B.logged.includes('smpp binds of a revoked credential unbound'), B.logged.join('; '));
    assert.ok(!B.logged.includes('smpp binds of a credential no longer live unbound'), 'not the periodic check');
    await until(() => B.smpp.server!.bindCount(cp) === 1, 5000, 'B to drop the revoked bind');
    assert.equal((await kept.request({ command: 'enquire_link', sequence_number: 0 } as never)).command_status, CommandStatus.ESME_ROK, 'the other credential\'s bind stays');
    const again = await bindB('leaked').then(() => 'bound', (e: unknown) => (e instanceof SmppBindError ? e.status : String(e)));
    assert.equal(again, CommandStatus.ESME_RINVSYSID);
  });
});

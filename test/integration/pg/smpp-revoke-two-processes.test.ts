/**
 * Revoking an SMPP credential with two gateway processes on one PostgreSQL schema (docs/SMPP.md
 * "Revoking a credential", docs/SCALING.md): an ESME bound on process B, the credential revoked over
 * HTTP on process A. B hears nothing of it directly; its credential check (every `credentialCheckMs`,
 * CREDENTIAL_CHECK_MS = 10 s by default, here 150 ms) finds the credential no longer live and ends
 * the bind as a revocation on B would: a submit being decided gets its answer first, then `unbind`
 * from the server, then the socket closed. Binds of a
 * live credential on B are left alone, and B refuses a new bind with the revoked one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { startSmpp, type SmppDoors } from '../../../src/smpp/compose.js';
import { SmppBindError, SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, Tag, encodeText, smDefaults, tlvCString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { SmppServerApp } from '../../../src/smpp/server/server.js';
import { PgSmppCredentials } from '../../../src/store/postgres/smpp-credentials.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { smppCredentialRoutes } from '../../../src/http/routes/smpp-credentials.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { ADMIN_TOKEN, NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { until } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
const sm = (text: string): SmPdu => ({
  ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 0,
  tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')],
});

/**
 * One gateway process's app and SMPP doors (server only: no egress) on `store`. Its SMPP submits wait
 * for `gate` before being decided (so the test can hold one in flight); `logged` gets its SMPP log.
 */
async function gatewayProcess(store: PostgresStore, credentialCheckMs: number, gate: () => Promise<void> = async () => undefined): Promise<{ app: App; smpp: SmppDoors; logged: string[] }> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const logged: string[] = [];
  const slowed: SmppServerApp = {
    submitMessages: async (p, inputs, ch) => {
      await gate();
      return app.submitMessages(p, inputs, ch);
    },
    getMessage: (p, id, naming) => app.getMessage(p, id, naming),
    cancelMessage: (p, id, naming) => app.cancelMessage(p, id, naming),
    replaceMessage: (p, id, change, ch) => app.replaceMessage(p, id, change, ch),
    events: app.events,
  };
  const smpp = await startSmpp({
    app: slowed, log: (m) => void logged.push(m), credentialStore: new PgSmppCredentials(store.pool, store.writer), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null,
    portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
    smppPort: 0, smppHost: '127.0.0.1', upstream: 'simulator', egress: false, credentialCheckMs,
  });
  return { app, smpp, logged };
}

test('two processes on PostgreSQL: a credential revoked through A has its bind on B unbound and closed within B\'s check period', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    let release: () => void = () => undefined;
    let held = false;
    let waiting = 0;
    const gate = () => (held ? new Promise<void>((r) => (waiting++, (release = r))) : Promise.resolve());
    const a = await gatewayProcess(h.store, 150);
    const b = await gatewayProcess(otherStore, 150, gate);
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
      await a.app.addSignature(admin, cp.id, { signature: '【示例】' });
      await a.app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
      await a.smpp.credentials.create(admin, cp.id, { systemId: 'leaked', password: 'pw' });
      await a.smpp.credentials.create(admin, cp.id, { systemId: 'kept', password: 'pw' });
      const leaked = await bindB('leaked');
      const kept = await bindB('kept');
      const ended = leaked.closed();
      // several check periods with both credentials live: nothing is cut
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(b.smpp.server!.bindCount(cp.id), 2);

      // a submit on B held in its decision when the credential is revoked
      held = true;
      let answeredBeforeClose = false;
      const answer = leaked.request(sm('【示例】您的验证码是123456。')).then((p) => {
        answeredBeforeClose = true;
        return p;
      });
      await until(() => waiting === 1, 5000, 'the submit to be in its decision on B');
      const t0 = Date.now();
      const r = await http.inject({ method: 'DELETE', url: `/v1/content-providers/${cp.id}/smpp-credentials/leaked`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(r.statusCode, 204, r.body);
      // B's check found it and began ending the bind: draining, the unbind waits for that answer
      await until(() => b.logged.includes('smpp binds of a credential no longer live unbound'), 8000, 'B to notice the revocation');
      // one period (150 ms) and the check's query; generous for a loaded machine
      assert.ok(Date.now() - t0 < 4000, `noticed after ${Date.now() - t0} ms`);
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(answeredBeforeClose, false, 'still being decided');
      assert.equal(b.smpp.server!.bindCount(cp.id), 2, 'not closed before its answer');
      held = false;
      release();
      const resp = await answer;
      assert.equal(resp.command_status, CommandStatus.ESME_ROK, 'the submit in flight got its answer (it was recorded)');
      const reason = await Promise.race([ended, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('the bind on B was not closed')), 8000))]);
      assert.equal(reason, 'peer unbound', 'B sent unbind (the graceful path), not a dropped socket');
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

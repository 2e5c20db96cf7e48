/**
 * Revoking an SMPP credential (docs/SMPP.md "Revoking a credential"): over HTTP an admin revokes it;
 * binds with it are then refused exactly as a system_id never created is (ESME_RINVSYSID), a live bind
 * of it is unbound and closed while another credential's bind stays, a repeat answers 204, and the
 * revocation is in the audit trail. The server's credential check (what reaches binds of a credential
 * another process revoked; the two-process case is test/integration/pg/smpp-revoke-two-processes.test.ts)
 * reads the store once per period for all binds, and a failing read cuts nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppBindError, SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { smppCredentialRoutes } from '../../../src/http/routes/smpp-credentials.js';
import { ADMIN_TOKEN, validCreditCode } from '../../helpers/gateway.js';
import { startSmppDoors } from '../../helpers/smpp-doors.js';
import { until } from '../../helpers/wait.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';

test('DELETE …/smpp-credentials/{systemId}: later binds refused as an unknown system_id, a live bind unbound, the other credential untouched', async () => {
  const { store, app, admin, smpp } = await startSmppDoors();
  await app.auth.ensureAdminToken(ADMIN_TOKEN);
  const http = await buildHttpApp({ app, plugins: [smppCredentialRoutes(smpp.credentials)] });
  const adminH = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const esmes: SmppEsme[] = [];
  const bind = async (systemId: string, password: string) => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: smpp.smppPort!, systemId, password });
    esmes.push(e);
    return e;
  };
  const refusal = (systemId: string, password: string) => bind(systemId, password).then(() => 'bound', (e: unknown) => (e instanceof SmppBindError ? e.status : String(e)));
  try {
    const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    await smpp.credentials.create(admin, cp.id, { systemId: 'leaked', password: 'pw' });
    await smpp.credentials.create(admin, cp.id, { systemId: 'kept', password: 'pw' });
    const live = await bind('leaked', 'pw');
    const other = await bind('kept', 'pw');
    const ended = live.closed();
    assert.equal(smpp.server!.bindCount(cp.id), 2);

    const del = (systemId: string, headers: Record<string, string>, id = cp.id) => http.inject({ method: 'DELETE', url: `/v1/content-providers/${id}/smpp-credentials/${systemId}`, headers });
    assert.equal((await del('leaked', { authorization: `Bearer ${cp.apiKey}` })).statusCode, 403, 'a provider cannot revoke');
    assert.equal((await del('leaked', {})).statusCode, 401);
    const r = await del('leaked', adminH);
    assert.equal(r.statusCode, 204, r.body);

    // the live bind is unbound and closed; the other credential's stays
    await Promise.race([ended, new Promise((_, rej) => setTimeout(() => rej(new Error('live bind not closed')), 10_000))]);
    await until(() => smpp.server!.bindCount(cp.id) === 1, 8000, 'the server to drop the revoked bind');
    const ok = await other.request({ command: 'enquire_link', sequence_number: 0 } as never);
    assert.equal(ok.command_status, CommandStatus.ESME_ROK);

    // refused with what a system_id never created gets: nothing tells what existed
    const unknown = await refusal('nobody', 'pw');
    assert.equal(unknown, CommandStatus.ESME_RINVSYSID);
    assert.equal(await refusal('leaked', 'pw'), unknown);
    assert.equal(await refusal('leaked', 'wrong'), unknown);

    assert.equal((await del('leaked', adminH)).statusCode, 204, 'idempotent');
    const nope = await del('nobody', adminH);
    assert.equal(nope.statusCode, 404);
    assert.equal(nope.json().error.code, 'not_found');
    assert.equal((await del('kept', adminH, 'cp_other')).statusCode, 404, 'not through another provider');

    const listed = (await http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/smpp-credentials`, headers: adminH })).json().credentials as { systemId: string; revokedAt: number | null }[];
    assert.deepEqual(listed.map((c) => [c.systemId, c.revokedAt === null]), [['leaked', false], ['kept', true]]);
    const audit = (await store.records.queryRecords({ kind: 'audit', contentProviderId: cp.id, limit: 50 })).records.map((x) => x.body as { action: string; systemId?: string });
    assert.deepEqual(audit.filter((a) => a.action === 'smpp_credential.revoke').map((a) => a.systemId), ['leaked'], 'recorded once');
    // each creation is recorded by the store in its transaction: who and which system_id, never the password or its hash
    const created = audit.filter((a) => a.action === 'smpp_credential.create') as unknown as Record<string, unknown>[];
    assert.deepEqual(created.map((a) => [a.systemId, a.actor, a.contentProviderId]).sort(), [['kept', admin.actorId, cp.id], ['leaked', admin.actorId, cp.id]]);
    assert.ok(created.every((a) => Object.keys(a).sort().join() === 'action,actor,contentProviderId,credentialId,systemId'), JSON.stringify(created));

    // the system_id can be created again, and binds with its new password
    await smpp.credentials.create(admin, cp.id, { systemId: 'leaked', password: 'new' });
    assert.equal(await refusal('leaked', 'pw'), CommandStatus.ESME_RINVPASWD);
    assert.equal(await refusal('leaked', 'new'), 'bound');
  } finally {
    for (const e of esmes) await e.close().catch(() => undefined);
    await http.close();
    await smpp.close();
    await store.close();
  }
});

test('credential check: one store read per period for all binds, a failing read logged and retried without cutting anything, then the binds of a credential revoked behind this process\'s back unbound', async () => {
  const calls: string[][] = [];
  let failing = false;
  const logged: string[] = [];
  const { store, app, admin, smpp } = await startSmppDoors({
    credentialCheckMs: 100,
    log: (msg) => void logged.push(msg),
    credentials: (s) => ({
      addSmppCredential: (r) => s.addSmppCredential(r),
      findSmppCredential: (id) => s.findSmppCredential(id),
      listSmppCredentials: (cp) => s.listSmppCredentials(cp),
      revokeSmppCredential: (cp, id, at) => s.revokeSmppCredential(cp, id, at),
      liveSmppCredentialIds: async (ids) => {
        calls.push([...ids]);
        if (failing) throw new Error('store unreachable');
        return s.liveSmppCredentialIds(ids);
      },
    }),
  });
  const esmes: SmppEsme[] = [];
  const bind = async (systemId: string) => {
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: smpp.smppPort!, systemId, password: 'pw' });
    esmes.push(e);
    return e;
  };
  try {
    const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    const leaked = await smpp.credentials.create(admin, cp.id, { systemId: 'leaked', password: 'pw' });
    const kept = await smpp.credentials.create(admin, cp.id, { systemId: 'kept', password: 'pw' });
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(calls.length, 0, 'no binds, no read');

    const l1 = await bind('leaked');
    const l2 = await bind('leaked');
    const k = await bind('kept');
    const ended = Promise.all([l1.closed(), l2.closed()]);
    // (a check may have run between two of the binds: only those after all three count)
    const bound = calls.length;
    await until(() => calls.length >= bound + 2, 5000, 'two checks');
    // three binds, two credentials: each check one read naming each credential once
    for (const c of calls.slice(bound)) assert.deepEqual(c.sort(), [leaked.id, kept.id].sort());
    assert.equal(smpp.server!.bindCount(cp.id), 3, 'live credentials: nothing cut');

    // revoked in the store without this process's use case hearing it (as by another process)
    failing = true;
    await new SqliteSmppCredentials(store.db).revokeSmppCredential(cp.id, 'leaked', Date.now());
    const failedFrom = calls.length;
    await until(() => calls.length >= failedFrom + 3, 5000, 'three failing checks');
    assert.ok(logged.filter((m) => m === 'smpp credential check failed').length >= 3, logged.join('; '));
    assert.equal(smpp.server!.bindCount(cp.id), 3, 'a read that failed cuts nothing');

    failing = false;
    const reasons = await Promise.race([ended, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('revoked binds not closed')), 8000))]);
    assert.deepEqual(reasons, ['peer unbound', 'peer unbound'], 'unbound by the server, not dropped');
    await until(() => smpp.server!.bindCount(cp.id) === 1, 8000, 'the server to drop the revoked binds');
    assert.equal((await k.request({ command: 'enquire_link', sequence_number: 0 } as never)).command_status, CommandStatus.ESME_ROK);
    // the revoked credential is not asked about again; the kept one still is
    const after = calls.length;
    await until(() => calls.length >= after + 2, 5000, 'two more checks');
    for (const c of calls.slice(after)) assert.deepEqual(c, [kept.id]);
  } finally {
    for (const e of esmes) await e.close().catch(() => undefined);
    await smpp.close();
    await store.close();
  }
});

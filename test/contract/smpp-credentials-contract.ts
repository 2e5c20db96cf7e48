/**
 * What the SMPP server's credentials (src/smpp/server/credentials.ts) need from a store, run against
 * each adapter (sqlite.test.ts, postgres.test.ts) and the in-memory fake: unique live system_id,
 * lookups, and revocation (idempotent, the system_id free again, another provider's left alone).
 * Call inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmsguardError } from '../../src/domain/errors.js';
import type { SmppCredentialRow, SmppCredentialStore } from '../../src/ports/smpp-credentials.js';
import { T0, uid } from './fixtures.js';

const cred = (o: Partial<SmppCredentialRow> = {}): SmppCredentialRow => ({
  id: uid('cred'), contentProviderId: 'cp_1', systemId: uid('s').slice(0, 15), passwordHash: 'scrypt$x', allowedIps: null, maxBinds: null, throughput: null, defaultCategory: null, createdAt: T0, revokedAt: null, ...o,
});

export function smppCredentialsContract(get: () => SmppCredentialStore): void {
  test('smpp credentials: a revoked credential is no longer found, its system_id can be created again, revoking twice keeps the first time', async () => {
    const s = get();
    const a = cred({ systemId: 'shop' });
    await s.addSmppCredential(a);
    await assert.rejects(s.addSmppCredential(cred({ systemId: 'shop' })), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
    // another provider cannot revoke it, nor learn it exists
    assert.equal(await s.revokeSmppCredential('cp_2', 'shop', T0 + 1), null);
    assert.deepEqual(await s.findSmppCredential('shop'), a);

    assert.deepEqual(await s.revokeSmppCredential('cp_1', 'shop', T0 + 2), { ...a, revokedAt: T0 + 2 });
    assert.equal(await s.findSmppCredential('shop'), null);
    assert.deepEqual(await s.revokeSmppCredential('cp_1', 'shop', T0 + 3), { ...a, revokedAt: T0 + 2 });
    assert.equal(await s.revokeSmppCredential('cp_1', 'nope', T0 + 3), null);
    assert.deepEqual((await s.listSmppCredentials('cp_1')).map((r) => r.revokedAt), [T0 + 2]);

    // the system_id is free again; revoking then takes the live one, not the old
    const b = cred({ systemId: 'shop', createdAt: T0 + 4 });
    await s.addSmppCredential(b);
    assert.deepEqual(await s.findSmppCredential('shop'), b);
    assert.equal((await s.revokeSmppCredential('cp_1', 'shop', T0 + 5))?.id, b.id);
    assert.equal(await s.findSmppCredential('shop'), null);
    assert.equal((await s.revokeSmppCredential('cp_1', 'shop', T0 + 6))?.id, b.id, 'the most recently revoked one');
  });

  test('smpp credentials: liveSmppCredentialIds keeps of the ids asked those still live, whoever revoked the others', async () => {
    const s = get();
    const a = cred({ systemId: uid('la').slice(0, 15) });
    const b = cred({ systemId: uid('lb').slice(0, 15), contentProviderId: 'cp_2' });
    const c = cred({ systemId: uid('lc').slice(0, 15) });
    for (const r of [a, b, c]) await s.addSmppCredential(r);
    assert.deepEqual([...(await s.liveSmppCredentialIds([]))], []);
    assert.deepEqual([...(await s.liveSmppCredentialIds([a.id, b.id, c.id]))].sort(), [a.id, b.id, c.id].sort());
    await s.revokeSmppCredential('cp_1', a.systemId, T0 + 1);
    // a revoked one and one never stored (or deleted) are both left out; a repeated id counts once
    assert.deepEqual([...(await s.liveSmppCredentialIds([a.id, b.id, c.id, 'cred_none', b.id]))].sort(), [b.id, c.id].sort());
    // a system_id created again is a new credential: the old id stays out, the new one is live
    const a2 = cred({ systemId: a.systemId, createdAt: T0 + 2 });
    await s.addSmppCredential(a2);
    assert.deepEqual([...(await s.liveSmppCredentialIds([a.id, a2.id]))], [a2.id]);
  });
}

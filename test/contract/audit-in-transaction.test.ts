/**
 * The audit records of a provider's creation (`content_provider.create`), a signature's review
 * (`signature.review`) and an SMPP credential's creation and revocation (`smpp_credential.create`,
 * `smpp_credential.revoke`) are written by the
 * store adapter in the change's own transaction, on both adapters: the change and its record commit
 * together, and a record that cannot be written takes the change back with it. Before, the first two
 * and the revocation were appended after the change had committed (a crash between lost the record)
 * and a credential's creation was not recorded at all.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { PgContentStore } from '../../src/store/postgres/content.js';
import type { Store } from '../../src/ports/store.js';
import type { ContentStore } from '../../src/ports/content.js';
import type { SmppCredentialRow, SmppCredentialStore } from '../../src/ports/smpp-credentials.js';
import { openTestPgStore } from '../helpers/pg.js';
import { T0, cpRow, uid } from './fixtures.js';

interface Handle {
  store: Store;
  content: ContentStore;
  creds: SmppCredentialStore;
  /** Makes every record append fail until the returned function is called. */
  breakRecords(): () => void;
  dispose(): Promise<void>;
}

const cred = (contentProviderId: string, at: number): SmppCredentialRow => ({
  id: uid('cred'), contentProviderId, systemId: uid('s').slice(0, 15), passwordHash: 'scrypt$salt$secret-hash', allowedIps: null, maxBinds: null, throughput: null, defaultCategory: null, createdAt: at, revokedAt: null,
});

function contract(name: string, open: () => Promise<Handle>): void {
  describe(`audit records in the change's transaction: ${name}`, () => {
    test('each change is recorded with it: who, when, what (never a credential\'s password nor its hash)', async () => {
      const h = await open();
      try {
        const { store, content, creds } = h;
        const cp = cpRow({ createdAt: T0 + 1 });
        await store.directory.createContentProvider(cp, { id: uid('tok'), hash: uid('hash') }, 'admin_1');
        const sig = uid('sig');
        await store.directory.addSignature({ id: sig, contentProviderId: cp.id, signature: `【审核${sig.slice(-6)}】`, status: 'pending', createdAt: T0 + 2 });
        await content.reviewSignature({ id: uid('sr'), signatureId: sig, contentProviderId: '', decision: 'rejected', reason: '与营业执照不符', at: T0 + 3, actor: 'admin_2' });
        const c = cred(cp.id, T0 + 4);
        await creds.addSmppCredential(c, cp.id);
        const audit = (await store.records.queryRecords({ contentProviderId: cp.id, kind: 'audit', limit: 10 })).records;
        assert.deepEqual(audit.map((x) => [x.at, x.body]), [
          [T0 + 4, { actor: cp.id, action: 'smpp_credential.create', credentialId: c.id, systemId: c.systemId, contentProviderId: cp.id }],
          [T0 + 3, { actor: 'admin_2', action: 'signature.review', signatureId: sig, contentProviderId: cp.id, status: 'rejected', reason: '与营业执照不符' }],
          [T0 + 1, { actor: 'admin_1', action: 'content_provider.create', contentProviderId: cp.id, name: cp.name, creditCode: cp.creditCode }],
        ]);
        assert.ok(!JSON.stringify(audit).includes('secret-hash'), 'no hash in the records');
        // the revocation too, once: a repeat revokes nothing and records nothing
        await creds.revokeSmppCredential(cp.id, c.systemId, T0 + 5, 'admin_3');
        await creds.revokeSmppCredential(cp.id, c.systemId, T0 + 6, 'admin_3');
        const revoked = (await store.records.queryRecords({ contentProviderId: cp.id, kind: 'audit', type: 'smpp_credential.revoke', limit: 10 })).records;
        assert.deepEqual(revoked.map((x) => [x.at, x.body]), [[T0 + 5, { actor: 'admin_3', action: 'smpp_credential.revoke', credentialId: c.id, systemId: c.systemId }]]);
      } finally {
        await h.dispose();
      }
    });

    test('a record that cannot be written takes its change back: no provider, no review, no credential', async () => {
      const h = await open();
      try {
        const { store, content, creds } = h;
        const ok = cpRow({ createdAt: T0 + 1 });
        await store.directory.createContentProvider(ok, { id: uid('tok'), hash: uid('hash') }, 'admin_1');
        const sig = uid('sig');
        await store.directory.addSignature({ id: sig, contentProviderId: ok.id, signature: `【审核${sig.slice(-6)}】`, status: 'pending', createdAt: T0 + 2 });

        const fix = h.breakRecords();
        const lost = cpRow({ createdAt: T0 + 3 });
        await assert.rejects(store.directory.createContentProvider(lost, { id: uid('tok'), hash: uid('hash') }, 'admin_1'));
        await assert.rejects(content.reviewSignature({ id: uid('sr'), signatureId: sig, contentProviderId: '', decision: 'approved', reason: null, at: T0 + 4, actor: 'admin_1' }));
        const c = cred(ok.id, T0 + 5);
        await assert.rejects(creds.addSmppCredential(c, 'admin_1'));
        fix();
        const live = cred(ok.id, T0 + 6);
        await creds.addSmppCredential(live);
        const fix2 = h.breakRecords();
        await assert.rejects(creds.revokeSmppCredential(ok.id, live.systemId, T0 + 7, 'admin_1'));
        fix2();
        assert.deepEqual(await creds.findSmppCredential(live.systemId), live, 'the credential is not revoked without its record');

        assert.equal(await store.directory.getContentProvider(lost.id), null, 'the provider is not created without its record');
        assert.equal((await store.directory.getSignature(sig))?.status, 'pending', 'the review is not made without its record');
        assert.equal(await creds.findSmppCredential(c.systemId), null, 'the credential is not created without its record');
        // and each can be made again once records are written
        await store.directory.createContentProvider(lost, { id: uid('tok'), hash: uid('hash') }, 'admin_1');
        await creds.addSmppCredential(c, 'admin_1');
        assert.equal((await store.records.queryRecords({ kind: 'audit', limit: 10 })).records.filter((x) => x.body.action === 'content_provider.create' && x.contentProviderId === lost.id).length, 1);
      } finally {
        await h.dispose();
      }
    });
  });
}

contract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  const w = store.records.writer as unknown as { append: unknown };
  return {
    store, content: new SqliteContentStore(store.db), creds: new SqliteSmppCredentials(store.db),
    breakRecords: () => {
      w.append = () => { throw new Error('records cannot be written'); };
      return () => void delete w.append;
    },
    dispose: () => store.close(),
  };
});

contract('postgres', async () => {
  const h = await openTestPgStore();
  const w = h.store.writer as unknown as { append: unknown };
  return {
    store: h.store, content: new PgContentStore(h.store.pool, h.store.writer), creds: h.store.smppCredentials,
    breakRecords: () => {
      w.append = async () => { throw new Error('records cannot be written'); };
      return () => void delete w.append;
    },
    dispose: () => h.dispose(),
  };
});

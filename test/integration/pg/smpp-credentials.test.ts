/** The PostgreSQL SMPP credential store behaves as the SQLite one: unique live system_id, lookups, listing, the default category (null or not) round-trips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore } from '../../helpers/pg.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { SmsguardError } from '../../../src/domain/errors.js';
import type { SmppCredentialStore, SmppCredentialRow } from '../../../src/ports/smpp-credentials.js';

async function exercise(s: SmppCredentialStore): Promise<void> {
  const row: SmppCredentialRow = { id: 'cred_1', contentProviderId: 'cp_1', systemId: 'shop', passwordHash: 'scrypt$x', allowedIps: ['127.0.0.1'], maxBinds: 2, throughput: 50.5, defaultCategory: 'promotions', createdAt: 1, revokedAt: null };
  await s.addSmppCredential(row);
  await assert.rejects(s.addSmppCredential({ ...row, id: 'cred_2' }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
  await s.addSmppCredential({ ...row, id: 'cred_3', systemId: 'other', allowedIps: null, maxBinds: null, throughput: null, defaultCategory: null, createdAt: 2 });
  assert.deepEqual(await s.findSmppCredential('shop'), row);
  assert.equal(await s.findSmppCredential('nope'), null);
  assert.deepEqual((await s.listSmppCredentials('cp_1')).map((r) => r.id), ['cred_1', 'cred_3']);
}

test('SMPP credentials: same behaviour on SQLite and PostgreSQL', async () => {
  const sq = new SqliteStore(':memory:');
  try {
    await exercise(new SqliteSmppCredentials(sq.db));
  } finally {
    await sq.close();
  }
  const h = await openTestPgStore();
  try {
    await exercise(h.store.smppCredentials);
  } finally {
    await h.dispose();
  }
});

/**
 * The store contract against the SQLite adapter: in memory (each month an in-memory database of its
 * own) and on files (each month a file beside the main one, written on its own connection before the
 * main file commits), a fresh database per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from './store-contract.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { describe, beforeEach, afterEach } from 'node:test';
import { smppCredentialsContract } from './smpp-credentials-contract.js';

storeContract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  return { store, smppDeliveries: store.smppDeliveries, dispose: () => store.close() };
});

storeContract('sqlite on files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-contract-'));
  const store = new SqliteStore(join(dir, 'g.db'));
  return {
    store,
    smppDeliveries: store.smppDeliveries,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('smpp credentials contract: sqlite', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:');
  });
  afterEach(() => store.close());
  smppCredentialsContract(() => new SqliteSmppCredentials(store.db));
});

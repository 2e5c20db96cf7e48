/**
 * The store contract against the PostgreSQL adapter. Each test gets its own schema
 * (`sg_test_<random>`, search_path pinned) that is dropped afterwards, so parallel runs never collide.
 * Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 */
import { storeContract } from './store-contract.js';
import { openTestPgStore } from '../helpers/pg.js';
import { describe, beforeEach, afterEach } from 'node:test';
import { smppCredentialsContract } from './smpp-credentials-contract.js';

storeContract('postgres', async () => {
  const h = await openTestPgStore();
  return { ...h, smppDeliveries: h.store.smppDeliveries };
});

describe('smpp credentials contract: postgres', () => {
  let h: Awaited<ReturnType<typeof openTestPgStore>>;
  beforeEach(async () => {
    h = await openTestPgStore();
  });
  afterEach(() => h.dispose());
  smppCredentialsContract(() => h.store.smppCredentials);
});

/** The store contract against the SQLite adapter (in-memory database per test). */
import { storeContract } from './store-contract.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';

storeContract('sqlite', async () => {
  const store = new SqliteStore(':memory:');
  return { store, smppDeliveries: store.smppDeliveries, dispose: () => store.close() };
});

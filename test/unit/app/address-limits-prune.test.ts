/**
 * The complaint sweeper's round drops the public doors' per-address counts of ended windows
 * (src/app/case-sweeper.ts), on the wall clock whatever the simulated one says: else the PostgreSQL
 * table keeps a row for every address that ever used a public door.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { CaseSweeper } from '../../../src/app/case-sweeper.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

test('a sweep drops the counts of ended windows and keeps the running ones', async () => {
  const store = new SqliteStore(':memory:');
  try {
    const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
    const now = Date.now();
    await store.addressLimits.hit('complaints.public-intake', '10.0.0.1', now - 120_000, now - 60_000);
    await store.addressLimits.hit('complaints.status-lookup', '10.0.0.1', now - 60_000, now + 840_000);
    await new CaseSweeper(app.ctx, null).sweep();
    assert.equal(await store.addressLimits.count('complaints.public-intake', '10.0.0.1', now - 120_000), 0, 'ended: dropped');
    assert.equal(await store.addressLimits.count('complaints.status-lookup', '10.0.0.1', now - 60_000), 1, 'running: kept');
  } finally {
    await store.close();
  }
});

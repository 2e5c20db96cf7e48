/**
 * pruneOperational keeps the usage counters USAGE_KEPT_MONTHS (24) months, or the records'
 * retention when that is longer, and removes older days whole, over as many chunks as they take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { pruneOperational } from '../../../src/app/housekeeping.js';
import { DAY, T0, decision, item, msisdn, seedProvider } from '../../contract/fixtures.js';

test('usage counters older than 24 months go, whole days in chunks; younger ones stay though the records\' retention (5 months) is shorter', async () => {
  const store = new SqliteStore(':memory:');
  try {
    // now: 2026-11-30 12:00 Shanghai; the cut is 2024-11-30
    const app = new App({ store, clock: new SimulatedClock(T0), profile: resolveProfile('cn-2015') });
    const { cp, service } = await seedProvider(store);
    const at = (iso: string) => Date.parse(`${iso}T12:00:00+08:00`);
    await store.messages.decideAndRecord([
      item({ cp: cp.id, from: service, to: msisdn(), at: at('2024-11-28') }),
      item({ cp: cp.id, from: service, to: msisdn(), at: at('2024-11-29') }),
      item({ cp: cp.id, from: service, to: msisdn(), at: at('2024-11-30') }),
      item({ cp: cp.id, from: service, to: msisdn(), at: T0 - 200 * DAY }),
    ], () => decision(true));
    const r = await pruneOperational(app.ctx, 2);
    // two days of three keys (submitted, accepted, segments)
    assert.equal(r.usage, 6);
    const days = [...new Set((await store.usage.read({ from: '2000-01-01', to: '2100-01-01' })).map((u) => u.day))];
    assert.deepEqual(days, ['2024-11-30', '2026-05-14']);
  } finally {
    await store.close();
  }
});

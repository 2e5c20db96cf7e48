/**
 * pruneOperational repeats while any kind fills its chunk, the part ids of long messages too: a
 * message sent in many parts frees more part ids with its one status row than a chunk takes. Before,
 * it stopped once status rows and counters came in under a chunk, leaving the rest of the part ids
 * (and every later run met the same backlog, growing with each day's long messages).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { pruneOperational } from '../../../src/app/housekeeping.js';
import { DAY, T0, decision, item, msisdn, seedProvider } from '../../contract/fixtures.js';

test('the part ids of a long message whose status row went are pruned whole, over as many chunks as they take', async () => {
  const store = new SqliteStore(':memory:');
  try {
    // a year on: past the profile's retention (5 months)
    const app = new App({ store, clock: new SimulatedClock(T0 + 365 * DAY), profile: resolveProfile('cn-2015') });
    const { cp, service } = await seedProvider(store);
    const parts = ['p.1', 'p.2', 'p.3', 'p.4', 'p.5'];
    const long = { ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 }), channel: 'smpp' as const, clientPartIds: parts };
    await store.messages.decideAndRecord([long], () => decision(true));
    await store.outbox.claim(T0 + 10, 10, 60_000);
    await store.outbox.recordStatuses([{ id: long.id, status: 'submitted', at: T0 + 20 }]);
    await store.outbox.recordStatuses([{ id: long.id, status: 'delivered', at: T0 + 30 }]);
    assert.equal(await store.messages.messageOfPart(cp.id, 'p.5'), long.id);
    const r = await pruneOperational(app.ctx, 2);
    assert.equal(r.statuses, 1);
    assert.deepEqual(await Promise.all(parts.map((p) => store.messages.messageOfPart(cp.id, p))), parts.map(() => null));
  } finally {
    await store.close();
  }
});

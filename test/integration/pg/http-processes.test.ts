/**
 * The processes serving HTTP message requests, counted in PostgreSQL (src/app/http-processes.ts,
 * src/store/postgres/http-processes.ts), with two stores on one schema standing for two gateway
 * processes and the wall clock passed in: a process counts while it serves (not merely while it
 * runs), a process killed without leaving stops counting once its lease lapses, one that leaves
 * stops at once, and a round that cannot reach the store keeps the last count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { HttpProcesses, HTTP_PROCESS_LEASE_MS } from '../../../src/app/http-processes.js';
import { HttpThroughput } from '../../../src/app/http-throughput.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { TEST_PG_URL, withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

test('processes serving HTTP: counted while serving, dropped when the lease lapses or at leave, the last count kept when the store is out of reach', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    let wall = 1_000_000_000;
    const wallNow = () => wall;
    const mk = (store: PostgresStore, member: string) => {
      const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
      const changes: number[] = [];
      // the door and the rounds on one (fake) wall clock, as both are on Date.now in a gateway
      const door = new HttpThroughput(app.ctx, wallNow);
      const hp = new HttpProcesses(store.httpProcesses, door, { member, wallNow, onChange: (n) => changes.push(n) });
      return { door, hp, changes };
    };
    const a = mk(h.store, 'a');
    const b = mk(otherStore, 'b');
    // running, serving nothing: neither counts the other
    await a.hp.beat();
    await b.hp.beat();
    assert.equal(a.door.processCount, 1);
    assert.equal(b.door.processCount, 1);
    // A serves a message request (a provider without a limit): A marks itself; B, serving nothing yet, sees A
    await a.door.admit('cp_unlimited', 1);
    await a.hp.beat();
    await b.hp.beat();
    assert.equal(a.door.processCount, 1, 'A alone serves');
    assert.equal(b.door.processCount, 2, 'B would share with A');
    // B serves too: each sees the other
    await b.door.admit('cp_unlimited', 1);
    wall += 1000;
    await b.hp.beat();
    await a.hp.beat();
    assert.equal(a.door.processCount, 2);
    assert.deepEqual(a.changes, [2]);
    // B killed without leaving (it beats no more): counted until its lease lapses, then A has the whole rate
    wall += HTTP_PROCESS_LEASE_MS - 1;
    await a.door.admit('cp_unlimited', 1);
    await a.hp.beat();
    assert.equal(a.door.processCount, 2, 'B still within its lease');
    wall += 1;
    await a.hp.beat();
    assert.equal(a.door.processCount, 1, 'B\'s lease lapsed');
    // B back, serving; then leaving (graceful stop): A takes the whole rate at its next round, lease or not
    await b.door.admit('cp_unlimited', 1);
    await b.hp.beat();
    await a.hp.beat();
    assert.equal(a.door.processCount, 2);
    await b.hp.stop();
    await a.hp.beat();
    assert.equal(a.door.processCount, 1);
    // A process that stops serving lets its mark lapse: B (serving again) stops counting A
    await b.door.admit('cp_unlimited', 1);
    await b.hp.beat();
    await a.hp.beat();
    assert.equal(a.door.processCount, 2);
    wall += HTTP_PROCESS_LEASE_MS + 1;
    await b.door.admit('cp_unlimited', 1);
    await a.hp.beat(); // A served nothing within the lease: no renewal
    await b.hp.beat();
    assert.equal(b.door.processCount, 1, 'A serves nothing: not counted');

    // A process whose store is out of reach keeps the share it last knew, and says so once
    const gone = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 1 });
    const app = new App({ store: gone, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
    const errors: unknown[] = [];
    const door = new HttpThroughput(app.ctx, wallNow);
    const c = new HttpProcesses(gone.httpProcesses, door, { member: 'c', wallNow, onError: (e) => errors.push(e) });
    await door.admit('cp_unlimited', 1);
    await c.beat();
    assert.equal(door.processCount, 2, 'B serves too');
    await gone.close();
    await c.beat();
    await c.beat();
    assert.equal(door.processCount, 2, 'the last count, not the whole rate');
    assert.equal(errors.length, 1, 'one report per outage');
  });
});

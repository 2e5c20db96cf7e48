/**
 * takeWholeSet on PostgreSQL under a concurrent delete. Its DELETE counts the set's rows in the
 * statement's snapshot; a part deleted meanwhile by another transaction (an expiry's drop in another
 * process) is waited for, found gone and skipped, so the statement takes fewer rows than the set has
 * parts. Those must be put back, not lost: the set is not whole, and whichever process holds the rest
 * decides what becomes of them (the drop that raced it reports only what it found).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import type { ProviderPart } from '../../../src/ports/smpp-deliveries.js';

const T0 = Date.UTC(2026, 10, 20, 4);
const part = (seq: number): ProviderPart => ({ setKey: 'cp_a|1|2|8|7|3', seq, total: 3, octets: Buffer.from([0x4f, seq]), dataCoding: 8, partId: `p${seq}`, registeredDelivery: 1, at: T0 + seq });

test('takeWholeSet racing a delete of one part takes none for good: what it took goes back', { timeout: 30_000 }, async () => {
  const h = await openTestPgStore();
  const other = new pg.Client({ connectionString: TEST_PG_URL });
  await other.connect();
  try {
    const d = h.store.smppDeliveries;
    await d.keepParts([part(1), part(2), part(3)]);
    // another transaction deletes part 2 and holds its row lock
    await other.query('BEGIN');
    await other.query(`DELETE FROM ${h.schema}.provider_parts WHERE set_key = $1 AND seq = 2`, [part(2).setKey]);
    const taking = d.takeWholeSet(part(1).setKey, 3);
    // the DELETE waits on that lock (its snapshot still counts three rows)
    for (let i = 0; i < 100; i++) {
      const { rows } = await other.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
      if (Number(rows[0].n) > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await other.query('COMMIT');
    assert.equal(await taking, null, 'not whole');
    assert.deepEqual((await d.openParts()).map((p) => [p.seq, p.partId, Buffer.from(p.octets).toString('hex')]), [[1, 'p1', '4f01'], [3, 'p3', '4f03']], 'parts 1 and 3 back, intact');
  } finally {
    await other.end();
    await h.dispose();
  }
});

/**
 * A rolling upgrade across the lanes' subjects. An egress process of an earlier version consumes
 * only `<prefix>.mt.<p>` (before 2026-12-06; `mtx` from then, `mtv` from 2026-12-07): what a newer
 * relay hands over on a lane's subject of a partition it owns would wait in the stream, unread,
 * until it stops. So while such a process is live (its heartbeat in `queue_members`, written by its
 * own statement, without the lanes column of migration 112) a relay hands every message over on
 * `mt`, which every version reads; once its heartbeat lapses (stopped, or gone for good: an older
 * version refuses to start on the migrated schema), each lane goes by its own subject again.
 * Before: a code went by its lane's subject whoever owned the partition, never read there.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { busScene, startFirstPiece, suiteCleanups } from './bus-fixture.js';
import { partitionOf } from '../../../src/queue/subjects.js';

const PARTITIONS = 2;

describe('lanes during a rolling upgrade', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  test('while an egress process of an earlier version is live, a code is handed over on mt, which it reads; once it is gone, on mtv', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'a1b2c3');
    const ingress = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress', partitions: PARTITIONS });
    const { jsm, names } = ingress.roles.bus;
    // the earlier version's heartbeat, as its partitions.sql wrote it (it owns every partition)
    await h.store.pool.query('INSERT INTO queue_members (id, seen_until) VALUES ($1, $2)', ['egress_old_1', Date.now() + 60_000]);
    await h.store.pool.query("UPDATE queue_partitions SET owner = 'egress_old_1', lease_until = $1", [Date.now() + 60_000]);

    /** How many messages the stream holds on `subject`, once it holds `want` in all. */
    const onSubject = async (want: number): Promise<Record<string, number>> => {
      const t0 = Date.now();
      for (;;) {
        const info = await jsm.streams.info(names.stream, { subjects_filter: `${prefix}.>` });
        if (info.state.messages >= want || Date.now() - t0 > 10_000) return (info.state.subjects ?? {}) as Record<string, number>;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const first = '13900139101';
    const a = await ingress.app.submitMessage(principal, { from: seeded.service, to: first, text: `${seeded.signature}您的验证码是204817`, type: 'verification' }, 'http');
    assert.ok(a.ok, JSON.stringify(a));
    const during = await onSubject(1);
    assert.deepEqual(during, { [names.mt(partitionOf(`+86${first}`, PARTITIONS))]: 1 }, `handed over while the earlier version is live: ${JSON.stringify(during)}`);

    // the earlier process is stopped: its heartbeat lapses
    await h.store.pool.query('UPDATE queue_members SET seen_until = $2 WHERE id = $1', ['egress_old_1', Date.now() - 1]);
    await new Promise((r) => setTimeout(r, 300)); // the relay reads the fleet once per sweep (100 ms here)
    const second = '13900139102';
    const b = await ingress.app.submitMessage(principal, { from: seeded.service, to: second, text: `${seeded.signature}您的验证码是730155`, type: 'verification' }, 'http');
    assert.ok(b.ok, JSON.stringify(b));
    const after = await onSubject(2);
    assert.equal(after[names.mtCode(partitionOf(`+86${second}`, PARTITIONS))], 1, `handed over once it is gone: ${JSON.stringify(after)}`);
  });
});

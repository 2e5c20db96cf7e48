/** The end-of-run comparison shared by the chaos scenarios. */
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';
import { refOf, type LoadResult, type SinkState } from './harness.js';

/**
 * Accepted MT records of one provider (paged through the records API), without those an audit
 * record says took no effect (`records.uncommitted`: written just before a main commit that a
 * kill -9 prevented; docs/RECORDS.md, "Commit order"), which are returned apart.
 */
async function acceptedMt(store: Store, cpId: string): Promise<{ accepted: Set<string>; voided: Set<string> }> {
  const audits = await store.records.queryRecords({ kind: 'audit', limit: 1000 });
  const ranges = audits.records.filter((r) => r.body.action === 'records.uncommitted').map((r) => r.body as { fromSeq: number; toSeq: number });
  const accepted = new Set<string>();
  const voided = new Set<string>();
  let cursor: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const p = await store.records.queryRecords({ contentProviderId: cpId, kind: 'mt', limit: 1000, cursor });
    for (const r of p.records) {
      if (r.body.decision !== 'accepted') continue;
      (ranges.some((x) => r.seq >= x.fromSeq && r.seq <= x.toSeq) ? voided : accepted).add(r.id);
    }
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return { accepted, voided };
}

export interface ChaosReport {
  acked: number;
  unackedSent: number;
  unackedDelivered: number;
  delivered: number;
  sinkAttempts: number;
  redundantSubmits: number;
}

/**
 * Every acknowledged message reached the sink exactly once (the sink keeps one delivery per id and
 * no ref was delivered under two ids), no unacknowledged message twice, every delivery is an
 * accepted record and every accepted record a delivery, and nothing is left queued.
 */
export async function verifyRun(store: Store, cpId: string, load: LoadResult, sink: SinkState): Promise<ChaosReport> {
  const byRef = new Map<string, string[]>();
  for (const d of sink.deliveries) {
    const ref = refOf(d.text);
    assert.ok(ref, `delivery without a ref: ${d.text}`);
    byRef.set(ref, [...(byRef.get(ref) ?? []), d.id]);
  }
  for (const [ref, ids] of byRef) assert.equal(ids.length, 1, `${ref} delivered as ${ids.length} messages: ${ids}`);
  const deliveredIds = new Set(sink.deliveries.map((d) => d.id));
  assert.equal(deliveredIds.size, sink.deliveries.length);
  for (const [ref, id] of load.acked) {
    assert.ok(deliveredIds.has(id), `acknowledged ${ref} (${id}) never reached the sink`);
    assert.deepEqual(byRef.get(ref), [id]);
  }
  let unackedDelivered = 0;
  for (const ref of load.unacked) if (byRef.has(ref)) unackedDelivered++;
  const { accepted, voided } = await acceptedMt(store, cpId);
  assert.deepEqual([...deliveredIds].filter((id) => !accepted.has(id)), [], 'deliveries without an accepted record (that took effect)');
  assert.deepEqual([...accepted].filter((id) => !deliveredIds.has(id)), [], 'accepted records never delivered');
  const ackedIds = new Set(load.acked.values());
  assert.deepEqual([...voided].filter((id) => ackedIds.has(id)), [], 'records said to have taken no effect, yet acknowledged');
  assert.equal(await store.outbox.pendingCount(), 0);
  return {
    acked: load.acked.size, unackedSent: load.unacked.size, unackedDelivered, delivered: deliveredIds.size,
    sinkAttempts: sink.attempts, redundantSubmits: sink.attempts - deliveredIds.size,
  };
}

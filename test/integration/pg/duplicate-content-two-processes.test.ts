/**
 * Rule content.duplicate on PostgreSQL keeps its facts per process (src/store/recent-texts.ts,
 * docs/SCALING.md "Identical content"): no table is read or written per message for it. This test
 * states what that means: a copy decided by another process on the same database is not seen, so it
 * passes there; within one process it is. If the rule ever moves to a shared table, this test is the
 * one to turn around.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Facts } from '../../../src/pipeline/types.js';
import type { Store, SubmissionItem } from '../../../src/ports/store.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { T0, decision, item, msisdn, seedProvider } from '../../contract/fixtures.js';
import { textHash } from '../../../src/domain/text-hash.js';

const TEXT = '【示例】您的快递已到驿站';

async function factsOf(s: Store, it: SubmissionItem, accept: boolean): Promise<Facts> {
  let seen: Facts | undefined;
  await s.messages.decideAndRecord([it], (_i, f) => {
    seen = f;
    return decision(accept, TEXT);
  });
  return seen!;
}

test('PostgreSQL: an identical text accepted by one process is in that process\'s recentTexts only (a copy through another process is not seen)', async () => {
  await withTwoPgProcesses(async (h, other) => {
    const { cp, service } = await seedProvider(h.store);
    const to = msisdn();
    const n = (at: number) => item({ cp: cp.id, from: service, to, type: 'notification', text: TEXT, at });
    await factsOf(h.store, n(T0), true);
    assert.deepEqual((await factsOf(h.store, n(T0 + 1_000), false)).recentTexts?.map((r) => r.hash), [textHash(TEXT)], 'the same process sees it');
    assert.equal((await factsOf(other, n(T0 + 2_000), false)).recentTexts, undefined, 'another process does not');
  });
});

/**
 * Usage counters (UsageStore, SQLite 106, PostgreSQL 097): what the decision and status transactions
 * add, per provider, Asia/Shanghai day and key (src/domain/usage.ts), read back through the port.
 * Run by the store contract for each adapter; call inside a describe; `get` returns the store of the
 * current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';
import type { Decision } from '../../src/pipeline/types.js';
import type { UsageCount } from '../../src/domain/usage.js';
import { T0, MIN, HOUR, DAY, decision, item, msisdn, seedProvider } from './fixtures.js';

/** T0 is 2026-11-30 12:00 in Shanghai. */
const D0 = '2026-11-30';
const D1 = '2026-12-01';

/** One provider's counters as { day: { key: n } }. */
function byDay(rows: UsageCount[], cp: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) if (r.contentProviderId === cp) (out[r.day] ??= {})[r.key] = r.n;
  return out;
}

const read = (s: Store, cp: string, from = D0, to = D1) => s.usage.read({ contentProviderIds: [cp], from, to }).then((r) => byDay(r, cp));

function hold(text: string): Decision {
  const v = { rule: 'test.hold', article: 'test', profile: 'cn-2015', outcome: 'pass' as const, note: 'held' };
  return { accepted: false, held: true, verdicts: [v], rejection: { ...v, code: 'held_for_review', message: 'held' }, text, segments: 1, chars: text.length, pipeline: ['test.hold'] };
}

export function usageContract(get: () => Store): void {
  test('usage: a batch\'s decisions count submitted, accepted with their segments, rejected by code and held, on their Shanghai day', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const other = await seedProvider(s);
    const long = { ...decision(true), segments: 3 };
    const items = [
      item({ cp: cp.id, from: service, to: msisdn() }),
      item({ cp: cp.id, from: service, to: msisdn() }),
      item({ cp: cp.id, from: service, to: msisdn() }),
      item({ cp: cp.id, from: service, to: null }),
      item({ cp: cp.id, from: service, to: msisdn() }),
      // 00:00 the next day in Shanghai (16:00 UTC): the next day's figures
      item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 12 * HOUR }),
      item({ cp: other.cp.id, from: other.service, to: msisdn() }),
    ];
    const decisions = [decision(true), long, decision(false), decision(false), hold('【示例】待审'), decision(true), decision(true)];
    await s.messages.decideAndRecord(items, (it) => decisions[items.indexOf(it)]);
    assert.deepEqual(await read(s, cp.id), {
      [D0]: { submitted: 5, accepted: 2, segments: 4, 'rejected:frequency_exceeded': 2, held: 1 },
      [D1]: { submitted: 1, accepted: 1, segments: 1 },
    });
    // another batch adds to the same rows
    await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn(), at: T0 + MIN })], () => decision(true));
    assert.deepEqual((await read(s, cp.id, D0, D0))[D0], { submitted: 6, accepted: 3, segments: 5, 'rejected:frequency_exceeded': 2, held: 1 });
    // the other provider's apart; all providers when none is named; an empty list matches nothing
    assert.deepEqual(await read(s, other.cp.id), { [D0]: { submitted: 1, accepted: 1, segments: 1 } });
    const all = await s.usage.read({ from: D0, to: D1 });
    assert.ok(all.some((r) => r.contentProviderId === other.cp.id) && all.some((r) => r.contentProviderId === cp.id));
    assert.deepEqual(await s.usage.read({ contentProviderIds: [], from: D0, to: D1 }), []);
    // the range is inclusive by day
    assert.deepEqual(await read(s, cp.id, D1, D1), { [D1]: { submitted: 1, accepted: 1, segments: 1 } });
    // ordered by provider, day, key
    const mine = await s.usage.read({ contentProviderIds: [cp.id], from: D0, to: D1 });
    assert.deepEqual(mine.map((r) => `${r.day} ${r.key}`), [...mine.map((r) => `${r.day} ${r.key}`)].sort());
  });

  test('usage: statuses count once each (a repeated receipt changes nothing), on the day of the status; cancel counts', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const its = [0, 1, 2, 3, 4].map(() => item({ cp: cp.id, from: service, to: msisdn() }));
    await s.messages.decideAndRecord(its, () => decision(true));
    const [a, b, c, d, e] = its;
    await s.outbox.recordStatuses([
      { id: a.id, status: 'submitted', at: T0 + 1, upstreamId: `UPU_${a.id}` },
      { id: b.id, status: 'submitted', at: T0 + 1, upstreamId: `UPU_${b.id}` },
      // a submitted and its early receipt in one call (the store may fold them into one update)
      { id: c.id, status: 'submitted', at: T0 + 1, upstreamId: `UPU_${c.id}` },
      { id: c.id, status: 'undeliverable', at: T0 + 2 },
    ]);
    // receipts: a's delivered twice (a duplicate DLR), b's expired the next Shanghai day
    const r1 = await s.outbox.applyReceipts([{ upstreamId: `UPU_${a.id}`, status: 'delivered', at: T0 + MIN }]);
    assert.equal(r1.changed.length, 1);
    const r2 = await s.outbox.applyReceipts([
      { upstreamId: `UPU_${a.id}`, status: 'delivered', at: T0 + 2 * MIN },
      { upstreamId: `UPU_${b.id}`, status: 'expired', at: T0 + DAY },
      { upstreamId: 'UPU_nobody', status: 'delivered', at: T0 + 2 * MIN },
    ]);
    assert.equal(r2.changed.length, 1);
    await s.outbox.recordStatuses([{ id: a.id, status: 'delivered', at: T0 + 3 * MIN }]);
    // d failed; e cancelled by its sender (a second cancel is `final` and counts nothing)
    await s.outbox.recordStatuses([{ id: d.id, status: 'failed', at: T0 + 4 * MIN }]);
    assert.equal(await s.outbox.cancel(e.id, cp.id, T0 + 5 * MIN, 'cancelled by sender'), 'cancelled');
    assert.equal(await s.outbox.cancel(e.id, cp.id, T0 + 6 * MIN, 'cancelled by sender'), 'final');
    assert.deepEqual(await read(s, cp.id), {
      [D0]: { submitted: 5, accepted: 5, segments: 5, sent: 3, delivered: 1, undeliverable: 1, failed: 1, cancelled: 1 },
      [D1]: { expired: 1 },
    });
  });

  test('usage: an operator\'s review counts released (with the segments it will be billed for) or review_rejected, on the review\'s day', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    // 71 Chinese characters: 2 UCS-2 segments
    const text = `【示例】${'好'.repeat(67)}`;
    const kept = item({ cp: cp.id, from: service, to: msisdn(), text });
    const gone = item({ cp: cp.id, from: service, to: msisdn(), text });
    const cancelled = item({ cp: cp.id, from: service, to: msisdn(), text });
    await s.messages.decideAndRecord([kept, gone, cancelled], () => ({ ...hold(text), segments: 2 }));
    await s.messages.resolveHeld(kept.id, { action: 'release', at: T0 + DAY, actor: 'admin_1', reason: 'fine' });
    await s.messages.resolveHeld(gone.id, { action: 'reject', at: T0 + DAY, actor: 'admin_1', reason: 'no' });
    // resolved already: nothing more
    assert.equal(await s.messages.resolveHeld(gone.id, { action: 'release', at: T0 + DAY, actor: 'admin_1', reason: 'again' }), null);
    // a held message cancelled by its sender
    assert.equal(await s.outbox.cancel(cancelled.id, cp.id, T0 + MIN, 'cancelled by sender'), 'cancelled');
    assert.deepEqual(await read(s, cp.id), {
      [D0]: { submitted: 3, held: 3, cancelled: 1 },
      [D1]: { released: 1, segments: 2, review_rejected: 1 },
    });
  });

  test('usage: concurrent batches of one provider and day add up, none lost, none deadlocked (their rows upserted in one order)', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const other = await seedProvider(s);
    // each batch touches both providers, in opposite orders in half of them
    const batches = Array.from({ length: 6 }, (_, b) => {
      const its = Array.from({ length: 10 }, (_, i) => (i % 2 === b % 2 ? item({ cp: cp.id, from: service, to: msisdn() }) : item({ cp: other.cp.id, from: other.service, to: msisdn() })));
      return its;
    });
    await Promise.all(batches.map((its, b) => s.messages.decideAndRecord(its, () => decision(b % 3 !== 0))));
    const mine = (await read(s, cp.id))[D0];
    const theirs = (await read(s, other.cp.id))[D0];
    assert.equal(mine.submitted + theirs.submitted, 60);
    assert.equal(mine.accepted + theirs.accepted, 40);
    assert.equal(mine['rejected:frequency_exceeded'] + theirs['rejected:frequency_exceeded'], 20);
  });

  test('usage: a decision batch that fails leaves no counts (the counters commit with what they count)', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const its = [item({ cp: cp.id, from: service, to: msisdn() }), item({ cp: cp.id, from: service, to: msisdn() })];
    let n = 0;
    await assert.rejects(s.messages.decideAndRecord(its, () => {
      if (n++ === 1) throw new Error('boom');
      return decision(true);
    }));
    assert.deepEqual(await read(s, cp.id), {});
  });

  test('usage: a replacement is no new message (submitted and the first outcome stay); the segments billed follow the text that will go', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const [a, b, c, d] = [0, 1, 2, 3].map(() => item({ cp: cp.id, from: service, to: msisdn() }));
    await s.messages.decideAndRecord([a, b, d], () => decision(true));
    await s.messages.decideAndRecord([c], () => hold('【示例】请复核'));
    assert.deepEqual(await read(s, cp.id), { [D0]: { submitted: 4, accepted: 3, held: 1, segments: 3 } });
    const NEW = '【示例】新的文字';
    const replace = (it: typeof a, dec: Decision, n: string) => s.messages.replaceQueued({
      item: { ...it, candidate: { ...it.candidate, text: NEW } }, previousText: it.candidate.text, at: T0 + MIN, detail: 'text replaced by tok_t', recordId: `${it.id}:replaced:${n}`,
    }, () => dec);
    await replace(a, { ...decision(true, NEW), segments: 3 }, 'a'); // accepted 1 → accepted 3: +2
    await replace(b, hold(NEW), 'b'); // accepted 1 → held: -1 (counted when released)
    await replace(c, { ...decision(true, NEW), segments: 2 }, 'c'); // held → accepted 2: +2
    await replace(d, decision(false, NEW), 'd'); // refused: nothing changes
    assert.deepEqual(await read(s, cp.id), { [D0]: { submitted: 4, accepted: 3, held: 1, segments: 6 } });
  });

  test('usage: prune removes the days before the cut, in chunks', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    await s.messages.decideAndRecord([
      item({ cp: cp.id, from: service, to: msisdn(), at: T0 - 2 * DAY }),
      item({ cp: cp.id, from: service, to: msisdn(), at: T0 - DAY }),
      item({ cp: cp.id, from: service, to: msisdn() }),
    ], () => decision(true));
    // 2 days x 3 keys before D0
    assert.equal(await s.usage.prune(D0, 4), 4);
    assert.equal(await s.usage.prune(D0, 4), 2);
    assert.equal(await s.usage.prune(D0, 4), 0);
    assert.deepEqual(await read(s, cp.id, '2026-11-01', D1), { [D0]: { submitted: 1, accepted: 1, segments: 1 } });
  });
}

/**
 * The baseline keeper writes only the baselines that changed since its last save (docs/CONTENT.md
 * "Baselines kept across restarts"): counted through the store port, a save after a minute in which
 * one provider of two sent writes that provider and its port, not every key; a save with nothing
 * folded writes nothing; a save that failed is retried at the next; a restarted process does not write
 * back what it restored; a reset is kept by the store's reset, then the key's new baseline is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteContentStore } from '../../../src/store/sqlite/content.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { installContentGovernance } from '../../../src/app/content-install.js';
import type { ContentGovernance } from '../../../src/app/content-governance.js';
import { BaselineKeeper } from '../../../src/app/baseline-keeper.js';
import type { BaselineState } from '../../../src/content/early-warning.js';
import type { ContentStore } from '../../../src/ports/content.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

const ADMIN = { role: 'admin', actorId: 'admin_test' } as const;

/** The content store with every `saveBaselines` call's rows recorded, and a switch to make the next one fail. */
function counting(inner: ContentStore): { store: ContentStore; saves: BaselineState[][]; failNext: () => void } {
  const saves: BaselineState[][] = [];
  let fail = false;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'saveBaselines') {
        return async (rows: readonly BaselineState[], savedAt: number) => {
          if (fail) {
            fail = false;
            throw new Error('disk full');
          }
          saves.push([...rows]);
          return target.saveBaselines(rows, savedAt);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store, saves, failNext: () => (fail = true) };
}

interface Proc {
  gov: ContentGovernance;
  keeper: BaselineKeeper;
  clock: SimulatedClock;
  saves: BaselineState[][];
  failNext: () => void;
  errors: unknown[];
}

async function proc(db: SqliteStore, at: number): Promise<Proc> {
  const clock = new SimulatedClock(at);
  const app = new App({ store: db, clock, profile: resolveProfile('cn-2015') });
  const { store, saves, failNext } = counting(new SqliteContentStore(db.db));
  const gov = await installContentGovernance(app, store);
  const errors: unknown[] = [];
  // saves run by the test (keeper.save), not on a timer
  const keeper = new BaselineKeeper(gov, { onError: (e) => errors.push(e) });
  return { gov, keeper, clock, saves, failNext, errors };
}

/** `buckets` buckets of 10 s, one message of each named provider (on its own port) in each. */
function traffic(p: Proc, buckets: number, providers: string[]): void {
  for (let i = 0; i < buckets; i++) {
    for (const cp of providers) p.gov.observe({ kind: 'submission', at: p.clock.now(), contentProviderId: cp, port: `1069${cp.slice(-1)}`, accepted: true });
    p.clock.advance(10_000);
  }
}

/** The keys one save wrote, sorted. */
const keys = (rows: BaselineState[] | undefined) => (rows ?? []).map((r) => `${r.scope}:${r.key}`).sort();

test('the baseline keeper writes only the baselines changed since its last save, retries a failed one, and does not write back what it restored', async () => {
  const db = new SqliteStore(':memory:');
  try {
    const a = await proc(db, NOON_SHANGHAI);
    traffic(a, 14, ['cp_1', 'cp_2']);
    await a.keeper.save();
    assert.deepEqual(keys(a.saves.at(-1)), ['port:10691', 'port:10692', 'provider:cp_1', 'provider:cp_2'], 'the first save writes every key');

    await a.keeper.save();
    assert.equal(a.saves.length, 1, 'nothing folded since: nothing written');

    traffic(a, 6, ['cp_1']);
    await a.keeper.save();
    assert.deepEqual(keys(a.saves.at(-1)), ['port:10691', 'provider:cp_1'], 'cp_1 alone sent: its keys alone written');
    const kept = await new SqliteContentStore(db.db).loadBaselines();
    assert.deepEqual(kept.find((r) => r.key === 'cp_1'), a.gov.monitor.baselines().find((r) => r.key === 'cp_1'));

    // a save that fails is retried at the next: the change is not taken for written
    traffic(a, 2, ['cp_2']);
    a.failNext();
    await a.keeper.save();
    assert.equal(a.errors.length, 1);
    await a.keeper.save();
    assert.deepEqual(keys(a.saves.at(-1)), ['port:10692', 'provider:cp_2']);
    await a.keeper.stop();

    // a process started later restores every key and writes none of them back
    const b = await proc(db, a.clock.now() + 3_600_000);
    await b.keeper.save();
    assert.equal(b.saves.length, 0, 'the restored baselines are what the store holds');
    traffic(b, 1, ['cp_2']);
    traffic(b, 1, []); // closes the bucket, folded at the next event
    traffic(b, 1, ['cp_2']);
    await b.keeper.save();
    assert.deepEqual(keys(b.saves.at(-1)), ['port:10692', 'provider:cp_2']);

    // an operator's reset is kept by the store's reset; the key's new baseline is written once it folds
    await b.gov.baselineView(ADMIN, 'provider', 'cp_1'); // the operator looks first: cp_1 folds its quiet buckets since the start
    await b.keeper.save();
    assert.deepEqual(keys(b.saves.at(-1)), ['provider:cp_1']);
    await b.gov.resetBaseline(ADMIN, 'provider', 'cp_1');
    await b.keeper.save();
    assert.equal(b.saves.length, 2, 'an emptied baseline is not written (the reset emptied the kept one)');
    assert.equal((await new SqliteContentStore(db.db).loadBaselines()).find((r) => r.key === 'cp_1')?.completed, 0);
    traffic(b, 3, ['cp_1']);
    await b.keeper.save();
    assert.deepEqual(keys(b.saves.at(-1)), ['port:10691', 'provider:cp_1']);
    const after = (await new SqliteContentStore(db.db).loadBaselines()).find((r) => r.key === 'cp_1');
    assert.equal(after?.resetAt, b.clock.now() - 30_000);
    assert.equal(after?.completed, 2);
    await b.keeper.stop();
  } finally {
    await db.close();
  }
});

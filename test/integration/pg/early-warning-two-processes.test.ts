/**
 * The early-warning monitor judges the deployment's traffic, not one process's share (docs/CONTENT.md
 * "Several processes", src/app/monitor-share.ts): two apps with content governance on one PostgreSQL
 * schema stand for two gateway processes, each fed half of a provider's traffic, and their share
 * rounds are run by hand (`beat`) where a gateway runs one a second.
 *
 * - Prohibited hits, threshold 3: two in each process. Neither share reaches 3; the sum, 4, does: one
 *   alert and one `hold` for the deployment (the claim), in force on both processes; lifted through
 *   one, lifted on the other at its next round.
 * - Volume: a baseline built from both processes' traffic, then a burst of 100 in a window split 50/50.
 *   Each share is below the volume floor (60), so a process judging only its own never alerts; the sum
 *   trips the z-score: one throttle, in force on both and split between them (50 + 50 a second).
 *
 * Before the shared counts each process judged its own share: no alert in either case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { installContentGovernance } from '../../../src/app/content-install.js';
import type { ContentGovernance } from '../../../src/app/content-governance.js';
import { MonitorShare } from '../../../src/app/monitor-share.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { PgContentStore } from '../../../src/store/postgres/content.js';
import { DEFAULT_EARLY_WARNING_POLICY } from '../../../src/content/default-policy.js';
import type { EarlyWarningPolicy } from '../../../src/content/early-warning.js';
import type { MonitorShareStore } from '../../../src/ports/monitor-share.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

const ADMIN = { role: 'admin', actorId: 'admin_test' } as const;

interface Proc {
  gov: ContentGovernance;
  share: MonitorShare;
  clock: SimulatedClock;
  content: PgContentStore;
}

async function proc(store: PostgresStore, member: string, policy: EarlyWarningPolicy, wall: () => number): Promise<Proc> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const content = new PgContentStore(store.pool, store.writer);
  const gov = await installContentGovernance(app, content, { policy });
  // rounds run by the test (beat), not on a timer
  const share = new MonitorShare(gov, store.monitorShare, { member, now: () => clock.now(), wallNow: wall });
  return { gov, share, clock, content };
}

/**
 * Two processes judging volume only (the other rules stay out of the figures' way) on one wall clock:
 * `send` one message through a process, `tick` moves both app clocks and the wall clock and runs a
 * round of each, `baseline` builds 20 buckets of 10 s with two messages each (one per process).
 */
async function volumePair(h: { store: PostgresStore }, otherStore: PostgresStore) {
  let wall = 1_000_000_000;
  const policy: EarlyWarningPolicy = { ...DEFAULT_EARLY_WARNING_POLICY, rules: DEFAULT_EARLY_WARNING_POLICY.rules.filter((r) => r.id === 'volume_spike_provider') };
  const a = await proc(h.store, 'a', policy, () => wall);
  const b = await proc(otherStore, 'b', policy, () => wall);
  const send = (p: Proc) => p.gov.observe({ kind: 'submission', at: p.clock.now(), contentProviderId: 'cp_1', port: '10690001', accepted: true });
  const tick = async (ms: number) => {
    for (const p of [a, b]) p.clock.advance(ms);
    wall += ms;
    await a.share.beat();
    await b.share.beat();
    await a.gov.flush();
    await b.gov.flush();
  };
  const baseline = async () => {
    // a round every 5 s
    for (let i = 0; i < 20; i++) {
      send(a);
      send(b);
      await tick(5000);
      await tick(5000);
    }
  };
  return { policy, a, b, send, tick, baseline, wall: () => wall };
}

test('early warning over two processes: prohibited hits split between them trip the rule once for the deployment; the hold and its lifting reach both', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    let wall = 1_000_000_000;
    const policy = DEFAULT_EARLY_WARNING_POLICY; // prohibited_hits: 3 in the window → hold
    const a = await proc(h.store, 'a', policy, () => wall);
    const b = await proc(otherStore, 'b', policy, () => wall);
    const hit = (p: Proc) => p.gov.observe({ kind: 'content', at: p.clock.now(), contentProviderId: 'cp_1', port: '10690001', prohibited: true });
    hit(a);
    hit(a);
    hit(b);
    hit(b);
    await a.gov.flush();
    await b.gov.flush();
    assert.deepEqual(await a.content.listAlerts({ limit: 10 }), [], 'neither share reaches 3 on its own');
    assert.equal(a.gov.monitor.snapshot('provider', 'cp_1', a.clock.now())!.prohibited, 2);

    await a.share.beat(); // A tells its 2
    await b.share.beat(); // B tells its 2, reads A's: 4 ≥ 3, B raises the alert and holds cp_1
    await b.gov.flush();
    await a.share.beat(); // A reads B's 2: 4 ≥ 3 too, but B's claim covers the window; A takes B's hold
    await a.gov.flush();
    assert.equal(a.gov.monitor.snapshot('provider', 'cp_1', a.clock.now())!.prohibited, 4, 'A judges the deployment\'s window');
    assert.equal(b.gov.monitor.snapshot('provider', 'cp_1', b.clock.now())!.prohibited, 4);
    const alerts = await a.content.listAlerts({ limit: 10 });
    assert.equal(alerts.length, 1, 'one alert for the deployment, not one per process');
    assert.equal(alerts[0].rule, 'prohibited_hits');
    assert.equal(alerts[0].value, 4);
    const actions = await a.content.listActions(true);
    assert.equal(actions.length, 1, 'one action');
    assert.deepEqual(actions[0].action, { kind: 'hold' });
    for (const p of [a, b]) assert.deepEqual(p.gov.actions.admit('cp_1', '10690001', p.clock.now()), { outcome: 'held', actionId: actions[0].id });

    // More hits in the same window raise nothing more, on either process.
    hit(a);
    hit(b);
    await a.share.beat();
    await b.share.beat();
    await a.share.beat();
    await a.gov.flush();
    await b.gov.flush();
    assert.equal((await a.content.listAlerts({ limit: 10 })).length, 1);

    // Lifted through A: B lifts it at its next round.
    wall += 1000;
    await a.gov.liftAction(ADMIN, actions[0].id);
    assert.deepEqual(a.gov.actions.admit('cp_1', '10690001', a.clock.now()), { outcome: 'pass' });
    assert.equal(b.gov.actions.admit('cp_1', '10690001', b.clock.now()).outcome, 'held', 'B has not heard yet');
    await b.share.beat();
    assert.deepEqual(b.gov.actions.admit('cp_1', '10690001', b.clock.now()), { outcome: 'pass' }, 'B lifted it at its round');
    await a.share.stop();
    await b.share.stop();
  });
});

test('early warning over two processes: a burst split 50/50, each half under the volume floor, trips the volume rule on the sum of both baselines and windows', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { policy, a, b, send, tick, baseline } = await volumePair(h, otherStore);
    await baseline();
    const base = a.gov.monitor.snapshot('provider', 'cp_1', a.clock.now())!;
    assert.ok(base.baselineBuckets >= policy.minBaselineBuckets, `baseline of ${base.baselineBuckets} buckets`);
    assert.ok(Math.abs(base.baselinePerWindow - 12) < 0.5, `the baseline is the deployment's 2 a bucket (12 a window): ${base.baselinePerWindow}`);
    assert.deepEqual(await a.content.listAlerts({ limit: 10 }), []);

    // The burst: 100 in 10 s, 5 to each process between rounds of a second.
    for (let s = 0; s < 10; s++) {
      for (let k = 0; k < 5; k++) {
        send(a);
        send(b);
      }
      await tick(1000);
    }
    const alerts = await a.content.listAlerts({ limit: 10 });
    assert.equal(alerts.length, 1, `one volume alert for the deployment: ${JSON.stringify(alerts.map((x) => [x.rule, x.value]))}`);
    assert.equal(alerts[0].rule, 'volume_spike_provider');
    assert.ok(alerts[0].figures.submitted >= policy.volumeFloor && alerts[0].figures.submitted <= 112, `the window's sum: ${alerts[0].figures.submitted}`);
    const actions = await a.content.listActions(true);
    assert.equal(actions.length, 1);
    assert.deepEqual(actions[0].action, { kind: 'throttle', perSecond: 100 });
    // In force on both, and split between the two processes judging messages: 50 a second each.
    for (const p of [a, b]) {
      assert.equal(p.gov.actions.processCount, 2);
      const now = p.clock.now();
      let passed = 0;
      for (let i = 0; i < 200; i++) if (p.gov.actions.admit('cp_1', '10690001', now).outcome === 'pass') passed++;
      assert.equal(passed, 50, 'this process\'s share of the 100 a second');
    }
    await a.share.stop();
    await b.share.stop();
  });
});

test('early warning over two processes: a round that cannot reach the store keeps the others\' counts last read, is reported once, and this process\'s counts are told at the next round that does', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const wall = () => 1_000_000_000;
    const policy = DEFAULT_EARLY_WARNING_POLICY;
    const a = await proc(h.store, 'a', policy, wall);
    const b = await proc(otherStore, 'b', policy, wall);
    // A's share rounds through a store that can be cut off (failures injected in front of the real one)
    let down = false;
    const errors: unknown[] = [];
    const real = h.store.monitorShare;
    const flaky: MonitorShareStore = {
      exchange: (...args) => (down ? Promise.reject(new Error('connection refused')) : real.exchange(...args)),
      claim: (...args) => real.claim(...args),
      leave: (m) => real.leave(m),
    };
    const aShare = new MonitorShare(a.gov, flaky, { member: 'a2', now: () => a.clock.now(), wallNow: wall, onError: (e) => errors.push(e) });
    const hit = (p: Proc) => p.gov.observe({ kind: 'content', at: p.clock.now(), contentProviderId: 'cp_1', port: '10690001', prohibited: true });
    hit(b);
    await b.share.beat();
    await aShare.beat();
    assert.equal(a.gov.monitor.snapshot('provider', 'cp_1', a.clock.now())!.prohibited, 1, 'A has B\'s hit');
    hit(a);
    down = true;
    await aShare.beat();
    await aShare.beat();
    assert.equal(errors.length, 1, 'one report per outage');
    assert.equal(a.gov.monitor.snapshot('provider', 'cp_1', a.clock.now())!.prohibited, 2, 'B\'s hit kept while the store is out of reach');
    await b.share.beat();
    assert.equal(b.gov.monitor.snapshot('provider', 'cp_1', b.clock.now())!.prohibited, 1, 'A\'s hit not told yet');
    down = false;
    await aShare.beat();
    await b.share.beat();
    assert.equal(b.gov.monitor.snapshot('provider', 'cp_1', b.clock.now())!.prohibited, 2, 'A\'s hit told at the round that reached the store');
  });
});

test('early warning over two processes: a baseline kept in the store comes back in a process started later; an operator\'s reset through one process reaches the other at its round, and the other cannot write the old baseline back', async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { policy, a, b, baseline, wall } = await volumePair(h, otherStore);
    await baseline();
    const buckets = (p: Proc) => p.gov.monitor.snapshot('provider', 'cp_1', p.clock.now())!.baselineBuckets;
    assert.ok(buckets(a) >= policy.minBaselineBuckets && buckets(b) >= policy.minBaselineBuckets);
    await a.gov.saveBaselines();

    // a third process starting now judges volume at once, on the kept baseline
    const c = await proc(h.store, 'c', policy, wall);
    assert.equal(buckets(c), buckets(a), 'restored at start');
    assert.ok(Math.abs(c.gov.monitor.snapshot('provider', 'cp_1', c.clock.now())!.baselinePerWindow - 12) < 0.5);

    const view = await a.gov.resetBaseline(ADMIN, 'provider', 'cp_1');
    assert.equal(view.figures.baselineBuckets, 0);
    assert.equal(view.resetAt, a.clock.now());
    assert.ok(buckets(b) >= policy.minBaselineBuckets, 'B has not heard yet');
    await b.gov.saveBaselines(); // B's old baseline: refused by the store
    assert.equal((await a.content.loadBaselines()).find((r) => r.scope === 'provider')?.completed, 0);
    await b.share.beat();
    assert.equal(buckets(b), 0, 'B applied the reset at its round');
    assert.equal(b.gov.monitor.keyInfo('provider', 'cp_1')?.resetAt, view.resetAt);
    await c.share.beat();
    assert.equal(buckets(c), 0);
    for (const p of [a, b, c]) await p.share.stop();
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ActionBook, EarlyWarningMonitor, validatePolicy, type Alert, type EarlyWarningPolicy, type MonitorEvent } from '../../../src/content/early-warning.js';
import { DEFAULT_EARLY_WARNING_POLICY } from '../../../src/content/default-policy.js';

const T0 = Date.UTC(2026, 10, 29, 8, 0, 0);
const policy = DEFAULT_EARLY_WARNING_POLICY;
const windowMs = policy.bucketMs * policy.windowBuckets;

/** `n` submissions spread evenly over [from, from+ms), plus opt-outs at the given share of them. */
function traffic(cp: string, port: string, from: number, ms: number, n: number, optOutShare = 0): MonitorEvent[] {
  const ev: MonitorEvent[] = [];
  const optOutEvery = optOutShare > 0 ? Math.round(1 / optOutShare) : 0;
  for (let i = 0; i < n; i++) {
    const at = from + Math.floor((i * ms) / n);
    ev.push({ kind: 'submission', at, contentProviderId: cp, port, accepted: true, commercialScore: 0.1 });
    if (optOutEvery && i % optOutEvery === optOutEvery - 1) ev.push({ kind: 'opt_out', at, contentProviderId: cp, port });
  }
  return ev;
}

function merge(...lists: MonitorEvent[][]): MonitorEvent[] {
  return lists.flat().sort((a, b) => a.at - b.at);
}

describe('early warning', () => {
  test('shipped policy is valid; invalid policies report every problem', () => {
    assert.deepEqual(validatePolicy(policy), []);
    const bad = { ...policy, alpha: 2, rules: [{ id: 'x', metric: 'nope', scope: 'port', threshold: 1, severity: 'warning', action: { kind: 'throttle', perSecond: 0 } }] } as unknown as EarlyWarningPolicy;
    assert.equal(validatePolicy(bad).length, 3);
    assert.throws(() => new EarlyWarningMonitor(bad), /invalid early-warning policy/);
  });

  test('an operator\'s policy file: wrong types, missing numbers, unknown fields and null rules are named, not taken by coercion or dropped', () => {
    const rule = { id: 'v', metric: 'volume', scope: 'provider', threshold: 6, severity: 'warning', action: { kind: 'alert' } };
    const bad = {
      ...policy, volumeFloor: '60', minBaselineBuckets: undefined, bucketMS: 5000,
      rules: [{ ...rule, severity: 'high' }, { ...rule, id: 'w', minSamples: 'x', treshold: 3 }, null, { ...rule, id: undefined }, { ...rule, id: 'z', action: { kind: 'alert', perSecnd: 5 } }],
    } as unknown as EarlyWarningPolicy;
    const errs = validatePolicy(bad);
    for (const said of [
      /^volumeFloor: /, /^minBaselineBuckets: /, /^bucketMS: unknown field/, /^rules\[0\]\.severity: warning or critical/, /^rules\[1\]\.minSamples: /,
      /^rules\[1\]\.treshold: unknown field/, /^rules\[2\]: an object/, /^rules\[3\]\.id: /, /^rules\[4\]\.action\.perSecnd: unknown field/,
    ]) assert.ok(errs.some((e) => said.test(e)), `${said} in ${JSON.stringify(errs)}`);
    assert.deepEqual(validatePolicy({ ...policy, rules: 'none' } as unknown as EarlyWarningPolicy), ['rules: required array']);
  });

  test('simulated campaign: a 20× jump with rising opt-outs fires within one window and throttles only that provider', () => {
    const mon = new EarlyWarningMonitor(policy);
    const book = new ActionBook();
    const alerts: Alert[] = [];
    // 10 minutes of ordinary traffic: about 1 msg/s each, a few opt-outs in a thousand
    const base = 10 * 60_000;
    for (const e of merge(traffic('cpA', '10690001', T0, base, 600, 0.002), traffic('cpB', '10690002', T0, base, 600, 0.002))) {
      for (const a of mon.observe(e)) alerts.push(a);
    }
    assert.equal(alerts.length, 0, 'no alert on ordinary traffic');
    // campaign: cpA 20× (20 msg/s), opt-outs rising from 1 % to 6 %; cpB unchanged
    const start = T0 + base;
    const campaign: MonitorEvent[] = [];
    for (let s = 0; s < 6; s++) campaign.push(...traffic('cpA', '10690001', start + s * 10_000, 10_000, 200, 0.01 * (s + 1)));
    const firedAt: Record<string, number> = {};
    for (const e of merge(campaign, traffic('cpB', '10690002', start, windowMs, 60, 0.002))) {
      if (e.kind === 'submission' && e.contentProviderId === 'cpB') assert.deepEqual(book.admit('cpB', e.port!, e.at), { outcome: 'pass' });
      for (const a of mon.observe(e)) {
        alerts.push(a);
        firedAt[a.rule] ??= a.at;
        book.apply(a);
      }
    }
    assert.ok(firedAt.volume_spike_provider !== undefined, 'volume alert fired');
    assert.ok(firedAt.volume_spike_provider - start < windowMs, 'within one window');
    assert.ok(firedAt.opt_out_rate_high !== undefined && firedAt.opt_out_rate_high - start < windowMs, 'opt-out alert fired within the window');
    assert.ok(alerts.every((a) => a.contentProviderId === 'cpA'), 'cpB untouched');
    const spike = alerts.find((a) => a.rule === 'volume_spike_provider')!;
    assert.ok(spike.figures.zScore >= policy.rules[0].threshold && spike.figures.submitted > spike.figures.baselinePerWindow);
    // the strictest action in force for cpA is the opt-out throttle (5/s): 100 messages in one second
    // pass at most one second's burst plus one second's refill
    const act = book.active('provider', 'cpA')!;
    assert.equal(act.action.kind, 'throttle');
    const t = start + windowMs + 1000;
    let passed = 0;
    for (let i = 0; i < 100; i++) if (book.admit('cpA', '10690001', t + i * 10).outcome === 'pass') passed++;
    const perSecond = act.action.kind === 'throttle' ? act.action.perSecond : 0;
    assert.equal(perSecond, 5);
    assert.ok(passed <= 2 * perSecond + 1 && passed >= perSecond, `${passed} passed`);
    for (let i = 0; i < 100; i++) assert.equal(book.admit('cpB', '10690002', t + i * 10).outcome, 'pass');
    // an operator lifts it: cpA passes again
    for (const r of book.list()) book.lift(r.id, 'op-1', t + 2000);
    assert.equal(book.active('provider', 'cpA'), undefined);
    assert.equal(book.admit('cpA', '10690001', t + 3000).outcome, 'pass');
    assert.equal(book.list()[0].liftedBy, 'op-1');
  });

  test('a rate needs its minimum of events: one unverified complaint no longer holds a provider, the third in the window does', () => {
    const mon = new EarlyWarningMonitor({ ...policy, rules: policy.rules.filter((r) => r.id === 'complaint_rate_high') });
    // 300 accepted in the minute: one complaint is 1/300 ≥ 0.002, which held the provider on its own
    for (let i = 0; i < 300; i++) assert.deepEqual(mon.observe({ kind: 'submission', at: T0 + i * 100, contentProviderId: 'cp', port: 'p', accepted: true }), []);
    const complaint = (at: number) => mon.observe({ kind: 'complaint', at, contentProviderId: 'cp' });
    assert.deepEqual(complaint(T0 + 30_000), [], 'one complaint: no alert, no hold');
    assert.deepEqual(complaint(T0 + 30_100), [], 'two: still none');
    const third = complaint(T0 + 30_200);
    assert.equal(third.length, 1, 'the third complaint in the window reaches the floor');
    assert.equal(third[0].rule, 'complaint_rate_high');
    assert.equal(third[0].action.kind, 'hold');
    assert.equal(third[0].figures.complaints, 3);
    const ids = (alerts: Alert[]) => alerts.map((a) => a.rule);
    // a rule that does not name a floor gets the default (3 events), on every rate metric
    for (const [metric, feed] of [
      ['opt_out_rate', (m: EarlyWarningMonitor, at: number) => m.observe({ kind: 'opt_out', at, contentProviderId: 'cp' })],
      ['rejection_rate', (m: EarlyWarningMonitor, at: number) => m.observe({ kind: 'submission', at, contentProviderId: 'cp', accepted: false })],
    ] as const) {
      const m = new EarlyWarningMonitor({ ...policy, rules: [{ id: 'r', metric, scope: 'provider', threshold: 0.01, severity: 'critical', action: { kind: 'suspend' } }] });
      for (let i = 0; i < 40; i++) m.observe({ kind: 'submission', at: T0 + i * 100, contentProviderId: 'cp', accepted: true });
      assert.deepEqual([...ids(feed(m, T0 + 5000)), ...ids(feed(m, T0 + 5100))], [], `${metric}: two events are no rate`);
      assert.deepEqual(ids(feed(m, T0 + 5200)), ['r'], `${metric}: the third is`);
    }
    // an operator may set the floor explicitly, down to 1
    const one = new EarlyWarningMonitor({ ...policy, rules: [{ ...policy.rules.find((r) => r.id === 'complaint_rate_high')!, minEvents: 1 }] });
    for (let i = 0; i < 300; i++) one.observe({ kind: 'submission', at: T0 + i * 100, contentProviderId: 'cp', accepted: true });
    assert.deepEqual(ids(one.observe({ kind: 'complaint', at: T0 + 30_000, contentProviderId: 'cp' })), ['complaint_rate_high']);
  });

  test('the complaint rate and its floor count complainants, not complaints: one person filing five times is one', () => {
    const mon = new EarlyWarningMonitor({ ...policy, rules: policy.rules.filter((r) => r.id === 'complaint_rate_high') });
    for (let i = 0; i < 300; i++) mon.observe({ kind: 'submission', at: T0 + i * 100, contentProviderId: 'cp', port: 'p', accepted: true });
    const complaint = (at: number, complainant: string) => mon.observe({ kind: 'complaint', at, contentProviderId: 'cp', complainant });
    // across buckets too: the window is several buckets, the repeats fall into different ones
    for (let i = 0; i < 5; i++) assert.deepEqual(complaint(T0 + 30_000 + i * policy.bucketMs / 2, 'h:one'), [], `complaint ${i + 1} from one person: no alert`);
    assert.equal(mon.snapshot('provider', 'cp', T0 + 30_000 + 2 * policy.bucketMs)?.complaints, 1, 'one complainant in the window');
    assert.deepEqual(complaint(T0 + 30_000 + 2 * policy.bucketMs, 'h:two'), [], 'two people: still under the floor');
    const third = complaint(T0 + 30_000 + 2 * policy.bucketMs + 100, 'h:three');
    assert.deepEqual(third.map((a) => a.rule), ['complaint_rate_high'], 'the third person reaches the floor');
    assert.equal(third[0].figures.complaints, 3);
    // a complaint without a complainant key counts on its own, as before
    const anon = new EarlyWarningMonitor({ ...policy, rules: policy.rules.filter((r) => r.id === 'complaint_rate_high') });
    for (let i = 0; i < 300; i++) anon.observe({ kind: 'submission', at: T0 + i * 100, contentProviderId: 'cp', accepted: true });
    for (let i = 0; i < 3; i++) anon.observe({ kind: 'complaint', at: T0 + 30_000 + i, contentProviderId: 'cp' });
    assert.equal(anon.snapshot('provider', 'cp', T0 + 30_010)?.complaints, 3);
  });

  test('a rate rule\'s minEvents is validated; a port-scope complaint_rate is refused (complaints carry no port)', () => {
    const rate = { id: 'c', metric: 'complaint_rate', scope: 'provider', threshold: 0.01, severity: 'critical', action: { kind: 'hold' } };
    const bad = {
      ...policy,
      rules: [
        { ...rate, id: 'a', minEvents: 0 }, { ...rate, id: 'b', minEvents: 2.5 }, { ...rate, id: 'd', minEvents: '3' },
        { id: 'v', metric: 'volume', scope: 'provider', threshold: 6, minEvents: 3, severity: 'warning', action: { kind: 'alert' } },
        { ...rate, id: 'p', scope: 'port' },
        { ...rate, id: 'ok', metric: 'opt_out_rate', scope: 'port', minEvents: 5 },
      ],
    } as unknown as EarlyWarningPolicy;
    const errs = validatePolicy(bad);
    for (const said of [/^rules\[0\]\.minEvents: an integer ≥ 1/, /^rules\[1\]\.minEvents: an integer ≥ 1/, /^rules\[2\]\.minEvents: an integer ≥ 1/, /^rules\[3\]\.minEvents: only for rejection_rate, opt_out_rate and complaint_rate/, /^rules\[4\]\.scope: complaint_rate is judged per provider only/]) {
      assert.ok(errs.some((e) => said.test(e)), `${said} in ${JSON.stringify(errs)}`);
    }
    assert.equal(errs.length, 5, JSON.stringify(errs));
    assert.throws(() => new EarlyWarningMonitor(bad), /rules\[4\]\.scope: complaint_rate is judged per provider only/);
  });

  test('one alert per rule per window, not one per message', () => {
    const mon = new EarlyWarningMonitor({ ...policy, rules: policy.rules.filter((r) => r.id === 'prohibited_hits') });
    let n = 0;
    for (let i = 0; i < 50; i++) n += mon.observe({ kind: 'submission', at: T0 + i * 100, contentProviderId: 'cp', port: 'p', accepted: false, prohibited: true }).length;
    assert.equal(n, 1);
    n = 0;
    for (let i = 0; i < 5; i++) n += mon.observe({ kind: 'submission', at: T0 + windowMs + 1000 + i, contentProviderId: 'cp', port: 'p', accepted: false, prohibited: true }).length;
    assert.equal(n, 1, 'fires again in the next window');
  });

  test('rejection and complaint rates, score drift', () => {
    const rules = policy.rules.filter((r) => ['rejection_rate_high', 'complaint_rate_high', 'score_drift'].includes(r.id));
    const mon = new EarlyWarningMonitor({ ...policy, rules });
    const fired = new Set<string>();
    // baseline: low scores for 5 minutes
    for (let i = 0; i < 300; i++) mon.observe({ kind: 'submission', at: T0 + i * 1000, contentProviderId: 'cp', port: 'p', accepted: true, commercialScore: 0.05 });
    const t = T0 + 300_000;
    for (let i = 0; i < 600; i++) {
      const ev: MonitorEvent = { kind: 'submission', at: t + i * 100, contentProviderId: 'cp', port: 'p', accepted: i % 2 === 0, commercialScore: 0.6 };
      for (const a of mon.observe(ev)) fired.add(a.rule);
      if (i % 50 === 0) for (const a of mon.observe({ kind: 'complaint', at: t + i * 100, contentProviderId: 'cp' })) fired.add(a.rule);
    }
    assert.deepEqual([...fired].sort(), ['complaint_rate_high', 'rejection_rate_high', 'score_drift']);
  });

  test('a quiet sender below the volume floor never spikes; a long campaign does not become the baseline', () => {
    const rules = policy.rules.filter((r) => r.id === 'volume_spike_provider');
    const mon = new EarlyWarningMonitor({ ...policy, rules });
    let fired = 0;
    for (let i = 0; i < 60; i++) fired += mon.observe({ kind: 'submission', at: T0 + i * 20_000, contentProviderId: 'cp', port: 'p', accepted: true }).length;
    // burst of 40 in 10 s after 20 minutes of 1 per 20 s: big z, but under the floor of 60
    for (let i = 0; i < 40; i++) fired += mon.observe({ kind: 'submission', at: T0 + 1_200_000 + i * 250, contentProviderId: 'cp', port: 'p', accepted: true }).length;
    assert.equal(fired, 0);
    // sustained 20 msg/s for 10 minutes: alerts keep coming window after window
    let alerts = 0;
    const t = T0 + 1_300_000;
    for (let i = 0; i < 12_000; i++) alerts += mon.observe({ kind: 'submission', at: t + i * 50, contentProviderId: 'cp', port: 'p', accepted: true }).length;
    assert.ok(alerts >= 8, `${alerts}`);
    const snap = mon.snapshot('provider', 'cp', t + 600_000)!;
    assert.ok(snap.baselinePerWindow < 100, `baseline stayed low: ${snap.baselinePerWindow}`);
  });

  test('actions: weaker actions do not stack, stronger ones escalate; suspend beats throttle', () => {
    const book = new ActionBook();
    const alert = (kind: 'throttle' | 'hold' | 'suspend'): Alert => ({
      rule: 'r', metric: 'volume', scope: 'provider', key: 'cp', contentProviderId: 'cp', severity: 'critical', value: 9, threshold: 6, figures: { submitted: 900 }, windowStart: T0, at: T0,
      action: kind === 'throttle' ? { kind, perSecond: 2 } : { kind },
    });
    assert.ok(book.apply(alert('throttle')));
    assert.equal(book.apply(alert('throttle')), undefined);
    assert.equal(book.admit('cp', 'p', T0).outcome, 'pass');
    assert.ok(book.apply(alert('hold')));
    assert.equal(book.admit('cp', 'p', T0).outcome, 'held');
    const s = book.apply(alert('suspend'))!;
    assert.equal(book.admit('cp', 'p', T0).outcome, 'suspended');
    assert.deepEqual(s.figures, { submitted: 900 });
    assert.ok(book.lift(s.id, 'op', T0 + 1));
    assert.equal(book.lift(s.id, 'op', T0 + 2), false);
    assert.equal(book.admit('cp', 'p', T0 + 3).outcome, 'held');
  });
  test('an alert keeps the figures of its own moment; a provider and a port of the same name are apart', () => {
    const mon = new EarlyWarningMonitor({ ...policy, rules: [
      { id: 'hits', metric: 'prohibited_hits', scope: 'provider', threshold: 2, severity: 'critical', action: { kind: 'alert' } },
      { id: 'port_hits', metric: 'prohibited_hits', scope: 'port', threshold: 3, severity: 'critical', action: { kind: 'alert' } },
    ] });
    const hit = (cp: string, port: string, at: number): Alert[] => mon.observe({ kind: 'content', at, contentProviderId: cp, port, prohibited: true });
    // provider "x" reaches 2 hits at its 2nd event; port "x" (another provider's) reaches 3 only at its 3rd
    assert.deepEqual(hit('x', 'p1', T0), []);
    const [first] = hit('x', 'p1', T0 + 1);
    assert.deepEqual([first.rule, first.key, first.figures.prohibited], ['hits', 'x', 2]);
    assert.deepEqual(hit('cp2', 'x', T0 + 2).map((a) => a.rule), []);
    assert.deepEqual(hit('cp3', 'x', T0 + 3).map((a) => a.rule), []);
    const later = hit('cp4', 'x', T0 + 4);
    assert.deepEqual(later.map((a) => [a.rule, a.key, a.figures.prohibited]), [['port_hits', 'x', 3]]);
    // later feeds did not change what the first alert reported
    assert.equal(first.figures.prohibited, 2);
    assert.equal(mon.snapshot('provider', 'x', T0 + 5)?.prohibited, 2);
    assert.equal(mon.snapshot('port', 'x', T0 + 5)?.prohibited, 3);
  });

  test('shared counts: the window and the baseline add the other processes\' counts; a bucket settles one bucket before it is folded; only changed buckets are exported', () => {
    const mon = new EarlyWarningMonitor({ ...policy, rules: [{ id: 'hits', metric: 'prohibited_hits', scope: 'port', threshold: 3, severity: 'critical', action: { kind: 'hold' } }] });
    mon.share();
    const b0 = Math.floor(T0 / policy.bucketMs);
    const counts = (index: number, submitted: number, prohibited = 0) => ({ scope: 'port' as const, key: '10690001', contentProviderId: 'cpA', index, submitted, accepted: submitted, rejected: 0, optOuts: 0, complaints: 0, prohibited, scoreSum: 0, scoreN: 0 });
    assert.deepEqual(mon.observe({ kind: 'content', at: T0, contentProviderId: 'cpA', port: '10690001', prohibited: true }), []);
    const out = mon.exportCounts();
    assert.deepEqual(out.map((r) => [r.scope, r.key, r.index, r.prohibited]), [['provider', 'cpA', b0, 1], ['port', '10690001', b0, 1]]);
    assert.deepEqual(mon.exportCounts(), [], 'nothing changed since');
    // the others had 2 hits of the port in this bucket: the sum reaches 3 at the merge, without a message here
    const alerts = mon.mergeOthers([counts(b0, 2, 2)], T0 + 500);
    assert.deepEqual(alerts.map((a) => [a.rule, a.key, a.contentProviderId, a.value, a.at]), [['hits', '10690001', 'cpA', 3, T0 + 500]]);
    // a key known only from the others is judged too (and names their provider)
    const other = mon.mergeOthers([counts(b0, 2, 2), { ...counts(b0, 0, 3), key: '10690002', contentProviderId: 'cpB' }], T0 + 600);
    assert.deepEqual(other.map((a) => [a.key, a.contentProviderId]), [['10690002', 'cpB']]);

    // Baseline: the others' 9 and this process's 1 make 10 a bucket; bucket b is folded once b + 2 begins.
    const vol = new EarlyWarningMonitor(policy);
    vol.share();
    const sub = (at: number) => vol.observe({ kind: 'submission', at, contentProviderId: 'cpV', accepted: true });
    const rows: ReturnType<typeof counts>[] = [];
    for (let i = 0; i < 5; i++) {
      sub(T0 + i * policy.bucketMs);
      rows.push({ ...counts(b0 + i, 9), scope: 'provider', key: 'cpV', contentProviderId: 'cpV' } as never);
      vol.mergeOthers(rows, T0 + i * policy.bucketMs + 1);
    }
    const snap = vol.snapshot('provider', 'cpV', T0 + 4 * policy.bucketMs + 1)!;
    assert.equal(snap.baselineBuckets, 3, 'buckets b0..b0+2 folded at b0+4, b0+3 still settling');
    assert.equal(snap.baselinePerWindow, 10 * policy.windowBuckets);
    assert.equal(snap.submitted, 50, 'the window: five buckets of 1 + 9');
  });

  test('actions shared by several processes: a throttle is split between them, the whole rate alone', () => {
    const alert: Alert = { rule: 'r', metric: 'volume', scope: 'provider', key: 'cp', contentProviderId: 'cp', severity: 'warning', value: 9, threshold: 6, figures: {}, windowStart: T0, at: T0, action: { kind: 'throttle', perSecond: 10 } };
    const passed = (book: ActionBook) => Array.from({ length: 30 }, () => book.admit('cp', 'p', T0).outcome).filter((o) => o === 'pass').length;
    const alone = new ActionBook();
    alone.apply(alert);
    assert.equal(passed(alone), 10);
    const shared = new ActionBook();
    shared.setProcesses(2);
    shared.apply(alert);
    assert.equal(passed(shared), 5);
    assert.equal(shared.admit('cp', 'p', T0 + 1000).outcome, 'pass', 'refilled at 5 a second');
  });

  test('baselines kept across a restart: a campaign right after it is caught in its first window, ordinary traffic after the downtime is not a spike', () => {
    const rules = policy.rules.filter((r) => r.id === 'volume_spike_provider');
    const before = new EarlyWarningMonitor({ ...policy, rules });
    for (const e of traffic('cpA', '10690001', T0, 10 * 60_000, 600)) assert.deepEqual(before.observe(e), []);
    const kept = before.baselines();
    assert.deepEqual(kept.map((b) => `${b.scope}:${b.key}`).sort(), ['port:10690001', 'provider:cpA']);
    const cpA = kept.find((b) => b.scope === 'provider')!;
    assert.ok(cpA.completed >= policy.minBaselineBuckets && Math.abs(cpA.mean - 10) < 1, JSON.stringify(cpA));
    // the gateway was down for an hour
    const T1 = T0 + 10 * 60_000 + 3_600_000;
    const campaign = traffic('cpA', '10690001', T1, windowMs, 1200);
    const firstAlert = (m: EarlyWarningMonitor, evs: MonitorEvent[]) => evs.flatMap((e) => m.observe(e))[0];
    // a fresh monitor has no baseline yet: the campaign in its first window passes unnoticed
    assert.equal(firstAlert(new EarlyWarningMonitor({ ...policy, rules }), campaign), undefined);
    const restored = new EarlyWarningMonitor({ ...policy, rules });
    assert.equal(restored.restoreBaselines(kept, T1), 2);
    const a = firstAlert(restored, campaign);
    assert.equal(a?.rule, 'volume_spike_provider');
    assert.ok(a!.at - T1 < windowMs);
    // the hour down is not folded in as silence: the same ordinary rate after it is no spike
    const calm = new EarlyWarningMonitor({ ...policy, rules });
    calm.restoreBaselines(kept, T1);
    assert.equal(firstAlert(calm, traffic('cpA', '10690001', T1, 5 * 60_000, 300)), undefined);
    assert.ok(Math.abs(calm.snapshot('provider', 'cpA', T1 + 5 * 60_000)!.baselinePerWindow - 60) < 6);
  });

  test('restoring keeps a key counted since; resets apply once, newest wins', () => {
    const mon = new EarlyWarningMonitor(policy);
    for (const e of traffic('cpA', 'p1', T0, 5 * 60_000, 300)) mon.observe(e);
    const own = mon.snapshot('provider', 'cpA', T0 + 5 * 60_000)!.baselineBuckets;
    const row = { scope: 'provider' as const, key: 'cpA', contentProviderId: 'cpA', mean: 99, variance: 1, completed: 500, scoreMean: 0.5, scoreN: 500, resetAt: 0 };
    assert.equal(mon.restoreBaselines([row, { ...row, key: 'cpB', contentProviderId: 'cpB' }, { ...row, key: 'bad', mean: Number.NaN }], T0 + 5 * 60_000), 1);
    assert.equal(mon.snapshot('provider', 'cpA', T0 + 5 * 60_000)!.baselineBuckets, own, 'its own baseline stays');
    assert.equal(mon.snapshot('provider', 'cpB', T0 + 5 * 60_000)!.baselinePerWindow, 99 * policy.windowBuckets);
    assert.equal(mon.applyReset('provider', 'cpB', T0 + 1), true);
    assert.equal(mon.snapshot('provider', 'cpB', T0 + 5 * 60_000)!.baselineBuckets, 0);
    assert.equal(mon.applyReset('provider', 'cpB', T0 + 1), false, 'the same reset again');
    assert.equal(mon.applyReset('provider', 'cpB', T0), false, 'an older one');
    assert.equal(mon.applyReset('provider', 'nobody', T0 + 2), false);
    assert.deepEqual(mon.keyInfo('provider', 'cpB'), { contentProviderId: 'cpB', resetAt: T0 + 1 });
    // an emptied baseline is not kept until it folds again
    assert.equal(mon.baselines().some((b) => b.key === 'cpB'), false);
  });
});


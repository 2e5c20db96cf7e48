/**
 * POST /v1/simulator/clock: a request that would move the clock somewhere unrepresentable or absurd
 * is refused with 400 naming the field, and the clock stays where it was; a backwards move leaves the
 * gateway working (frequency windows, early-warning throttles). A move whose save fails answers 500
 * and leaves the clock where it was (before: moved in memory, not in the database).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, NOON_SHANGHAI, type TestGateway, type Provider } from '../helpers/gateway.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { App } from '../../src/app/app.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { buildHttpApp } from '../../src/http/app.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { SIMULATED_TIME_SETTING, savedSimulatedTime } from '../../src/app/simulated-time.js';
import type { SettingsStore, Store } from '../../src/ports/store.js';

describe('simulated clock', () => {
  let g: TestGateway;
  let cp: Provider;
  let gov: ContentGovernance;
  before(async () => {
    g = await startTestGateway();
    gov = await installContentGovernance(g.app, new SqliteContentStore(g.store.db));
    cp = await onboard(g);
  });
  after(async () => g.close());

  const move = (payload: unknown) => g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: payload as object });
  const send = (to = '13800138000') => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的账单已出，请查收。', type: 'notification' } });

  test('out-of-range or non-finite moves → 400 naming the field; the clock does not move', async () => {
    g.clock.set(NOON_SHANGHAI);
    const cases: [unknown, string][] = [
      [{ advanceSeconds: 1e13 }, 'advanceSeconds'],
      [{ advanceSeconds: 1e308 }, 'advanceSeconds'],
      [{ advanceSeconds: 6e9 }, 'advanceSeconds'], // ~190 years: past 2200
      [{ advanceSeconds: -1 }, 'advanceSeconds'],
      [{ advanceSeconds: 'soon' }, 'advanceSeconds'],
      [{ set: '+275760-09-13T00:00:00.000Z' }, 'set'],
      [{ set: '2200-01-01T00:00:00Z' }, 'set'],
      [{ set: '1999-12-31T23:59:59Z' }, 'set'],
      [{ set: 'tomorrow' }, 'set'],
      // a day the month lacks: rolled over to 2 March
      [{ set: '2026-02-30T10:00:00+08:00' }, 'set'],
      [{}, 'advanceSeconds'],
    ];
    for (const [body, field] of cases) {
      const r = await move(body);
      assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.match(r.json().error.message, new RegExp(field), JSON.stringify(body));
      assert.equal(g.clock.now(), NOON_SHANGHAI, `${JSON.stringify(body)} moved the clock`);
    }
    // the gateway still works: no 500 on the next message
    assert.equal((await send('13800138010')).statusCode, 202);
    const ok = await move({ advanceSeconds: 61 });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().now, new Date(NOON_SHANGHAI + 61_000).toISOString());
    assert.equal((await move({ set: '2199-12-31T23:59:59Z' })).statusCode, 200);
    assert.equal((await move({ set: '2000-01-01T00:00:00Z' })).statusCode, 200);
    // ISO-8601's local form, no offset: read as UTC whatever the host's zone (was the host's zone), said in `now`
    for (const set of ['2026-12-01T10:00:00', '2026-12-01 10:00', '2026-12-01T10:00:00.250']) {
      const r = await move({ set });
      assert.equal(r.statusCode, 200, `${set}: ${r.body}`);
      assert.equal(r.json().now, set.endsWith('.250') ? '2026-12-01T10:00:00.250Z' : '2026-12-01T10:00:00.000Z', set);
    }
    assert.equal((await move({ set: '2026-02-30T10:00:00' })).statusCode, 400, 'a day the month lacks, offset or not');
    g.clock.set(NOON_SHANGHAI);
  });

  test('an advance of a fraction of a millisecond moves to a whole millisecond, the time the next start reads back', async () => {
    g.clock.set(NOON_SHANGHAI);
    const r = await move({ advanceSeconds: 0.0015 });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(g.clock.now(), NOON_SHANGHAI + 2);
    // before: the clock showed NOON + 1.5 and saved "….5", which savedSimulatedTime reads as no time saved
    assert.equal(await savedSimulatedTime(g.store.settings), g.clock.now());
    assert.equal(r.json().now, new Date(g.clock.now()).toISOString());
    g.clock.set(NOON_SHANGHAI);
  });

  test('after a move backwards, an early-warning throttle still admits messages at its rate', async () => {
    g.clock.set(NOON_SHANGHAI + 86_400_000);
    const a = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 5 }, rule: 'test' });
    assert.equal((await send('13800138020')).statusCode, 202);
    const back = await move({ set: new Date(NOON_SHANGHAI).toISOString() });
    assert.equal(back.statusCode, 200);
    g.clock.advance(1000);
    const after = await send('13800138021');
    assert.equal(after.statusCode, 202, `a throttle of 5/s refused the first message a second after moving back: ${after.body}`);
    await gov.liftAction({ role: 'admin', actorId: 'test' } as never, a.id).catch(() => undefined);
  });
});

/** Settings over a real in-memory store that fail to save while `failing` (a full disk, a lost connection). */
class FailingSettings implements SettingsStore {
  failing = false;
  constructor(private readonly inner: SettingsStore) {}
  getSetting(key: string): Promise<string | null> {
    return this.inner.getSetting(key);
  }
  async putSetting(key: string, value: string): Promise<void> {
    if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
    return this.inner.putSetting(key, value);
  }
}

describe('simulated clock: a move whose save fails', () => {
  const start = Date.parse('2026-11-30T04:00:00Z');
  let inner: SqliteStore;
  let settings: FailingSettings;
  let clock: SimulatedClock;
  let http: Awaited<ReturnType<typeof buildHttpApp>>;
  const changes: number[] = [];
  before(async () => {
    inner = new SqliteStore(':memory:');
    settings = new FailingSettings(inner.settings);
    const store: Store = {
      directory: inner.directory, messages: inner.messages, outbox: inner.outbox, consents: inner.consents,
      records: inner.records, cases: inner.cases, callbacks: inner.callbacks, usage: inner.usage, idempotency: inner.idempotency, addressLimits: inner.addressLimits, formTokens: inner.formTokens, webSessions: inner.webSessions, settings, ping: () => inner.ping(), close: () => inner.close(),
    };
    clock = new SimulatedClock(start);
    clock.onChange((t) => changes.push(t));
    const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
    http = await buildHttpApp({ app, simulator: new SimulatorSmsc(clock), simulatedClock: clock });
  });
  after(async () => {
    await http.close();
    await inner.close();
  });
  const move = (payload: object) => http.inject({ method: 'POST', url: '/v1/simulator/clock', payload });
  const shown = async () => (await http.inject({ method: 'GET', url: '/v1/simulator/clock' })).json().now;

  test('500, and the clock stays where it was, in memory and in the database; the next move, once saves work, goes through', async () => {
    assert.equal((await move({ set: '2027-01-01T00:00:00Z' })).statusCode, 200);
    const saved = Date.parse('2027-01-01T00:00:00Z');
    assert.deepEqual(changes, [saved]);
    settings.failing = true;
    for (const body of [{ advanceSeconds: 3600 }, { set: '2027-06-01T00:00:00Z' }]) {
      const r = await move(body);
      assert.equal(r.statusCode, 500, `${JSON.stringify(body)}: ${r.body}`);
      assert.equal(clock.now(), saved, `${JSON.stringify(body)} moved the clock in memory though the save failed`);
      assert.equal(await shown(), new Date(saved).toISOString());
      assert.equal(await savedSimulatedTime(inner.settings), saved);
    }
    assert.deepEqual(changes, [saved], 'nothing time-driven ran at a time that was not kept');
    settings.failing = false;
    const ok = await move({ advanceSeconds: 60 });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().now, new Date(saved + 60_000).toISOString(), 'counted from the kept time, not a failed move');
    assert.equal(await inner.settings.getSetting(SIMULATED_TIME_SETTING), String(saved + 60_000));
    assert.equal(clock.now(), saved + 60_000);
  });
});

/**
 * WebSessions (src/app/web-sessions.ts) beyond the pages' tests: "last seen" is written at most once a
 * minute, not on every page; a revocation heard from another process (the bus's `secretRevoked`) ends
 * the token's sign-ins here at once; the background writes' store failures are reported as worker
 * errors, never thrown into the page that caused them; an unknown token opens no sign-in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { TOUCH_EVERY_MS, REFUSED_AUDIT_EVERY_MS, webSessionHash } from '../../../src/app/web-sessions.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

function setup() {
  const store = new SqliteStore(':memory:');
  const t = { now: Date.parse('2026-12-07T01:00:00Z') };
  const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015'), webSessions: { now: () => t.now } });
  return { store, app, t };
}

test('last seen is written at most once a minute; an unknown token opens nothing', async () => {
  const { store, app, t } = setup();
  try {
    const { token } = await app.auth.createToken('regulator', 'inspector');
    const { principal, sessionId } = await app.webSessions.signIn(token);
    assert.equal(principal.role, 'regulator');
    const opened = t.now;
    const seen = async () => (await store.webSessions.find(webSessionHash(sessionId!)))?.seenAt;
    t.now += TOUCH_EVERY_MS - 1;
    assert.equal((await app.webSessions.principalFor(sessionId!)).role, 'regulator');
    await new Promise((r) => setImmediate(r));
    assert.equal(await seen(), opened, 'not written within the minute');
    t.now += 1;
    await app.webSessions.principalFor(sessionId!);
    await new Promise((r) => setImmediate(r));
    assert.equal(await seen(), opened + TOUCH_EVERY_MS);
    assert.deepEqual(await app.webSessions.signIn('sgt_unknown'), { principal: { role: 'public', actorId: 'public' }, sessionId: null });
  } finally {
    await store.close();
  }
});

test('a revocation heard from another process ends the token\'s sign-ins here at once', async () => {
  const { store, app } = setup();
  try {
    const { id, token } = await app.auth.createToken('report-centre', 'clerk');
    const { sessionId } = await app.webSessions.signIn(token);
    assert.equal((await app.webSessions.principalFor(sessionId!)).role, 'report-centre', 'looked up, so its token cached');
    await store.directory.revokeToken(id, NOON_SHANGHAI);
    app.events.emit('secretRevoked', { kind: 'token', id });
    assert.equal((await app.webSessions.principalFor(sessionId!)).role, 'public');
  } finally {
    await store.close();
  }
});

test('a failed background write (touch, purge) is reported, and the page is still served', async () => {
  const { store, app, t } = setup();
  try {
    const { token } = await app.auth.createToken('report-centre', 'clerk');
    const { sessionId } = await app.webSessions.signIn(token);
    const errors: string[] = [];
    app.events.on('workerError', (e) => errors.push(`${e.where}: ${e.message}`));
    store.webSessions.touch = async () => { throw new Error('disk full'); };
    store.webSessions.purge = async () => { throw new Error('disk full'); };
    t.now += 11 * 60_000;
    assert.equal((await app.webSessions.principalFor(sessionId!)).role, 'report-centre');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(errors, ['web sessions: disk full', 'web sessions: disk full']);
  } finally {
    await store.close();
  }
});

// Refused sign-ins counted within the minute were told only by the next refusal's record, and lost when
// none came or the process stopped first; an expired sign-in's end wrote nothing (2026-12-07).
const refusedRecords = async (store: SqliteStore) => (await store.records.queryRecords({ kind: 'audit', type: 'web.sign_in_refused', limit: 100 })).records.map((r) => r.body);

function setupWithTimers() {
  const store = new SqliteStore(':memory:');
  const t = { now: Date.parse('2026-12-07T01:00:00Z') };
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule = (fn: () => void, ms: number) => {
    const timer = { fn, ms, cancelled: false };
    timers.push(timer);
    return () => { timer.cancelled = true; };
  };
  const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015'), webSessions: { now: () => t.now, schedule } });
  return { store, app, t, timers };
}

test('refused sign-ins counted within the minute are written when it is up without a new refusal, still at most one record a minute', async () => {
  const { store, app, t, timers } = setupWithTimers();
  try {
    await app.webSessions.signIn('sgt_wrong_1');
    assert.equal((await refusedRecords(store)).length, 1, 'the first at once');
    t.now += 10_000;
    await app.webSessions.signIn('sgt_wrong_2');
    t.now += 5_000;
    await app.webSessions.signIn('sgt_wrong_3');
    assert.equal((await refusedRecords(store)).length, 1, 'not within the minute');
    const live = timers.filter((x) => !x.cancelled);
    assert.equal(live.length, 1, 'one timer for the pending ones');
    assert.equal(live[0].ms, REFUSED_AUDIT_EVERY_MS - 10_000, 'due a minute after the last record');
    // fired before the minute is up by this clock: set again for the rest, nothing written
    t.now = Date.parse('2026-12-07T01:00:59Z');
    live[0].fn();
    assert.equal((await refusedRecords(store)).length, 1, 'not before the minute is up');
    const again = timers.filter((x) => !x.cancelled && x !== live[0]);
    assert.deepEqual(again.map((x) => x.ms), [1_000]);
    t.now = Date.parse('2026-12-07T01:01:00Z');
    again[0].fn();
    await new Promise((r) => setTimeout(r, 20));
    const recs = await refusedRecords(store);
    assert.equal(recs.length, 2, 'the burst is told, with no refusal after it');
    assert.ok(recs.some((b) => b.count === 2 && b.since === '2026-12-07T01:00:10.000Z'), JSON.stringify(recs));
    // the next refusal within the minute after that record waits for the minute again
    await app.webSessions.signIn('sgt_wrong_4');
    assert.equal((await refusedRecords(store)).length, 2);
  } finally {
    await app.webSessions.close();
    await store.close();
  }
});

test('refused sign-ins not yet told are written at the stop', async () => {
  const { store, app, t } = setupWithTimers();
  try {
    await app.webSessions.signIn('sgt_wrong_1');
    t.now += 1_000;
    await app.webSessions.signIn('sgt_wrong_2');
    await app.webSessions.signIn('sgt_wrong_3');
    await app.webSessions.close();
    const recs = await refusedRecords(store);
    assert.equal(recs.length, 2, JSON.stringify(recs));
    assert.ok(recs.some((b) => b.count === 2 && b.since === '2026-12-07T01:00:01.000Z'));
    await app.webSessions.close();
    assert.equal((await refusedRecords(store)).length, 2, 'nothing told twice');
  } finally {
    await store.close();
  }
});

test('a sign-in found expired by a page is recorded ended (web.sign_out, reason expired) once; pages of a live one write nothing', async () => {
  const { store, app, t } = setupWithTimers();
  try {
    const { id, token } = await app.auth.createToken('regulator', 'inspector');
    const { sessionId } = await app.webSessions.signIn(token);
    const outs = async () => (await store.records.queryRecords({ kind: 'audit', type: 'web.sign_out', limit: 100 })).records.map((r) => r.body);
    const audits = async () => (await store.records.queryRecords({ kind: 'audit', limit: 1000 })).records.length;
    const before = await audits();
    for (let i = 0; i < 5; i++) await app.webSessions.principalFor(sessionId!);
    assert.equal(await audits(), before, 'no record per page');
    const opened = t.now;
    t.now += app.webSessions.idleMs;
    assert.equal((await app.webSessions.principalFor(sessionId!)).role, 'public');
    await new Promise((r) => setTimeout(r, 20));
    await app.webSessions.principalFor(sessionId!);
    await new Promise((r) => setTimeout(r, 20));
    const ended = await outs();
    assert.equal(ended.length, 1, JSON.stringify(ended));
    assert.deepEqual(ended[0], { actor: id, action: 'web.sign_out', role: 'regulator', session: webSessionHash(sessionId!).slice(0, 12), reason: 'expired', expiredAt: new Date(opened + app.webSessions.idleMs).toISOString() });
  } finally {
    await app.webSessions.close();
    await store.close();
  }
});

// The background purge deleted lapsed sign-ins and recorded nothing, so a sign-in no page came back to
// had a web.sign_in and never an end; one a page found expired had its web.sign_out (2026-12-08).
test('a sign-in the background purge deletes is recorded as ended (web.sign_out, reason expired), once', async () => {
  const { store, app, t } = setup();
  try {
    const { id, token } = await app.auth.createToken('report-centre', 'clerk');
    const opened = t.now;
    const { sessionId } = await app.webSessions.signIn(token);
    t.now += app.webSessions.idleMs + 60_000; // lapsed; another person's sign-in runs the purge
    const other = await app.auth.createToken('regulator', 'inspector');
    await app.webSessions.signIn(other.token);
    const outs = async () => (await store.records.queryRecords({ kind: 'audit', type: 'web.sign_out', limit: 100 })).records.map((r) => r.body);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await store.webSessions.find(webSessionHash(sessionId!)), null, 'purged');
    assert.deepEqual(await outs(), [{ actor: id, action: 'web.sign_out', role: 'report-centre', session: webSessionHash(sessionId!).slice(0, 12), reason: 'expired', expiredAt: new Date(opened + app.webSessions.idleMs).toISOString() }]);
    // the cookie coming back afterwards, and the next purge, record nothing more
    assert.equal((await app.webSessions.principalFor(sessionId!)).role, 'public');
    t.now += 11 * 60_000;
    await app.webSessions.signIn(other.token);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await outs()).length, 1);
  } finally {
    await store.close();
  }
});

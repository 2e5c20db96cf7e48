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
import { TOUCH_EVERY_MS, webSessionHash } from '../../../src/app/web-sessions.js';
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

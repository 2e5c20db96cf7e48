/**
 * A simulator route a gateway does not serve answers 404 `not_found` saying why, so a reader of the
 * README learns what to start differently. Found by QA: `POST /v1/simulator/clock` on a gateway
 * started without `--clock simulated` (the README's quiet-hours step) said only
 * `no route POST /v1/simulator/clock`, as for a mistyped path. The code and the status stay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { App } from '../../src/app/app.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { SimulatedClock, SystemClock } from '../../src/simulator/clock.js';
import { buildHttpApp } from '../../src/http/app.js';
import { resolveProfile } from '../../src/profiles/index.js';

async function gateway(o: { simulator: boolean; simulated: boolean }) {
  const store = new SqliteStore(':memory:');
  const clock = o.simulated ? new SimulatedClock(Date.parse('2026-11-30T04:00:00Z')) : new SystemClock();
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const http = await buildHttpApp({ app, simulator: o.simulator ? new SimulatorSmsc(clock) : undefined, simulatedClock: clock instanceof SimulatedClock ? clock : undefined });
  return { http, app, close: async () => { await http.close(); await store.close(); } };
}

const clockMove = { method: 'POST' as const, url: '/v1/simulator/clock', payload: { advanceSeconds: 60 } };

test('the system clock: POST /v1/simulator/clock is 404 saying to start with --clock simulated; outbox and MO are served', async () => {
  const g = await gateway({ simulator: true, simulated: false });
  try {
    const r = await g.http.inject(clockMove);
    assert.equal(r.statusCode, 404);
    assert.deepEqual(r.json().error, {
      code: 'not_found',
      message: 'no route POST /v1/simulator/clock: this gateway runs on the system clock; start it with --clock simulated to move time with POST /v1/simulator/clock',
    });
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/simulator/outbox' })).statusCode, 200);
    // a path that exists nowhere keeps the plain message
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/simulator/nothing' })).json().error, { code: 'not_found', message: 'no route GET /v1/simulator/nothing' });
  } finally {
    await g.close();
  }
});

test('no built-in simulator upstream: MO and outbox are 404 saying when they are served; the simulated clock is served, for the admin only', async () => {
  const g = await gateway({ simulator: false, simulated: true });
  try {
    for (const req of [{ method: 'GET' as const, url: '/v1/simulator/outbox?to=13800138000' }, { method: 'POST' as const, url: '/v1/simulator/mo', payload: { from: '13800138000', to: '10690002', text: 'TD' } }]) {
      const r = await g.http.inject(req);
      assert.equal(r.statusCode, 404, req.url);
      assert.equal(r.json().error.code, 'not_found');
      assert.match(r.json().error.message, /^no route \S+ \/v1\/simulator\/\w+: the simulator routes are served only while the built-in simulator SMSC is the upstream \(--upstream simulator, the default\).*\(\/v1\/simulator\/clock is served with --clock simulated whatever the upstream\)$/, req.url);
    }
    // Beside real carrier links the time decides what reaches real phones: no token, no move.
    const anon = await g.http.inject(clockMove);
    assert.equal(anon.statusCode, 401, anon.body);
    assert.equal(anon.json().error.code, 'unauthorized');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/simulator/clock' })).statusCode, 401);
    const regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'r')).token}` };
    const notAdmin = await g.http.inject({ ...clockMove, headers: regulator });
    assert.equal(notAdmin.statusCode, 403, notAdmin.body);
    assert.equal(notAdmin.json().error.code, 'forbidden');
    const admin = { authorization: `Bearer ${(await g.app.auth.createToken('admin', 'a')).token}` };
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/simulator/clock', headers: admin })).json(), { now: '2026-11-30T04:00:00.000Z' }, 'the refused moves left it');
    const moved = await g.http.inject({ ...clockMove, headers: admin });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.deepEqual(moved.json(), { now: '2026-11-30T04:01:00.000Z' });
    assert.equal(g.app.ctx.clock.now(), Date.parse('2026-11-30T04:01:00Z'), 'the gateway\'s own clock');
    // elsewhere a 404 is as it was
    assert.deepEqual((await g.http.inject({ method: 'GET', url: '/v1/nothing?x=1' })).json().error, { code: 'not_found', message: 'no route GET /v1/nothing' });
  } finally {
    await g.close();
  }
});

test('neither: the clock is 404 saying to start with --clock simulated, whatever the upstream', async () => {
  const g = await gateway({ simulator: false, simulated: false });
  try {
    const r = await g.http.inject(clockMove);
    assert.equal(r.statusCode, 404);
    assert.match(r.json().error.message, /this gateway runs on the system clock; start it with --clock simulated/);
  } finally {
    await g.close();
  }
});

test('both: the clock moves', async () => {
  const g = await gateway({ simulator: true, simulated: true });
  try {
    const r = await g.http.inject(clockMove);
    assert.equal(r.statusCode, 200, r.body);
  } finally {
    await g.close();
  }
});

/**
 * A web sign-in holds across processes (src/app/web-sessions.ts, migration 126): two apps on one
 * PostgreSQL schema stand for two gateway processes behind a load balancer. A sign-in made through
 * one opens the pages through the other; a sign-out through the other ends it for both, so a copy of
 * the cookie kept from before opens nothing anywhere. The schema's `web_sessions` holds the id's digest,
 * never the cookie's value nor the token.
 *
 * Before, the cookie held the token itself: any process took it, and a copy kept working after the
 * sign-out on every one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { hashSecret } from '../../../src/app/secrets.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';
import { FORM, form } from '../../helpers/web.js';

async function gateway(store: PostgresStore): Promise<{ app: App; http: FastifyInstance }> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  return { app, http: await buildHttpApp({ app, simulator: new SimulatorSmsc(clock), simulatedClock: clock }) };
}

test('two processes on one schema: a sign-in made through one opens pages through the other; a sign-out through the other ends it for both', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, other) => {
    const a = await gateway(h.store);
    const b = await gateway(other);
    try {
      const clerk = await a.app.auth.createToken('report-centre', 'clerk');
      const login = await a.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token: clerk.token }) });
      assert.equal(login.statusCode, 303, login.body.slice(0, 300));
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const id = cookie.replace(/^sg_session=/, '');
      assert.match(id, /^[A-Za-z0-9_-]{43}$/);
      const rows = (await h.store.pool.query<{ id_hash: string; token_id: string }>('SELECT id_hash, token_id FROM web_sessions')).rows;
      assert.deepEqual(rows, [{ id_hash: hashSecret(id), token_id: clerk.id }], 'the digest and the token\'s id; neither the id nor the token');

      const page = (g: { http: FastifyInstance }) => g.http.inject({ method: 'GET', url: '/web/cases', headers: { cookie } });
      assert.equal((await page(b)).statusCode, 200, 'made on a, honoured on b');
      assert.equal((await page(a)).statusCode, 200);
      const out = await b.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
      assert.equal(out.statusCode, 303);
      for (const g of [a, b]) {
        const r = await page(g);
        assert.equal(r.statusCode, 303, 'the copy kept from before the sign-out opens nothing');
        assert.equal(r.headers.location, '/web/login?next=%2Fweb%2Fcases');
      }
      assert.equal((await h.store.pool.query('SELECT 1 FROM web_sessions')).rowCount, 0);
    } finally {
      await a.http.close();
      await b.http.close();
    }
  });
});

// An expired sign-in's end was not recorded at all before 2026-12-07; now it is, once, by the process
// whose delete removed the row, however many processes find it expired at the same time.
test('two processes finding one sign-in expired at once record its end once (web.sign_out, reason expired)', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, other) => {
    const t = { now: Date.parse('2026-12-07T01:00:00Z') };
    const mk = (store: PostgresStore) => new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015'), webSessions: { now: () => t.now } });
    const a = mk(h.store);
    const b = mk(other);
    try {
      const clerk = await a.auth.createToken('report-centre', 'clerk');
      const { sessionId } = await a.webSessions.signIn(clerk.token);
      t.now += a.webSessions.maxMs;
      const found = await Promise.all([a, b, a, b].map((app) => app.webSessions.principalFor(sessionId!)));
      assert.deepEqual(found.map((p) => p.role), ['public', 'public', 'public', 'public']);
      let outs: Record<string, unknown>[] = [];
      for (let i = 0; i < 50 && outs.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        outs = (await h.store.records.queryRecords({ kind: 'audit', type: 'web.sign_out', limit: 10 })).records.map((r) => r.body);
      }
      await new Promise((r) => setTimeout(r, 200));
      outs = (await h.store.records.queryRecords({ kind: 'audit', type: 'web.sign_out', limit: 10 })).records.map((r) => r.body);
      assert.equal(outs.length, 1, JSON.stringify(outs));
      assert.deepEqual([outs[0].actor, outs[0].reason, outs[0].expiredAt], [clerk.id, 'expired', '2026-12-07T09:00:00.000Z'], 'idle 8 hours lapsed before the 7 days');
    } finally {
      await a.webSessions.close();
      await b.webSessions.close();
    }
  });
});

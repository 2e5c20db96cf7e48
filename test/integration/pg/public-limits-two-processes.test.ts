/**
 * The public doors' per-address limits hold for the deployment (docs/SCALING.md, docs/COMPLAINTS.md):
 * two apps on one PostgreSQL schema stand for two gateway processes behind a balancer, and one
 * address's requests alternate between them. The counts are the store's (migration 110), so
 *
 * - the status lookup refuses the address after 10 misses in all (5 on each), on both processes, a
 *   right code included; another address still looks up;
 * - the complaint door refuses the 21st complaint of a minute from one address (10 filed on each).
 *
 * Before, each process counted its own: 20 misses and 40 complaints a minute went through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

async function gateway(store: PostgresStore): Promise<FastifyInstance> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  return buildHttpApp({ app, simulator: new SimulatorSmsc(clock), simulatedClock: clock });
}

/** Waits for a fresh wall-clock window when less than 10 s of this one is left (the limits' windows are wall-clock aligned). */
async function awayFromEdge(windowMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 10_000) await sleep(left + 50);
}

test('two processes on one schema: one address gets 10 status-lookup misses and 20 complaints a minute in all, not on each', { timeout: 90_000 }, async () => {
  await withTwoPgProcesses(async (h, other) => {
    const a = await gateway(h.store);
    const b = await gateway(other);
    try {
      const filed = await a.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138011', text: '猜码' }, remoteAddress: '198.51.100.1' });
      assert.equal(filed.statusCode, 201, filed.body);
      const { reference, accessCode } = filed.json();
      const wrong = accessCode === '00000000' ? '11111111' : '00000000';
      const look = (g: FastifyInstance, code: string, ip: string) => g.inject({ method: 'GET', url: `/v1/complaints/${reference}?accessCode=${code}`, remoteAddress: ip });

      await awayFromEdge(15 * 60_000);
      const misses: number[] = [];
      for (let i = 0; i < 10; i++) misses.push((await look(i % 2 ? b : a, wrong, '203.0.113.7')).statusCode);
      assert.deepEqual(misses, Array(10).fill(404));
      for (const [name, g] of [['a', a], ['b', b]] as const) {
        const r = await look(g, accessCode, '203.0.113.7');
        assert.equal(r.statusCode, 429, `process ${name}: the 11th lookup of the address, 5 misses counted on each process (${r.body})`);
        assert.equal(r.json().error.rule, 'complaints.status-lookup');
        assert.ok(Number(r.headers['retry-after']) >= 1);
      }
      assert.equal((await look(b, accessCode, '203.0.113.8')).statusCode, 200, 'another address');

      await awayFromEdge(60_000);
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) {
        codes.push((await (i % 2 ? b : a).inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138012', text: `刷屏 ${i}` }, remoteAddress: '203.0.113.9' })).statusCode);
      }
      assert.deepEqual(codes, Array(20).fill(201));
      for (const [name, g] of [['a', a], ['b', b]] as const) {
        const r = await g.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138012', text: '再刷' }, remoteAddress: '203.0.113.9' });
        assert.equal(r.statusCode, 429, `process ${name}: the 21st complaint of the minute, 10 filed on each process (${r.body})`);
        assert.equal(r.json().error.rule, 'complaints.public-intake');
      }
      // the counts are in the shared table, one row per limit and address
      const rows = (await h.store.pool.query<{ limit_name: string; address: string; n: number }>('SELECT limit_name, address, n FROM address_limits ORDER BY limit_name, address')).rows;
      assert.deepEqual(rows.map((r) => [r.limit_name, r.address, r.n]), [
        ['complaints.public-intake', '198.51.100.1', 1],
        ['complaints.public-intake', '203.0.113.9', 22],
        ['complaints.status-lookup', '203.0.113.7', 10],
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

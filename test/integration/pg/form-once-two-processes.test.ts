/**
 * A web form's double submit holds across processes (src/web/form-once.ts, docs/SCALING.md): two
 * apps on one PostgreSQL schema stand for two gateway processes behind a load balancer, and a
 * browser's second submit of the complaint form, sent over a new connection while the first is
 * pending, reaches the other process. The token is claimed in the shared store (migration 124), so
 *
 * - both posts of one rendering, one to each process at once, file one case, and both answers (and a
 *   reload of the post on either) show its reference and access code;
 * - a repeat whose first post never answered (its process died mid-filing: a claim left unsettled)
 *   is refused after the wait with the page saying the form was sent already: no second case.
 *
 * Before, each process kept its tokens in its own memory: the two posts filed two cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { FORM_ONCE_KEEP_MS, formTokenId } from '../../../src/web/form-once.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';
import { FORM, form } from '../../helpers/web.js';

async function gateway(store: PostgresStore): Promise<FastifyInstance> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  return buildHttpApp({ app, simulator: new SimulatorSmsc(clock), simulatedClock: clock });
}

const onceOf = (body: string) => /<input type="hidden" name="once" value="([^"]*)">/.exec(body)?.[1] ?? '';
const refOf = (body: string) => /id="case-reference">([^<]+)</.exec(body)?.[1];
const codeOf = (body: string) => /id="access-code">([^<]+)</.exec(body)?.[1];

test('two processes on one schema: the complaint form posted to each with one token files one case, both answers name it; a first post that never answered makes the repeat refused, not filed', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, other) => {
    const a = await gateway(h.store);
    const b = await gateway(other);
    const cases = async () => Number((await h.store.pool.query<{ n: string }>('SELECT count(*) AS n FROM cases')).rows[0].n);
    try {
      const once = onceOf((await a.inject({ method: 'GET', url: '/web/complaint' })).body);
      assert.match(once, /^[A-Za-z0-9_-]{22}$/);
      const post = (g: FastifyInstance, ip: string) => g.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138021', text: '双击两台网关', once }), remoteAddress: ip });
      // the first submit to one process, the second, on a new connection, balanced to the other
      const [x, y] = await Promise.all([post(a, '198.51.100.21'), post(b, '198.51.100.21')]);
      assert.equal(x.statusCode, 201, x.body.slice(0, 300));
      assert.equal(y.statusCode, 201, y.body.slice(0, 300));
      assert.ok(refOf(x.body));
      assert.equal(refOf(y.body), refOf(x.body), 'both answers name the one case');
      assert.equal(codeOf(y.body), codeOf(x.body), 'with its access code, so the status page opens from either answer');
      assert.equal(await cases(), 1, 'one case filed');
      // a reload of the post, on either process
      for (const g of [b, a]) {
        const r = await post(g, '198.51.100.21');
        assert.equal(r.statusCode, 201);
        assert.equal(refOf(r.body), refOf(x.body));
      }
      assert.equal(await cases(), 1);
      const rows = (await h.store.pool.query<{ form: string; token: string; result: string | null }>('SELECT form, token, result FROM form_tokens')).rows;
      assert.equal(rows.length, 1);
      assert.equal(rows[0].form, 'complaint');
      assert.notEqual(rows[0].token, once, 'the token itself is not stored');
      assert.doesNotMatch(String(rows[0].result), new RegExp(String(codeOf(x.body))), 'nor the access code in clear');

      // A process that claimed a rendering's token and died before it answered: its claim stays unsettled.
      const stuck = onceOf((await b.inject({ method: 'GET', url: '/web/complaint' })).body);
      assert.equal(await other.formTokens.claim('complaint', formTokenId(stuck), Date.now(), Date.now() - FORM_ONCE_KEEP_MS), 'claimed');
      const t0 = Date.now();
      const r = await a.inject({ method: 'POST', url: '/web/complaint', headers: { ...FORM, cookie: 'sg_lang=en' }, payload: form({ msisdn: '13800138022', text: '进程中断', once: stuck }), remoteAddress: '198.51.100.22' });
      assert.ok(Date.now() - t0 >= 4_000, 'the repeat waited for the first a while');
      assert.equal(r.statusCode, 409, r.body.slice(0, 300));
      assert.match(r.body, /This form was sent already and its first sending has not answered yet/);
      assert.match(r.body, /\(conflict\)/);
      assert.equal(onceOf(r.body), stuck, 'the form comes back with its token: sent again, it is refused again, never filed');
      assert.equal(await cases(), 1, 'no second filing');
      const zh = await b.inject({ method: 'POST', url: '/web/complaint', headers: FORM, payload: form({ msisdn: '13800138022', text: '进程中断', once: stuck }), remoteAddress: '198.51.100.22' });
      assert.equal(zh.statusCode, 409);
      assert.match(zh.body, /这份表单已经提交过/);
      assert.equal(await cases(), 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

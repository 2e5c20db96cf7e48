/**
 * The review queue, the early-warning alerts and a provider's given-up callbacks page as the other
 * lists do: `limit` a page, `nextCursor` (null on the last page) passed back as `cursor`. Before, they
 * had a limit and no cursor, so nothing past the first `limit` items could be read. Keyset, not
 * offset: rows added while a caller pages neither shift a page nor are read twice, and a cursor the
 * API did not write is `400 invalid_request` naming `cursor`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';
import type { AlertRow } from '../../src/ports/content.js';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { contentRoutes } from '../../src/http/routes/content.js';

describe('keyset paging of the review queue, alerts and failed callbacks', () => {
  let g: TestGateway;
  let contentStore: SqliteContentStore;
  let p: Provider;
  /** The gateway with the content routes (GET /v1/alerts), as main.ts registers them with governance on. */
  let withContent: FastifyInstance;

  before(async () => {
    g = await startTestGateway();
    contentStore = new SqliteContentStore(g.store.db);
    const gov = await installContentGovernance(g.app, contentStore);
    p = await onboard(g);
    const hold: ActionRecord = { id: 'alert_hold_paging', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: {}, at: g.clock.now() };
    await contentStore.addAction(hold);
    gov.actions.restore(hold);
    withContent = await buildHttpApp({ app: g.app, metrics: createMetrics(g.app), plugins: [contentRoutes(gov)] });
  });
  after(async () => {
    await withContent.close();
    await g.close();
  });

  const get = (url: string, auth = g.admin) => (url.startsWith('/v1/alerts') ? withContent : g.http).inject({ method: 'GET', url, headers: auth });
  /** Every page of `url` (with `limit`), following nextCursor; `between` runs after the first page. */
  async function pages(url: string, key: string, between?: () => Promise<void>): Promise<{ ids: string[][]; last: unknown }> {
    const ids: string[][] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const r = await get(`${url}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      ids.push(body[key].map((x: { id?: string; eventId?: string }) => x.id ?? x.eventId));
      assert.ok('nextCursor' in body, r.body);
      cursor = body.nextCursor;
      if (i === 0) await between?.();
      if (cursor === null) return { ids, last: body };
    }
    throw new Error('paging did not end');
  }

  test('GET /v1/review-queue pages oldest first; a message held meanwhile comes last, none twice', async () => {
    const send = (to: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to, text: `【示例】您的快递${to}号已到达驿站，请取件。`, type: 'notification' } });
    const held: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await send(`1380013810${i}`);
      assert.equal(r.json().error?.code, 'held_for_review', r.body);
      held.push(r.json().id);
      g.clock.advance(i === 1 ? 0 : 1000); // two held at the same instant: ordered by id
    }
    let late = '';
    const { ids } = await pages(`/v1/review-queue?contentProviderId=${p.id}&limit=2`, 'messages', async () => {
      late = (await send('13800138199')).json().id;
    });
    assert.deepEqual(ids.map((x) => x.length), [2, 2, 2]);
    // oldest first; held[1] and held[2] share an instant, so their ids order them; the one held while paging comes last
    assert.deepEqual(ids.flat(), [held[0], ...[held[1], held[2]].sort(), held[3], held[4], late]);
    // the provider pages its own the same way
    const own = await get('/v1/review-queue?limit=5', p.auth);
    assert.equal(own.json().messages.length, 5);
    assert.equal(typeof own.json().nextCursor, 'string');
  });

  test('GET /v1/alerts pages newest first; an alert raised meanwhile is newer, not on a later page', async () => {
    const at = g.clock.now();
    const base: AlertRow = { id: '', rule: 'volume_spike', metric: 'volume', scope: 'provider', key: p.id, contentProviderId: p.id, severity: 'warning', value: 9, threshold: 6, figures: {}, windowStart: at - 60_000, at, action: { kind: 'alert' }, actionId: null };
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `alert_page_${i}`;
      await contentStore.addAlert({ ...base, id, at: at - (i < 2 ? 0 : i) * 1000 });
      made.push(id);
    }
    const { ids } = await pages(`/v1/alerts?contentProviderId=${p.id}&limit=2`, 'alerts', async () => {
      await contentStore.addAlert({ ...base, id: 'alert_page_late', at: at + 5000 });
    });
    // newest first: the two at `at` by id descending, then older ones; the late one is above page 1
    assert.deepEqual(ids.flat(), ['alert_page_1', 'alert_page_0', 'alert_page_2', 'alert_page_3', 'alert_page_4']);
    assert.deepEqual(ids.map((x) => x.length), [2, 2, 1]);
    assert.equal((await get(`/v1/alerts?contentProviderId=${p.id}&limit=1`)).json().alerts[0].id, 'alert_page_late');
  });

  test('GET …/callbacks/failed pages oldest failure first, with the pending count on every page', async () => {
    const cb = g.store.callbacks;
    const now = g.clock.now();
    const events = [0, 1, 2, 3].map((i) => ({ eventId: `mo:paging${i}`, contentProviderId: p.id, kind: 'mo' as const, body: '{}', createdAt: now, dueAt: now }));
    await cb.enqueue(events);
    await cb.claim({ owner: 'test', now, leaseMs: 60_000, limit: 10 });
    for (const [i, e] of events.entries()) await cb.giveUp(e.eventId, 'test', now + i, 5, 'HTTP 500');
    const { ids, last } = await pages(`/v1/content-providers/${p.id}/callbacks/failed?limit=3`, 'failed');
    assert.deepEqual(ids, [['mo:paging0', 'mo:paging1', 'mo:paging2'], ['mo:paging3']]);
    assert.equal(typeof (last as { pending: number }).pending, 'number');
  });

  test('a cursor the API did not write is 400 invalid_request naming cursor, on each list', async () => {
    for (const url of ['/v1/review-queue?cursor=abc', '/v1/alerts?cursor=abc', `/v1/content-providers/${p.id}/callbacks/failed?cursor=abc`, '/v1/alerts?cursor=1.00']) {
      const r = await get(url);
      assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, 'cursor');
    }
  });
});

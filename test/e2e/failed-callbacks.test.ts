/**
 * Given-up HTTP callbacks seen and sent again (README "HTTP callbacks"): GET …/callbacks/failed and
 * POST …/callbacks/failed/retry, for an admin or the provider itself, never another provider. A
 * callback is given up by a real receiver answering 503 and the simulated clock passing the 24 h.
 */
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { OTHER_PROVIDER, gatewaySuite } from '../helpers/gateway.js';
import { startCallbackReceiver, type CallbackReceiver } from '../helpers/callback-receiver.js';
import { until } from '../helpers/wait.js';

describe('given-up HTTP callbacks', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });
  let rx: CallbackReceiver;
  let secret: string;
  let id: string;
  /** When cp's callbacks were given up (the clock moves on for the other provider's). */
  let failedAt: number;
  const failedUrl = (cpId: string) => `/v1/content-providers/${cpId}/callbacks/failed`;
  const list = (cpId: string, headers: Record<string, string>, query = '') => g.http.inject({ method: 'GET', url: `${failedUrl(cpId)}${query}`, headers });
  const retry = (cpId: string, headers: Record<string, string>, payload?: object) => g.http.inject({ method: 'POST', url: `${failedUrl(cpId)}/retry`, headers, ...(payload ? { payload } : {}) });

  /** Sends one message of `from`'s provider; its submitted and delivered callbacks fail, then are given up. */
  async function givenUp(auth: Record<string, string>, from: string, to: string, text: string, clientRef?: string): Promise<string> {
    // Each event's two attempts fail: at once, and the one after 24 h, which gives it up.
    rx.answers.push(503, 503, 503, 503);
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from, to, text, type: 'verification', ...(clientRef ? { clientRef } : {}) } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    const mid = m.json().id as string;
    await until(() => rx.got.filter((c) => c.json.id === mid).length === 2, 8000, 'the first attempts');
    await g.callbacks.idle();
    // The next attempt fails too, and a third would fall past 24 h after queueing: given up.
    g.clock.advance(25 * 3_600_000);
    await until(async () => (await g.store.callbacks.listFailed()).filter((f) => f.eventId.startsWith(mid)).length === 2, 8000, 'given up');
    await g.callbacks.idle();
    return mid;
  }

  before(async () => {
    rx = await startCallbackReceiver();
    const put = async (cpId: string, path: string) => (await g.http.inject({ method: 'PUT', url: `/v1/content-providers/${cpId}/callbacks`, headers: g.admin, payload: { statusUrl: rx.url(path) } })).json().secret as string;
    secret = await put(cp.id, '/status');
    await put(other.id, '/other');
    id = await givenUp(cp.auth, '10690001', '13800138001', '【示例】您的验证码是123456', 'order-7');
    failedAt = g.clock.now();
    await givenUp(other.auth, '10698001', '13800138002', '【别家】您的验证码是654321');
  });
  after(async () => rx.close());
  beforeEach(() => {
    rx.got.length = 0;
    rx.answers.length = 0;
  });

  test('the provider sees its given-up callbacks: event, kind, URL, times, attempts and last error, never the secret', async () => {
    const r = await list(cp.id, cp.auth);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.pending, 0);
    const failed = (body.failed as Record<string, unknown>[]).slice().sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)));
    assert.equal(failed.length, 2);
    for (const [f, status] of failed.map((x, i) => [x, ['delivered', 'submitted'][i]] as const)) {
      assert.deepEqual(Object.keys(f).sort(), ['attempts', 'eventId', 'failedAt', 'kind', 'lastError', 'queuedAt', 'url']);
      assert.equal(f.eventId, `${id}:${status}`);
      assert.equal(f.kind, 'status');
      assert.equal(f.url, rx.url('/status'));
      assert.equal(f.attempts, 2);
      assert.equal(f.lastError, 'HTTP 503');
      assert.equal(f.failedAt, new Date(failedAt).toISOString());
      assert.ok(Date.parse(f.queuedAt as string) <= Date.parse(f.failedAt as string) - 24 * 3_600_000);
    }
    assert.ok(!r.body.includes(secret) && !r.body.includes('sgw_'), 'no secret');
    // The admin sees the same; limit cuts it.
    assert.deepEqual((await list(cp.id, g.admin)).json(), body);
    assert.equal((await list(cp.id, g.admin, '?limit=1')).json().failed.length, 1);
  });

  test('another provider sees and retries nothing of it; an unknown provider is not found; a bad limit is refused', async () => {
    for (const r of [await list(cp.id, other.auth), await retry(cp.id, other.auth, {})]) {
      assert.equal(r.statusCode, 403, r.body);
      assert.equal(r.json().error.code, 'forbidden');
      assert.ok(!r.body.includes(id));
    }
    assert.equal((await list(cp.id, {})).statusCode, 401);
    for (const r of [await list('cp_nope', g.admin), await retry('cp_nope', g.admin, {})]) {
      assert.equal(r.statusCode, 404, r.body);
      assert.equal(r.json().error.code, 'not_found');
    }
    for (const q of ['?limit=0', '?limit=501', '?limit=x']) {
      const r = await list(cp.id, g.admin, q);
      assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
    }
    for (const [payload, field] of [[{ eventIds: 'all' }, 'eventIds'], [{ eventIds: [''] }, 'eventIds/0'], [{ ids: [id] }, 'ids']] as const) {
      const bad = await retry(cp.id, cp.auth, payload);
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().error.code, 'invalid_request');
      assert.equal(bad.json().error.field, field, bad.body);
    }
    assert.equal((await g.store.callbacks.listFailed(cp.id)).length, 2, 'nothing requeued');
  });

  test('a retry of named events sends them again now, signed, same event id and body; the rest stay given up', async () => {
    const r = await retry(cp.id, cp.auth, { eventIds: [`${id}:delivered`, `${id}:nope`] });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { requeued: 1 });
    // The worker was kicked: no clock move, no poll wait needed.
    await until(() => rx.got.length === 1, 8000, 'the retried callback');
    await g.callbacks.idle();
    const c = rx.got[0];
    assert.equal(c.headers['x-smsguard-event-id'], `${id}:delivered`);
    assert.equal(c.headers['x-smsguard-signature'], `sha256=${createHmac('sha256', secret).update(c.raw).digest('hex')}`);
    assert.equal(c.json.clientRef, 'order-7');
    const after = (await list(cp.id, cp.auth)).json();
    assert.deepEqual(after.failed.map((f: { eventId: string }) => f.eventId), [`${id}:submitted`]);
    assert.equal(after.pending, 0, 'sent and deleted');
  });

  test('a retry of all (no body) sends the provider\'s every given-up callback, and leaves another provider\'s as it was', async () => {
    const theirs = await g.store.callbacks.listFailed(other.id);
    assert.equal(theirs.length, 2);
    rx.answers.push(500);
    const r = await retry(cp.id, g.admin);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { requeued: 1 });
    await until(() => rx.got.length === 1, 8000, 'the retried callback');
    await g.callbacks.idle();
    // Not taken: back to the usual backoff with a fresh 24 h, pending rather than given up.
    const now = (await list(cp.id, cp.auth)).json();
    assert.deepEqual(now, { failed: [], pending: 1, nextCursor: null });
    g.clock.advance(10_000);
    await until(() => rx.got.length === 2, 8000, 'the first backoff retry');
    await g.callbacks.idle();
    assert.deepEqual((await list(cp.id, cp.auth)).json(), { failed: [], pending: 0, nextCursor: null });
    assert.deepEqual(await g.store.callbacks.listFailed(other.id), theirs, 'another provider\'s rows untouched');
    assert.ok(rx.got.every((c) => c.path === '/status'));
    assert.deepEqual((await retry(cp.id, cp.auth, {})).json(), { requeued: 0 }, 'nothing left to retry');
  });
});

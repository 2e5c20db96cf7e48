/**
 * Scheduled delivery over HTTP (`scheduledAt`, src/domain/schedule.ts): a message is kept in the
 * queue until its time and sent then; the rules judge it as if sent at that time (a commercial
 * message for 22:00 is refused now, one submitted at 22:00 for 09:00 tomorrow is accepted); a
 * schedule near now is no schedule, one too far ahead is refused; it can be cancelled while it waits.
 * Before, `scheduledAt` was not a field: such a message went out at once.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, NOON_SHANGHAI, type TestGateway, type Provider } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const NOTICE = '【示例】您的快递明天上午送达';

describe('scheduled delivery (HTTP scheduledAt)', () => {
  let g: TestGateway;
  let cp: Provider;
  let n = 0;
  const number = () => `139003391${String(n++).padStart(2, '0')}`;

  beforeEach(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
  });
  afterEach(async () => g.close());

  const post = (payload: Record<string, unknown>) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
  const notice = (to: string, scheduledAt?: number | string, more: Record<string, unknown> = {}) =>
    post({ from: '10690001', to, text: NOTICE, type: 'notification', ...(scheduledAt !== undefined ? { scheduledAt: typeof scheduledAt === 'number' ? iso(scheduledAt) : scheduledAt } : {}), ...more });
  const view = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
  const sentTo = (to: string) => g.simulator.outbox().filter((m) => m.to.endsWith(to)).length;
  /** Long enough for the worker (polling every 50 ms) to have sent anything due. */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  async function consent(to: string): Promise<void> {
    const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof: { channel: 'web', reference: 'form-1', capturedAt: iso(g.clock.now() - DAY) } } });
    assert.equal(r.statusCode, 201, r.body);
  }

  test('kept until its time, then sent; its view says when; a message without one goes at once meanwhile', async () => {
    const later = number();
    const now = number();
    const at = g.clock.now() + 2 * HOUR;
    const r = await notice(later, at);
    assert.equal(r.statusCode, 202, r.body);
    assert.equal(r.json().status, 'accepted');
    const id = r.json().id;
    assert.equal((await notice(now)).statusCode, 202);
    await waitFor(() => sentTo(now) === 1 || undefined);
    await settle();
    assert.equal(sentTo(later), 0, 'not before its time');
    const v = await view(id);
    assert.equal(v.status, 'accepted');
    assert.equal(v.scheduledAt, at);
    g.clock.advance(2 * HOUR - MIN);
    await settle();
    assert.equal(sentTo(later), 0, 'a minute before: still waiting');
    g.clock.advance(MIN);
    await waitFor(() => sentTo(later) === 1 || undefined);
    await waitFor(async () => (await view(id)).status === 'delivered' || undefined);
  });

  test('judged as if sent at its time: a commercial message for 22:00 is refused now; one submitted at 22:00 for 09:00 tomorrow is accepted and goes then', async () => {
    const to = number();
    await consent(to);
    const promo = (scheduledAt: number) => post({ from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo', scheduledAt: iso(scheduledAt) });
    // NOON_SHANGHAI is 12:00 in Shanghai: 22:00 is ten hours on
    const night = await promo(NOON_SHANGHAI + 10 * HOUR);
    assert.equal(night.statusCode, 422, night.body);
    assert.equal(night.json().error.code, 'quiet_hours');
    assert.equal(night.json().error.rule, 'commercial.quiet-hours');
    // at 22:00, for 09:00 tomorrow: inside the hours at its time
    g.clock.advance(10 * HOUR);
    const unscheduled = await post({ from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' });
    assert.equal(unscheduled.json().error?.code, 'quiet_hours', 'without a schedule it is refused at 22:00');
    const morning = NOON_SHANGHAI + 21 * HOUR;
    const r = await promo(morning);
    assert.equal(r.statusCode, 202, r.body);
    assert.match(r.json().text, /拒收请回复R$/, 'the refusal notice appended as for any commercial message');
    await settle();
    assert.equal(sentTo(to), 0);
    g.clock.set(morning);
    await waitFor(() => sentTo(to) === 1 || undefined);
  });

  test('a time within 10 s of now, or in the past, is no schedule: sent at once, no scheduledAt', async () => {
    const a = number();
    const b = number();
    const ra = await notice(a, g.clock.now() + 5_000);
    const rb = await notice(b, g.clock.now() - HOUR);
    assert.equal(ra.statusCode, 202);
    assert.equal(rb.statusCode, 202);
    await waitFor(() => (sentTo(a) === 1 && sentTo(b) === 1) || undefined);
    assert.equal((await view(ra.json().id)).scheduledAt, undefined);
    assert.equal((await view(rb.json().id)).scheduledAt, undefined);
  });

  test('refused with invalid_request naming the field: more than 35 days ahead, not a date-time, a validity not after the schedule', async () => {
    const to = number();
    const far = await notice(to, g.clock.now() + 35 * DAY + MIN);
    assert.equal(far.statusCode, 400, far.body);
    assert.equal(far.json().error.code, 'invalid_request');
    assert.match(far.json().error.message, /^scheduledAt: must be at most 35 days ahead/);
    assert.equal((await notice(to, g.clock.now() + 35 * DAY)).statusCode, 202, '35 days is allowed');
    const bad = await notice(to, 'tomorrow');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /scheduledAt/);
    const at = g.clock.now() + HOUR;
    const expiresFirst = await notice(to, at, { validUntil: iso(at) });
    assert.equal(expiresFirst.statusCode, 400, expiresFirst.body);
    assert.match(expiresFirst.json().error.message, /^validUntil: must be after scheduledAt/);
    assert.equal((await notice(to, at, { validUntil: iso(at + MIN) })).statusCode, 202);
    // in a batch, the item's place is named
    const batch = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [{ from: '10690001', to, text: NOTICE, type: 'notification', scheduledAt: iso(g.clock.now() + 40 * DAY) }] } });
    assert.equal(batch.statusCode, 200, batch.body);
    assert.equal(batch.json().results[0].error.code, 'invalid_request');
    assert.match(batch.json().results[0].error.message, /^messages\/0\/scheduledAt: /);
  });

  test('cancelled while it waits: never sent', async () => {
    const to = number();
    const r = await notice(to, g.clock.now() + HOUR);
    const id = r.json().id;
    const del = await g.http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: cp.auth });
    assert.equal(del.statusCode, 200, del.body);
    g.clock.advance(2 * HOUR);
    await settle();
    assert.equal(sentTo(to), 0);
    assert.equal((await view(id)).status, 'cancelled');
  });

  test('counted against frequency limits at its time: a code now is not refused for one scheduled in two hours; cancelled, it counts no more', async () => {
    const to = number();
    const code = (scheduledAt?: number) => post({ from: '10690001', to, text: '【示例】您的验证码是123456', type: 'verification', ...(scheduledAt ? { scheduledAt: iso(scheduledAt) } : {}) });
    const at = g.clock.now() + 2 * HOUR;
    const first = await code(at);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal((await code()).statusCode, 202, 'two hours from the scheduled one');
    const same = await code(at + 20_000);
    assert.equal(same.statusCode, 422);
    assert.equal(same.json().error.code, 'frequency_exceeded');
    const del = await g.http.inject({ method: 'DELETE', url: `/v1/messages/${first.json().id}`, headers: cp.auth });
    assert.equal(del.statusCode, 200, del.body);
    const again = await code(at + 20_000);
    assert.equal(again.statusCode, 202, again.body);
  });
});

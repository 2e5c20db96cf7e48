/**
 * A replacement's new times (PATCH /v1/messages/{id}, as SMPP replace_sm's schedule_delivery_time and
 * validity_period): a new schedule is judged by the send-time rules at the new time (a commercial
 * message moved into quiet hours is refused, and stays as it was; moved out of them it is accepted),
 * and a new validity is the one expiry keeps (shortened, the message expires at it; lengthened, it is
 * sent past the old one).
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { deliverQueued, startTestGateway, onboard, NOON_SHANGHAI, type TestGateway, type Provider } from '../helpers/gateway.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const PROMO = '【示例】年终大促全场五折';
const NOTICE = '【示例】您的快递明天上午送达';

describe('PATCH /v1/messages/{id}: new times', () => {
  let g: TestGateway;
  let cp: Provider;

  beforeEach(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
  });
  afterEach(async () => g.close());

  const post = (payload: Record<string, unknown>) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
  const patch = (id: string, payload: Record<string, unknown>) => g.http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers: cp.auth, payload });
  const view = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
  const deliver = () => deliverQueued(g);

  test('a commercial message moved into quiet hours is refused with quiet_hours and keeps its time; moved to the next morning it is accepted', async () => {
    const to = '13900138801';
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof: { channel: 'web', reference: 'form-1', capturedAt: iso(g.clock.now() - DAY) } } });
    assert.equal(c.statusCode, 201, c.body);
    const at = NOON_SHANGHAI + 2 * HOUR; // 14:00 Shanghai
    const r = await post({ from: '10690002', to, text: PROMO, type: 'commercial', category: 'promo', scheduledAt: iso(at) });
    assert.equal(r.statusCode, 202, r.body);
    const id = r.json().id as string;
    const night = await patch(id, { text: PROMO, scheduledAt: iso(NOON_SHANGHAI + 10 * HOUR + 30 * MIN) }); // 22:30
    assert.equal(night.statusCode, 422, night.body);
    assert.equal(night.json().error.code, 'quiet_hours');
    assert.equal(night.json().error.rule, 'commercial.quiet-hours');
    assert.equal((await view(id)).scheduledAt, at, 'refused: the message keeps its time');
    const morning = NOON_SHANGHAI + 21 * HOUR; // 09:00 the next day
    const ok = await patch(id, { text: PROMO, scheduledAt: iso(morning) });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await view(id)).scheduledAt, morning);
  });

  test('a schedule dropped by a replacement is judged at the time it now goes, not at the arrival: a consent frequency spent today refuses it', async () => {
    const to = '13900138804';
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 1, per: 'day' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof: { channel: 'web', reference: 'form-2', capturedAt: iso(g.clock.now() - DAY) } } });
    assert.equal(c.statusCode, 201, c.body);
    await g.worker.stop();
    // day 0: one scheduled for day 5 (counted then)
    const a = await post({ from: '10690002', to, text: PROMO, type: 'commercial', category: 'promo', scheduledAt: iso(NOON_SHANGHAI + 5 * DAY) });
    assert.equal(a.statusCode, 202, a.body);
    // day 3: the day's one message
    g.clock.advance(3 * DAY);
    const b = await post({ from: '10690002', to, text: PROMO, type: 'commercial', category: 'promo' });
    assert.equal(b.statusCode, 202, b.body);
    // the first, now to go at once: a second message on day 3, which its consent does not allow
    const now = await patch(a.json().id, { text: PROMO, scheduledAt: null });
    assert.equal(now.statusCode, 422, now.body);
    assert.equal(now.json().error.code, 'consent_frequency_exceeded');
    assert.equal((await view(a.json().id)).scheduledAt, NOON_SHANGHAI + 5 * DAY, 'refused: it keeps its schedule');
  });

  test('a validity shortened by a replacement expires the message at the new time; one lengthened lets it go past the old', async () => {
    await g.worker.stop();
    const short = await post({ from: '10690001', to: '13900138802', text: NOTICE, type: 'notification' });
    const long = await post({ from: '10690001', to: '13900138803', text: NOTICE, type: 'notification', validUntil: iso(g.clock.now() + 30 * MIN) });
    assert.equal(short.statusCode, 202, short.body);
    assert.equal(long.statusCode, 202, long.body);
    assert.equal((await patch(short.json().id, { text: NOTICE, validUntil: iso(g.clock.now() + 30 * MIN) })).statusCode, 200);
    assert.equal((await patch(long.json().id, { text: NOTICE, validUntil: iso(g.clock.now() + 3 * HOUR) })).statusCode, 200);
    g.clock.advance(HOUR);
    await deliver();
    assert.equal((await view(short.json().id)).status, 'expired');
    assert.equal(g.simulator.outbox('+8613900138802').length, 0);
    assert.deepEqual(g.simulator.outbox('+8613900138803').map((m) => m.text), [NOTICE]);
  });

  test('a message whose own validity has ended is a state conflict (409), whether or not a new validUntil is sent; a new schedule past a kept validity names scheduledAt', async () => {
    await g.worker.stop();
    const r = await post({ from: '10690001', to: '13900138805', text: NOTICE, type: 'notification', validUntil: iso(g.clock.now() + 30 * MIN) });
    assert.equal(r.statusCode, 202, r.body);
    const id = r.json().id as string;
    const past = await patch(id, { text: NOTICE, scheduledAt: iso(g.clock.now() + HOUR) });
    assert.equal(past.statusCode, 400, past.body);
    assert.deepEqual([past.json().error.code, past.json().error.field], ['invalid_request', 'scheduledAt'], 'the field sent is named, not the validUntil kept');
    // its validity ends before expiry gets to it: still queued, no longer replaceable
    g.clock.advance(HOUR);
    assert.equal((await view(id)).status, 'accepted');
    for (const payload of [{ text: NOTICE }, { text: NOTICE, validUntil: iso(g.clock.now() + HOUR) }]) {
      const ended = await patch(id, payload);
      assert.equal(ended.statusCode, 409, ended.body);
      assert.equal(ended.json().error.code, 'conflict');
      assert.match(ended.json().error.message, /can no longer be replaced: its validity ended at /);
      assert.equal(ended.json().error.field, undefined, 'no field of the request is at fault');
    }
    assert.equal((await view(id)).text, NOTICE, 'unchanged');
  });
});

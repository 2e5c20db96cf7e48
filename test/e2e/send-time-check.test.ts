/**
 * The send-time check (src/app/send-time-check.ts): a commercial message accepted while its number
 * could receive it, but still waiting in the queue (a link down, retries), is judged again before it
 * is sent. Before: it went out whatever happened meanwhile: the number's R, a withdrawn consent, the
 * provider's suspension, 21:00. Now a refusal stops it (`rejected`, naming the rule and article) and
 * the sending hours make it wait for 08:00; other types go out as before.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import type { AppEvents } from '../../src/app/types.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
type Json = Record<string, any>;

describe('commercial messages judged again before they are sent', () => {
  let g: TestGateway;
  let cp: Provider;
  let worker: DeliveryWorker | null;
  let statuses: AppEvents['messageStatus'][];
  let n = 0;
  const number = () => `139002391${String(n++).padStart(2, '0')}`;

  async function setUp(now?: number): Promise<void> {
    g = await startTestGateway(now === undefined ? {} : { now });
    cp = await onboard(g);
    // the queue fills while nothing sends (as with the link down)
    await g.worker.stop();
    worker = null;
    statuses = [];
    g.app.events.on('messageStatus', (e) => statuses.push(e));
  }
  afterEach(async () => {
    await worker?.stop();
    await g.close();
  });

  async function consent(to: string, frequency = { count: 10, per: 'week' }): Promise<string> {
    const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency, expiresAt: iso(g.clock.now() + 30 * DAY), proof: { channel: 'web', reference: 'form-1', capturedAt: iso(g.clock.now() - DAY) } } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id;
  }
  async function send(to: string, type = 'commercial'): Promise<string> {
    const payload = type === 'commercial'
      ? { from: '10690002', to, text: '【示例】年终大促全场五折', type, category: 'promo', registeredDelivery: true }
      : { from: '10690001', to, text: '【示例】您的订单已发货', type, registeredDelivery: true };
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().id;
  }
  async function deliver(waitMs = 10_000): Promise<void> {
    if (!worker) {
      worker = new DeliveryWorker(g.app.ctx, g.simulator, { pollMs: 50 });
      worker.start();
    }
    worker.kick();
    await worker.drain(waitMs);
  }
  const view = async (id: string): Promise<Json> => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
  const received = (to: string) => g.simulator.outbox(`+86${to}`).map((d) => d.text);

  describe('refusals stop it', () => {
    beforeEach(() => setUp());

    test('the number replied R while it waited: rejected with opted_out, its rule and article; never sent', async () => {
      const to = number();
      await consent(to);
      const id = await send(to);
      const mo = await g.app.receiveMo({ from: to, to: '10690002', text: 'R' }, 'system');
      assert.equal(mo.action, 'opt_out');
      await deliver();
      assert.ok(!received(to).some((t) => t.includes('年终大促')), `sent: ${received(to).join(' | ')}`);
      const v = await view(id);
      assert.equal(v.status, 'rejected');
      const last = v.history.at(-1);
      assert.equal(last.status, 'rejected');
      assert.equal(last.rejection.code, 'opted_out');
      assert.equal(last.rejection.rule, 'commercial.opt-out');
      assert.equal(last.rejection.profile, 'cn-2015');
      assert.ok(last.rejection.article.length > 0);
      assert.match(last.detail, /refused/);
      // the sender's receipt says so (the SMPP server turns this into REJECTD, err 40x)
      const e = statuses.find((s) => s.id === id);
      assert.equal(e?.status, 'rejected');
      assert.equal(e?.code, 'opted_out');
      assert.equal(await g.store.outbox.pendingCount(), 0);
      // the statutory record of the stop
      const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: g.admin })).json().records as Json[];
      const stop = recs.find((r) => r.id === `${id}:rejected`);
      assert.deepEqual(stop?.body, { status: 'rejected', detail: last.detail, ...last.rejection });
    });

    test('a notification to the same number still goes out', async () => {
      const to = number();
      await consent(to);
      const promo = await send(to);
      const note = await send(to, 'notification');
      await g.app.receiveMo({ from: to, to: '10690002', text: 'R' }, 'system');
      await deliver();
      assert.equal((await view(promo)).status, 'rejected');
      assert.notEqual((await view(note)).status, 'rejected');
      assert.ok(received(to).some((t) => t.includes('订单已发货')));
    });

    // What changed while it waited, and the code that stops it.
    const changes: [string, string, (to: string, consentId: string) => Promise<void>][] = [
      ['the consent was withdrawn', 'consent_missing', async (_to, c) => {
        assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/consents/${c}`, headers: cp.auth })).statusCode, 204);
      }],
      ['the consent expired', 'consent_expired', async () => {
        g.clock.advance(31 * DAY);
      }],
      ['the provider was suspended', 'sender_suspended', async () => {
        assert.equal((await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${cp.id}`, headers: g.admin, payload: { status: 'suspended' } })).statusCode, 200);
      }],
    ];
    for (const [what, code, change] of changes) {
      test(`${what} while it waited: rejected with ${code}, never sent`, async () => {
        const to = number();
        const c = await consent(to);
        const id = await send(to);
        await change(to, c);
        await deliver();
        const v = await view(id);
        assert.equal(v.status, 'rejected');
        assert.equal(v.history.at(-1).rejection.code, code);
        assert.deepEqual(received(to), []);
      });
    }

    test('the consent was withdrawn while it waited: the stop names the withdrawal, word for word as a submission\'s refusal does', async () => {
      const to = number();
      const c = await consent(to);
      const id = await send(to);
      g.clock.advance(60_000);
      const at = g.clock.now();
      const d = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${c}`, headers: cp.auth, payload: { proof: { channel: 'call-centre', reference: 'ticket 7', capturedAt: iso(at) } } });
      assert.equal(d.statusCode, 204, d.body);
      // what a submission now is told
      const now = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });
      assert.equal(now.statusCode, 422, now.body);
      const refusal = now.json().error.message as string;
      assert.match(refusal, new RegExp(`consent ${c} was withdrawn at .*at the user's request`));
      await deliver();
      const last = (await view(id)).history.at(-1);
      assert.equal(last.rejection.code, 'consent_missing');
      assert.equal(last.detail, refusal, 'the queued message\'s stop says what the submission\'s refusal says');
      assert.deepEqual(received(to), []);
    });

    test('nothing changed: it goes out as before', async () => {
      const to = number();
      await consent(to);
      const id = await send(to);
      await deliver();
      assert.ok(received(to).some((t) => t.includes('年终大促')));
      assert.notEqual((await view(id)).status, 'rejected');
    });
  });

  describe('a validity its sender gave (validUntil)', () => {
    beforeEach(() => setUp());
    const note = (to: string, validUntil: unknown) => ({ from: '10690001', to, text: '【示例】您的订单已发货', type: 'notification', registeredDelivery: true, validUntil });

    test('still queued when it ends: expired, never sent; the view shows the validity', async () => {
      const to = number();
      const until = iso(g.clock.now() + 60_000);
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: note(to, until) });
      assert.equal(r.statusCode, 202, r.body);
      const id = r.json().id;
      assert.equal((await view(id)).validUntil, Date.parse(until));
      g.clock.advance(120_000);
      await deliver();
      assert.deepEqual(received(to), []);
      const v = await view(id);
      assert.equal(v.status, 'expired');
      assert.match(v.history.at(-1).detail, /validity period ended/);
      assert.equal(statuses.find((e) => e.id === id)?.status, 'expired', 'its sender hears (SMPP: receipt EXPIRED)');
    });

    test('sent in time: goes out as any other', async () => {
      const to = number();
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: note(to, iso(g.clock.now() + 3_600_000)) });
      assert.equal(r.statusCode, 202, r.body);
      await deliver();
      assert.equal(received(to).length, 1);
    });

    test('already over, or not a date-time: refused as invalid_request naming the field, nothing recorded', async () => {
      const to = number();
      for (const bad of [iso(g.clock.now()), iso(g.clock.now() - 1000), 'tomorrow', '2026-12-01T08:00:00', 1796011200000]) {
        const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: note(to, bad) });
        assert.equal(r.statusCode, 400, `${String(bad)}: ${r.body}`);
        assert.equal(r.json().error.code, 'invalid_request');
        assert.match(r.json().error.message, /validUntil/);
      }
      const b = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [note(to, iso(g.clock.now() + 60_000)), note(to, iso(g.clock.now() - 1))] } });
      assert.equal(b.statusCode, 200, b.body);
      const [ok, bad] = b.json().results;
      assert.equal(ok.status, 'accepted');
      assert.equal(bad.error.code, 'invalid_request');
      assert.match(bad.error.message, /^messages\/1\/validUntil/);
      assert.equal((await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: g.admin })).json().records.filter((r: Json) => r.kind === 'mt').length, 1);
    });
  });

  describe('the sending hours', () => {
    // 2026-11-30 (Monday) 20:59 Asia/Shanghai
    const EVENING = Date.parse('2026-11-30T12:59:00Z');
    beforeEach(() => setUp(EVENING));

    test('accepted at 20:59, still queued at 21:01: waits until 08:00, then goes out', async () => {
      const to = number();
      await consent(to);
      const id = await send(to);
      g.clock.advance(2 * 60_000);
      await deliver(300);
      assert.deepEqual(received(to), []);
      assert.equal((await view(id)).status, 'accepted');
      assert.equal(await g.store.outbox.pendingCount(), 1);
      // 07:59 the next morning: not yet
      g.clock.set(Date.parse('2026-11-30T23:59:00Z'));
      await deliver(300);
      assert.deepEqual(received(to), []);
      // 08:00: due, and sent
      g.clock.set(Date.parse('2026-12-01T00:00:00Z'));
      await deliver();
      assert.ok(received(to).some((t) => t.includes('年终大促')));
      assert.notEqual((await view(id)).status, 'rejected');
    });

    // A 1-a-day consent: the message accepted Monday 20:59 but sent Tuesday 08:00 is Tuesday's one.
    // Before, it stayed counted on Monday (when it was accepted), so Tuesday's own promotion passed
    // too and the user got two on Tuesday morning.
    test('1 a day: accepted at 20:59, sent at 08:00, it takes the new day\'s allowance; a second that day is refused', async () => {
      const to = number();
      await consent(to, { count: 1, per: 'day' });
      const first = await send(to);
      g.clock.advance(2 * 60_000);
      await deliver(300);
      assert.equal((await view(first)).status, 'accepted', 'deferred to the morning');
      g.clock.set(Date.parse('2026-12-01T00:00:00Z'));
      await deliver();
      assert.equal(received(to).length, 1);
      g.clock.advance(30 * 60_000);
      const again = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });
      assert.equal(again.json().error?.code, 'consent_frequency_exceeded', again.body);
      // Wednesday's allowance is whole (the carried count stays on Tuesday)
      g.clock.set(Date.parse('2026-12-02T02:00:00Z'));
      assert.equal((await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } })).statusCode, 202);
    });

    // Carried to Tuesday at 08:00, then held again (the link down all Tuesday) and sent Wednesday: it
    // is Wednesday's one. Before (found 2026-12-07) the second carry looked for the count on Monday,
    // found it gone and sent the message uncounted, so Wednesday's own promotion passed too.
    test('1 a day: carried to Tuesday, the link down all Tuesday, sent Wednesday: it takes Wednesday\'s allowance too', async () => {
      const to = number();
      await consent(to, { count: 1, per: 'day' });
      const first = await send(to);
      g.clock.advance(2 * 60_000);
      await deliver(300);
      let down = true;
      const egress = new Proxy(g.simulator, {
        get(t, k) {
          if (k === 'submit') return async (m: Parameters<typeof t.submit>[0]) => (down ? { ok: false, retry: true, reason: 'link down' } : t.submit(m));
          const v = Reflect.get(t, k) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
      await worker!.stop();
      worker = new DeliveryWorker(g.app.ctx, egress, { pollMs: 50 });
      worker.start();
      g.clock.set(Date.parse('2026-12-01T00:00:00Z'));
      worker.kick();
      await worker.drain(500);
      assert.deepEqual(received(to), [], 'the link is down all Tuesday');
      assert.equal((await view(first)).status, 'accepted');
      g.clock.set(Date.parse('2026-12-02T00:00:00Z'));
      down = false;
      worker.kick();
      await worker.drain();
      assert.equal(received(to).length, 1, 'sent Wednesday 08:00');
      g.clock.advance(2 * 60 * 60_000);
      const again = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });
      assert.equal(again.json().error?.code, 'consent_frequency_exceeded', 'Wednesday\'s one is the message carried into it');
    });

    test('1 a day: Tuesday\'s own promotion accepted first, the one deferred from Monday night is refused at 08:00 (consent_frequency_exceeded), never sent', async () => {
      const to = number();
      await consent(to, { count: 1, per: 'day' });
      const deferred = await send(to);
      g.clock.advance(2 * 60_000);
      await deliver(300);
      g.clock.set(Date.parse('2026-12-01T00:00:00Z'));
      // the worker is not round yet (stopped): the provider's Tuesday promotion comes first
      await worker!.stop();
      worker = null;
      const tuesday = await send(to);
      await deliver();
      assert.deepEqual(received(to).length, 1, 'one promotion on Tuesday');
      assert.notEqual((await view(tuesday)).status, 'rejected');
      const v = await view(deferred);
      assert.equal(v.status, 'rejected');
      const last = v.history.at(-1);
      assert.equal(last.rejection.code, 'consent_frequency_exceeded');
      assert.equal(last.rejection.rule, 'commercial.consent-frequency');
      assert.equal(statuses.find((e) => e.id === deferred && e.status === 'rejected')?.code, 'consent_frequency_exceeded');
      // the refused one's count is given back (the store contract checks Monday and Tuesday); Wednesday is whole
      g.clock.set(Date.parse('2026-12-02T02:00:00Z'));
      assert.equal((await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } })).statusCode, 202);
    });
  });
});

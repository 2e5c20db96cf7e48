/**
 * The review queue's hold ends (docs/CONTENT.md): a held message not decided within its validity (the
 * sender's validUntil) or, without one, the maximum hold (`--review-hold-max-hours`) expires when the
 * sweep runs after that time: status `expired` with why, an audit record `review_queue.expire`, the
 * `expired` status event doors report (SMPP EXPIRED, the status callback), and no release after it.
 * Time is the simulated clock's: moved, never waited for.
 *
 * And a release's re-check is one with the release: an opt-out landing after the use case looked at
 * the message and before the store releases it refuses the release.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';
import { HeldExpirySweeper } from '../../src/app/held-expiry-sweeper.js';
import type { AppEvents } from '../../src/app/types.js';
import type { HoldResolution } from '../../src/ports/store.js';

const HOUR = 3_600_000;
const TEXT = (n: number) => `【示例】您的快递${n}号已到达小区驿站，请凭取件码${4000 + n}取件。`;

/** A gateway whose provider is under an early-warning hold: every message it sends is held. */
async function heldGateway(opts: { reviewHoldMaxMs?: number } = {}): Promise<{ g: TestGateway; p: Provider }> {
  const g = await startTestGateway(opts);
  const contentStore = new SqliteContentStore(g.store.db);
  const gov = await installContentGovernance(g.app, contentStore);
  const p = await onboard(g);
  const hold: ActionRecord = { id: 'alert_hold_x', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: {}, at: g.clock.now() };
  await contentStore.addAction(hold);
  gov.actions.restore(hold);
  return { g, p };
}

describe('review queue: a held message expires when its hold is over', () => {
  let g: TestGateway;
  let p: Provider;
  let sweeper: HeldExpirySweeper;
  const statuses: AppEvents['messageStatus'][] = [];
  let t0: number;

  const send = (to: string, text: string, extra: Record<string, unknown> = {}) =>
    g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to, text, type: 'notification', ...extra } });
  const view = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: p.auth })).json();
  const queue = async () => (await g.http.inject({ method: 'GET', url: '/v1/review-queue', headers: g.admin })).json().messages as { id: string; heldAt: number; expiresAt: number; validUntil?: number }[];

  before(async () => {
    ({ g, p } = await heldGateway({ reviewHoldMaxMs: 48 * HOUR }));
    g.app.events.on('messageStatus', (e) => statuses.push(e));
    // runs whenever the simulated clock moves, as src/main.ts runs it
    sweeper = new HeldExpirySweeper(g.app.ctx, { intervalMs: 3_600_000 });
    sweeper.start();
    await sweeper.idle();
    t0 = g.clock.now();
  });
  after(async () => {
    await sweeper.stop();
    await g.close();
  });

  test('its own validity first, else the maximum hold; the list says when each one ends; an expired one is expired for good', async () => {
    const plain = await send('13800138301', TEXT(1));
    const valid = await send('13800138302', TEXT(2), { validUntil: new Date(t0 + 2 * HOUR).toISOString() });
    for (const r of [plain, valid]) assert.equal(r.json().error?.code, 'held_for_review', r.body);
    const [a, b] = [plain.json().id as string, valid.json().id as string];
    const listed = new Map((await queue()).map((m) => [m.id, m]));
    assert.equal(listed.get(a)?.expiresAt, listed.get(a)!.heldAt + 48 * HOUR, 'the configured maximum hold');
    assert.equal(listed.get(b)?.expiresAt, t0 + 2 * HOUR, 'its sender\'s validity');
    assert.equal(listed.get(b)?.validUntil, t0 + 2 * HOUR);

    // just before its validity: nothing expires
    g.clock.set(t0 + 2 * HOUR - 1);
    await sweeper.idle();
    assert.equal((await view(b)).status, 'held');

    g.clock.set(t0 + 2 * HOUR);
    await sweeper.idle();
    const vb = await view(b);
    assert.equal(vb.status, 'expired');
    assert.deepEqual(vb.history.map((h: { status: string }) => h.status), ['held', 'expired']);
    assert.match(vb.history[1].detail, /held for review and not decided within its validity period/);
    assert.equal((await view(a)).status, 'held', 'the other waits for the maximum hold');
    assert.deepEqual((await queue()).map((m) => m.id), [a]);

    // the doors hear it: a status event `expired` (SMPP EXPIRED, the status callback)
    const eb = statuses.find((e) => e.id === b);
    assert.equal(eb?.status, 'expired');
    assert.equal(eb?.at, t0 + 2 * HOUR);
    assert.deepEqual([eb?.from, eb?.to, eb?.text], ['10690001', '+8613800138302', TEXT(2)]);

    // audited as the system's decision, with why
    const audit = (await g.store.records.queryRecords({ kind: 'audit', contentProviderId: p.id, limit: 50 })).records
      .map((x) => x.body as { action: string; actor: string; details?: { messageId?: string; reason?: string } })
      .filter((x) => x.action === 'review_queue.expire');
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor, 'system');

    // no decision after it
    const late = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${b}/release`, headers: g.admin, payload: { reason: 'late' } });
    assert.equal(late.statusCode, 404, late.body);

    // the maximum hold (48 h here) from its arrival
    g.clock.set(listed.get(a)!.heldAt + 48 * HOUR);
    await sweeper.idle();
    const va = await view(a);
    assert.equal(va.status, 'expired');
    assert.match(va.history[1].detail, /not decided within 48 h \(the maximum hold\)/);
    assert.deepEqual(await queue(), []);
    await g.worker.drain();
    assert.equal(g.simulator.outbox().filter((m) => m.text === TEXT(1) || m.text === TEXT(2)).length, 0, 'never sent');
    // a second sweep finds nothing more and announces nothing twice
    const before = statuses.filter((e) => e.status === 'expired').length;
    assert.equal(await sweeper.sweep(), 0);
    assert.equal(statuses.filter((e) => e.status === 'expired').length, before);
    assert.equal(before, 2);
  });
});

describe('review queue: an opt-out between the release\'s look and its commit', () => {
  let g: TestGateway;
  let p: Provider;
  before(async () => {
    ({ g, p } = await heldGateway());
  });
  after(async () => g.close());

  test('the release is refused opted_out and the message stays held (the re-check is in the release\'s transaction)', async () => {
    const to = '13700137801';
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: p.auth, payload: {
      msisdn: to, category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z',
      proof: { channel: 'web', reference: `form-${to}`, capturedAt: '2026-11-01T10:00:00Z' },
    } });
    assert.equal(c.statusCode, 201, c.body);
    const promo = '【示例】会员日全场八折，拒收请回复R';
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690002', to, text: promo, type: 'commercial', category: 'promo' } });
    assert.equal(r.json().error?.code, 'held_for_review', r.body);
    const id = r.json().id as string;

    // The number replies R just as the store is asked to release: after everything the use case
    // read beforehand, before the release's transaction.
    const messages = g.store.messages;
    const resolve = messages.resolveHeld.bind(messages);
    let landed = false;
    messages.resolveHeld = async (mid: string, res: HoldResolution) => {
      if (res.action === 'release' && !landed) {
        landed = true;
        await g.store.consents.optOut(p.id, `+86${to}`, g.clock.now(), 'sms', { text: 'R' });
      }
      return resolve(mid, res);
    };
    try {
      const rel = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${id}/release`, headers: g.admin, payload: { reason: 'reviewed' } });
      assert.ok(landed, 'the opt-out landed between the look and the release');
      assert.equal((await g.store.consents.subscriber(`+86${to}`, p.id)).optOuts.length, 1, 'the number did opt out');
      assert.equal(rel.statusCode, 422, rel.body);
      assert.deepEqual([rel.json().error.code, rel.json().error.rule], ['opted_out', 'commercial.opt-out']);
    } finally {
      messages.resolveHeld = resolve;
    }
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: p.auth })).json();
    assert.equal(v.status, 'held');
    await g.worker.drain();
    assert.deepEqual((await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages, []);
  });
});

describe('review queue: a decision after the hold ended, before the sweep came round', () => {
  let g: TestGateway;
  let p: Provider;
  before(async () => {
    ({ g, p } = await heldGateway({ reviewHoldMaxMs: 48 * HOUR }));
  });
  after(async () => g.close());

  test('a release past the sender\'s validity (or the maximum hold) expires the message instead of sending it: 404 saying so, never sent', async () => {
    const t0 = g.clock.now();
    const to = '13700137811';
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to, text: TEXT(11), type: 'notification', validUntil: new Date(t0 + HOUR).toISOString() } });
    assert.equal(r.json().error?.code, 'held_for_review', r.body);
    const id = r.json().id as string;
    const other = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: '13700137812', text: TEXT(12), type: 'notification' } });
    const otherId = other.json().id as string;
    // the sweep runs every 30 s on a real clock: here it never runs, as in the seconds after a hold ends
    g.clock.advance(HOUR + 1000);
    const rel = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${id}/release`, headers: g.admin, payload: { reason: 'reviewed, too late' } });
    assert.equal(rel.statusCode, 404, rel.body);
    assert.match(rel.json().error.message, /expired/);
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: p.auth })).json();
    assert.equal(v.status, 'expired', JSON.stringify(v.history));
    await g.worker.drain();
    assert.deepEqual((await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages, [], 'an expired message is never sent');
    const audit = (await g.http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${p.id}&kind=audit`, headers: g.admin })).json().records.map((x: { body: { action: string; messageId?: string } }) => x.body);
    assert.ok(audit.some((b: { action: string; messageId?: string }) => b.action === 'review_queue.expire' && b.messageId === id), JSON.stringify(audit));
    assert.ok(!audit.some((b: { action: string; messageId?: string }) => b.action === 'review_queue.release' && b.messageId === id));
    // a message still inside its hold is released as before
    const ok = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${otherId}/release`, headers: g.admin, payload: {} });
    assert.equal(ok.statusCode, 200, ok.body);
    // past the maximum hold, a rejection finds it expired too (the record says what ended it)
    const late = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: '13700137813', text: TEXT(13), type: 'notification' } });
    g.clock.advance(48 * HOUR + 1000);
    const rej = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${late.json().id}/reject`, headers: g.admin, payload: { reason: 'spam' } });
    assert.equal(rej.statusCode, 404, rej.body);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/messages/${late.json().id}`, headers: p.auth })).json().status, 'expired');
  });
});

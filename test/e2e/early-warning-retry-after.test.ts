/**
 * A message refused under an early-warning throttle (docs/CONTENT.md "Early warning": throttle N
 * msgs/s) answers 429 with `Retry-After`, the whole seconds until the throttle's next token (rounded
 * up, at least 1), as every other 429 does; before, it carried none. A keyed submit's first answer
 * carries it, its replay does not; a replacement refused by the throttle carries it too.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, NOON_SHANGHAI, type TestGateway, type Provider } from '../helpers/gateway.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';

describe('early-warning throttle: Retry-After', () => {
  let g: TestGateway;
  let cp: Provider;
  let gov: ContentGovernance;
  before(async () => {
    g = await startTestGateway();
    g.clock.set(NOON_SHANGHAI);
    gov = await installContentGovernance(g.app, new SqliteContentStore(g.store.db));
    cp = await onboard(g);
  });
  after(async () => g.close());

  const msg = (to: string, extra: Record<string, unknown> = {}) => ({ from: '10690001', to, text: '【示例】您的账单已出，请查收。', type: 'notification', ...extra });
  const send = (to: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, ...headers }, payload: msg(to, extra) });
  const lift = (id: string) => gov.liftAction({ role: 'admin', actorId: 'test' } as never, id);

  test('the refused message answers 429 throttled with Retry-After: the seconds to the next token', async () => {
    const a = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 1 }, rule: 'test' });
    try {
      const first = await send('13800138001');
      assert.equal(first.statusCode, 202, first.body);
      assert.equal(first.headers['retry-after'], undefined, 'an accepted message says no wait');
      // the clock stands still: the bucket is empty, its next token a whole second away
      const second = await send('13800138002');
      assert.equal(second.statusCode, 429, second.body);
      assert.equal(second.json().error.code, 'throttled');
      assert.equal(second.json().error.rule, 'monitor.early-warning');
      assert.ok(second.json().id, 'recorded, with its id');
      assert.equal(second.headers['retry-after'], '1');
      // 400 ms later 0.4 of a token is in: 600 ms to go, still said as 1 s (at least 1, rounded up)
      g.clock.advance(400);
      const third = await send('13800138003');
      assert.equal(third.statusCode, 429, third.body);
      assert.equal(third.headers['retry-after'], '1');
    } finally {
      await lift(a.id);
    }
  });

  test('a slow throttle says the whole wait, rounded up (0.4 msgs/s: 2.5 s → 3), and a message passes once it is over', async () => {
    g.clock.advance(10_000);
    const a = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 0.4 }, rule: 'test' });
    try {
      // the bucket holds one token to start (a throttle under 1 msg/s used to hold 0.4 of one, and refused every message for good)
      assert.equal((await send('13800138004')).statusCode, 202);
      const r = await send('13800138005');
      assert.equal(r.statusCode, 429, r.body);
      assert.equal(r.headers['retry-after'], '3', 'an empty bucket at 0.4/s: 2.5 s, rounded up');
      g.clock.advance(2000);
      const soon = await send('13800138006');
      assert.equal(soon.statusCode, 429, soon.body);
      assert.equal(soon.headers['retry-after'], '1', '0.8 of a token in: 500 ms to go, said as 1 s');
      g.clock.advance(500);
      assert.equal((await send('13800138011')).statusCode, 202, 'the token Retry-After promised is there');
    } finally {
      await lift(a.id);
    }
  });

  test('a keyed submit: the first 429 says Retry-After, its replay (a kept answer) does not', async () => {
    g.clock.advance(10_000);
    const a = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 1 }, rule: 'test' });
    try {
      assert.equal((await send('13800138007')).statusCode, 202);
      const first = await send('13800138008', { 'idempotency-key': 'ra-1' });
      assert.equal(first.statusCode, 429, first.body);
      assert.equal(first.headers['retry-after'], '1');
      const replay = await send('13800138008', { 'idempotency-key': 'ra-1' });
      assert.equal(replay.statusCode, 429);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.equal(replay.headers['retry-after'], undefined);
    } finally {
      await lift(a.id);
    }
  });

  test('a replacement refused by the throttle answers 429 with Retry-After, the message as it was', async () => {
    g.clock.advance(10_000);
    // a message held for review stays unwritten, to be replaced (judged again, now)
    const hold = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'hold' }, rule: 'test' });
    const held = await send('13800138009');
    await lift(hold.id);
    assert.equal(held.json().error?.code, 'held_for_review', held.body);
    const a = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 1 }, rule: 'test' });
    try {
      assert.equal((await send('13800138010')).statusCode, 202);
      const r = await g.http.inject({ method: 'PATCH', url: `/v1/messages/${held.json().id}`, headers: cp.auth, payload: { text: '【示例】您的账单已更新，请查收。' } });
      assert.equal(r.statusCode, 429, r.body);
      assert.equal(r.json().error.code, 'throttled');
      assert.equal(r.headers['retry-after'], '1');
    } finally {
      await lift(a.id);
    }
  });
});

/**
 * POST /v1/simulator/clock: a request that would move the clock somewhere unrepresentable or absurd
 * is refused with 400 naming the field, and the clock stays where it was; a backwards move leaves the
 * gateway working (frequency windows, early-warning throttles).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, NOON_SHANGHAI, type TestGateway, type Provider } from '../helpers/gateway.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';

describe('simulated clock', () => {
  let g: TestGateway;
  let cp: Provider;
  let gov: ContentGovernance;
  before(async () => {
    g = await startTestGateway();
    gov = await installContentGovernance(g.app, new SqliteContentStore(g.store.db));
    cp = await onboard(g);
  });
  after(async () => g.close());

  const move = (payload: unknown) => g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: payload as object });
  const send = (to = '13800138000') => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的账单已出，请查收。', type: 'notification' } });

  test('out-of-range or non-finite moves → 400 naming the field; the clock does not move', async () => {
    g.clock.set(NOON_SHANGHAI);
    const cases: [unknown, string][] = [
      [{ advanceSeconds: 1e13 }, 'advanceSeconds'],
      [{ advanceSeconds: 1e308 }, 'advanceSeconds'],
      [{ advanceSeconds: 6e9 }, 'advanceSeconds'], // ~190 years: past 2200
      [{ advanceSeconds: -1 }, 'advanceSeconds'],
      [{ advanceSeconds: 'soon' }, 'advanceSeconds'],
      [{ set: '+275760-09-13T00:00:00.000Z' }, 'set'],
      [{ set: '2200-01-01T00:00:00Z' }, 'set'],
      [{ set: '1999-12-31T23:59:59Z' }, 'set'],
      [{ set: 'tomorrow' }, 'set'],
      [{}, 'advanceSeconds'],
    ];
    for (const [body, field] of cases) {
      const r = await move(body);
      assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.match(r.json().error.message, new RegExp(field), JSON.stringify(body));
      assert.equal(g.clock.now(), NOON_SHANGHAI, `${JSON.stringify(body)} moved the clock`);
    }
    // the gateway still works: no 500 on the next message
    assert.equal((await send('13800138010')).statusCode, 202);
    const ok = await move({ advanceSeconds: 61 });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().now, new Date(NOON_SHANGHAI + 61_000).toISOString());
    assert.equal((await move({ set: '2199-12-31T23:59:59Z' })).statusCode, 200);
    assert.equal((await move({ set: '2000-01-01T00:00:00Z' })).statusCode, 200);
    g.clock.set(NOON_SHANGHAI);
  });

  test('after a move backwards, an early-warning throttle still admits messages at its rate', async () => {
    g.clock.set(NOON_SHANGHAI + 86_400_000);
    const a = await gov.placeAction('test', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 5 }, rule: 'test' });
    assert.equal((await send('13800138020')).statusCode, 202);
    const back = await move({ set: new Date(NOON_SHANGHAI).toISOString() });
    assert.equal(back.statusCode, 200);
    g.clock.advance(1000);
    const after = await send('13800138021');
    assert.equal(after.statusCode, 202, `a throttle of 5/s refused the first message a second after moving back: ${after.body}`);
    await gov.liftAction({ role: 'admin', actorId: 'test' } as never, a.id).catch(() => undefined);
  });
});

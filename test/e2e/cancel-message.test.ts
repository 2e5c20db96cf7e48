/**
 * DELETE /v1/messages/{id}: a sender cancels a message the gateway still holds (queued, not yet taken
 * for sending). It ends `cancelled` and is never sent; too late (sent, or final otherwise) is 409;
 * another provider's is 403, an unknown id 404. Before: no way to take back a queued message.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, deliverQueued, gatewaySuite } from '../helpers/gateway.js';
import type { AppEvents } from '../../src/app/types.js';

describe('DELETE /v1/messages/{id}', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });
  const statuses: AppEvents['messageStatus'][] = [];
  before(async () => {
    g.app.events.on('messageStatus', (e) => statuses.push(e));
  });

  const send = async (to: string) => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的订单已发货', type: 'notification', registeredDelivery: true } });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().id as string;
  };
  const cancel = (id: string, headers = cp.auth) => g.http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers });

  test('a queued message: 200, cancelled, never sent; its sender hears (SMPP receipt DELETED); a second cancel is 409', async () => {
    // nothing sends meanwhile (as with the link down)
    await g.worker.stop();
    const id = await send('13900139101');
    const r = await cancel(id);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { id, status: 'cancelled' });
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
    assert.equal(v.status, 'cancelled');
    assert.match(v.history.at(-1).detail, /cancelled by/);
    assert.equal(statuses.find((e) => e.id === id)?.status, 'cancelled');
    const again = await cancel(id);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'conflict');
    await deliverQueued(g);
    assert.deepEqual(g.simulator.outbox('+8613900139101'), []);
  });

  test('another provider\'s: 403; unknown: 404; nothing changes', async () => {
    const id = await send('13900139102');
    assert.equal((await cancel(id, other.auth)).statusCode, 403);
    assert.equal((await cancel('msg_0000000000000000000000')).statusCode, 404);
    assert.notEqual((await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json().status, 'cancelled');
  });

  test('already sent: 409 conflict', async () => {
    const id = await send('13900139103');
    await deliverQueued(g);
    assert.equal(g.simulator.outbox('+8613900139103').length, 1);
    const r = await cancel(id);
    assert.equal(r.statusCode, 409);
    assert.match(r.json().error.message, /no longer be cancelled/);
  });
});

/**
 * The same SMS report again from the same number (sent twice, redelivered by the carrier, or an
 * auto-reply answering the receipt with the same words) opens no second case and sends no second
 * receipt: the receipts would otherwise feed an auto-responder without end, and each copy count
 * again in the provider's complaint rate.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, sendPromotion } from '../helpers/gateway.js';

const HOUR = 3_600_000;

describe('an SMS report sent again', () => {
  test('within 24 hours: the first case, no second receipt; another report or a day later: a case of its own', () => withGateway(async (g, cp) => {
    const { token } = await g.app.auth.createToken('report-centre', 'centre');
    const centre = { authorization: `Bearer ${token}` };
    const user = '13800138501';
    await sendPromotion(g, cp, user);
    const report = (text: string) => g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text } });
    const cases = async () => (await g.http.inject({ method: 'GET', url: `/v1/cases?msisdn=${user}`, headers: centre })).json().cases as { id: string; messageText: string }[];
    const receipts = async () => {
      await g.worker.drain();
      return (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=%2B86${user}` })).json().messages.filter((m: { from: string }) => m.from === '12321').length;
    };
    const rate = async () => (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, headers: centre })).json().complaints as number;

    const first = await report('举报 【示例】年终大促全场五折');
    assert.equal(first.json().action, 'report');
    assert.equal((await cases()).length, 1);
    assert.equal(await receipts(), 1);
    assert.equal(await rate(), 1);

    g.clock.advance(HOUR);
    const again = await report('举报  【示例】年终大促全场五折');
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual([again.json().action, again.json().contentProviderId], ['report', cp.id], 'recorded against the first case');
    assert.equal((await cases()).length, 1, 'no second case');
    assert.equal(await receipts(), 1, 'no second receipt');
    assert.equal(await rate(), 1, 'counted once');

    // another message reported: a case of its own
    await report('举报 【示例】会员日八折');
    assert.equal((await cases()).length, 2);
    assert.equal(await receipts(), 2);

    // the same words a day later: a new report
    g.clock.advance(24 * HOUR);
    await report('举报 【示例】年终大促全场五折');
    assert.equal((await cases()).length, 3);
    assert.equal(await receipts(), 3);
  }));
});

describe('a refusal keyword sent to the report port', () => {
  test('T, TD or 退订 alone (a habit of replying to every SMS, the receipt included) opens no case and sends no receipt', () => withGateway(async (g) => {
    const { token } = await g.app.auth.createToken('report-centre', 'centre');
    const user = '13800138502';
    for (const text of ['T', 'td', '退订', '举报 T']) {
      const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text } });
      assert.equal(mo.statusCode, 200, mo.body);
      assert.equal(mo.json().action, 'ignored', text);
    }
    const cases = (await g.http.inject({ method: 'GET', url: `/v1/cases?msisdn=${user}`, headers: { authorization: `Bearer ${token}` } })).json().cases;
    assert.equal(cases.length, 0);
    await g.worker.drain();
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=%2B86${user}` })).json().messages.length, 0);
    // a report that says more is a report
    const more = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text: '举报 10690002 回T退订' } });
    assert.equal(more.json().action, 'report');
  }));
});

/**
 * A fine is in yuan and fen, as the API takes it (`12.5`): the credit form's amount field takes the
 * same (step 0.01, where it took whole yuan only), the entry shows it back as it was given, and an
 * amount finer than a fen is refused by the API and the form alike.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { alerts, FORM, form, regulatorBothWays } from '../helpers/web.js';


describe('the credit form\'s amount', () => {
  const { g, cp } = gatewaySuite();
  let regulator = '';
  let bearer: Record<string, string> = {};
  before(async () => {
    ({ cookie: regulator, bearer } = await regulatorBothWays(g));
  });
  const entries = async () => (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries as { amountYuan: number | null; publicSummary: string }[];

  test('takes yuan and fen, as the API does, and shows them back as given', async () => {
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: regulator } });
    assert.match(page.body, /<input id="e-amount" name="amountYuan" type="number" value="" min="0.01" max="100000000" step="0.01">/);
    const r = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: regulator }, payload: form({ contentProviderId: cp.id, kind: 'fine', amountYuan: '12.5', once: 'a1' }) });
    assert.equal(r.statusCode, 303, alerts(r.body));
    const [e] = await entries();
    assert.equal(e.amountYuan, 12.5);
    const shown = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: regulator } });
    assert.match(shown.body, /<td>罚款<\/td><td>12\.5<\/td><td>罚款人民币 12\.5 元/);
    // the API's 12.05 is the form's too
    const api = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: bearer, payload: { contentProviderId: cp.id, kind: 'fine', amountYuan: 12.05 } });
    assert.equal(api.statusCode, 201, api.body);
    assert.equal(api.json().amountYuan, 12.05);
  });

  test('an amount finer than a fen is refused by both, the form naming the field in its language', async () => {
    const before = (await entries()).length;
    const api = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: bearer, payload: { contentProviderId: cp.id, kind: 'fine', amountYuan: 12.345 } });
    assert.equal(api.statusCode, 400, api.body);
    assert.deepEqual([api.json().error.code, api.json().error.field], ['invalid_request', 'amountYuan']);
    const r = await g.http.inject({ method: 'POST', url: '/web/credit/entries', headers: { ...FORM, cookie: regulator }, payload: form({ contentProviderId: cp.id, kind: 'fine', amountYuan: '12.345', once: 'a2' }) });
    assert.equal(r.statusCode, 400);
    assert.equal(alerts(r.body), '出错了：金额（元）：罚款金额最多精确到分（小数点后两位），例如 12.5。 (invalid_request) 依据：违规罚款（supervision.penalties）— 要点第12项（商业性短信息违规：罚款一万元以上三万元以下）');
    assert.match(r.body, /name="amountYuan" type="number" value="12.345"/, 'the amount comes back as typed');
    assert.equal((await entries()).length, before);
  });
});

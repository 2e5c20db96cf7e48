/**
 * `POST /v1/simulator/mo` takes a user's reply as an SMSC delivers it, and an SMSC delivers a handset's
 * reply from its mobile number. Before 2026-12-07 a `from` of `abc` was taken and recorded `ignored`;
 * now it is refused as the API refuses a bad number (422 `invalid_msisdn`, field `from`) and nothing is
 * recorded, in the gateway's route and in the standalone `smsguard simulator`'s alike. The three
 * spellings the API accepts are taken (and a carrier's, `0086…`, spaces, full-width digits, which the
 * gateway reads from an SMSC: the door refuses what it could not take), and a reply to a port no provider holds is still recorded.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { startSimulator } from '../../src/cli/simulator.js';

describe('the simulator\'s MO comes from a mobile number', () => {
  const { g } = gatewaySuite();
  const mo = (payload: object) => g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload });
  const mos = async () => (await g.http.inject({ method: 'GET', url: '/v1/records?kind=mo&limit=1000', headers: g.admin })).json().records.length as number;

  test('a `from` that is no mobile number is 422 invalid_msisdn, field from, and nothing is recorded', async () => {
    const before = await mos();
    for (const from of ['abc', '12345', '1380013800', '+861380013800x', '10690002', ' ']) {
      const r = await mo({ from, to: '10690002', text: 'TD' });
      assert.equal(r.statusCode, 422, `${JSON.stringify(from)}: ${r.body}`);
      const e = r.json().error;
      assert.deepEqual([e.code, e.field, e.rule], ['invalid_msisdn', 'from', 'recipient.msisdn'], r.body);
    }
    assert.equal(await mos(), before);
  });

  test('the three spellings are taken, and a carrier\'s (0086, spaces, full-width); a reply to a port no provider holds is still recorded (ignored)', async () => {
    for (const [from, to] of [['13800138601', '10690002'], ['8613800138602', '10690002'], ['+8613800138603', '10690002'], ['008613800138606', '10690002'], ['138 0013 8607', '10690002'], ['１３８００１３８６０８', '10690002']]) {
      const r = await mo({ from, to, text: '你好' });
      assert.equal(r.statusCode, 200, `${from}: ${r.body}`);
      assert.equal(r.json().action, 'forwarded', r.body);
    }
    const nobody = await mo({ from: '13800138604', to: '20000123', text: 'TD' });
    assert.equal(nobody.statusCode, 200, nobody.body);
    assert.equal(nobody.json().action, 'ignored');
  });

  test('the standalone simulator refuses it with the same status and body, and passes nothing on', async () => {
    const s = await startSimulator({ smppPort: 0, smppHost: '127.0.0.1', httpPort: 0, capacity: 100 });
    try {
      const bad = await fetch(`http://127.0.0.1:${s.httpPort}/v1/simulator/mo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'abc', to: '10690002', text: 'TD' }) });
      const own = await mo({ from: 'abc', to: '10690002', text: 'TD' });
      assert.equal(bad.status, own.statusCode);
      assert.deepEqual(await bad.json(), own.json());
      const ok = await fetch(`http://127.0.0.1:${s.httpPort}/v1/simulator/mo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '+8613800138605', to: '10690002', text: 'TD' }) });
      assert.equal(ok.status, 202);
    } finally {
      await s.close();
    }
  });
});

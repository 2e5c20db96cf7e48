/**
 * What a Chinese input method types, over HTTP: full-width letters and ideographic spaces in a
 * category are read as what they look like (NFKC, trimmed), so a consent given under `ｍａｒｋｅｔｉｎｇ`
 * covers a message sent under `marketing` and the other way round. Full-width digits in a number are
 * read so only where a person types it (a complaint); the API's number fields take issue 2's three
 * forms in ASCII and refuse anything else.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';

const DAY = 86_400_000;
/** The full-width form of ASCII digits and `+` (U+FF10–FF19, U+FF0B). */
const wide = (s: string) => s.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('full-width input: numbers and categories as a Chinese keyboard types them', () => {
  const { g, cp } = gatewaySuite();

  const send = (payload: object) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
  const view = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
  const grant = (msisdn: string, category: string) => g.http.inject({
    method: 'POST', url: '/v1/consents', headers: cp.auth,
    payload: { msisdn, category, frequency: { count: 10, per: 'month' }, expiresAt: new Date(g.clock.now() + 30 * DAY).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(g.clock.now() - DAY).toISOString() } },
  });

  test('the API\'s number fields take issue 2\'s three forms in ASCII only: a full-width `to` is invalid_msisdn', async () => {
    for (const to of [wide('13900139010'), wide('+8613900139011'), `\u3000${wide('8613900139012')}`]) {
      const r = await send({ from: '10690001', to, text: '【示例】您的验证码是123456，5分钟内有效。', type: 'verification' });
      assert.equal(r.statusCode, 422, `${to}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_msisdn');
    }
  });

  test('a consent given under a full-width category and number covers a message with the ASCII ones, and the other way round', async () => {
    const c = await grant('13900139020', '\u3000ｍａｒｋｅｔｉｎｇ ');
    assert.equal(c.statusCode, 201, c.body);
    const mine = (await g.http.inject({ method: 'GET', url: '/v1/subscribers/13900139020/consents', headers: cp.auth })).json();
    assert.deepEqual(mine.consents.map((x: { category: string }) => x.category), ['marketing'], 'recorded in the canonical form');
    const ok = await send({ from: '10690002', to: '13900139020', text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'marketing' });
    assert.equal(ok.statusCode, 202, ok.body);
    assert.equal((await view(ok.json().id)).category, 'marketing');

    assert.equal((await grant('13900139021', '营销')).statusCode, 201);
    const wideMsg = await send({ from: '10690002', to: '+8613900139021', text: '【示例】双十二会员日全场满减', type: 'commercial', category: '营销\u3000' });
    assert.equal(wideMsg.statusCode, 202, wideMsg.body);
    const v = await view(wideMsg.json().id);
    assert.deepEqual([v.to, v.category], ['+8613900139021', '营销']);

    // case is no width: a consent for `marketing` does not cover `MARKETING`
    const other = await send({ from: '10690002', to: '13900139020', text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'ＭＡＲＫＥＴＩＮＧ' });
    assert.equal(other.statusCode, 422, other.body);
    assert.equal(other.json().error.code, 'consent_missing');
  });

  test('a complaint typed with full-width digits (the lenient reading of a typed form) is matched', async () => {
    assert.equal((await grant('13900139030', 'promo')).statusCode, 201);
    // a complaint typed with full-width digits, a full-width dash and an ideographic space is matched
    // to the message sent to the ASCII number
    const sent = await send({ from: '10690002', to: '13900139030', text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' });
    assert.equal(sent.statusCode, 202, sent.body);
    await g.worker.drain();
    const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: `${wide('139')}－${wide('0013')}\u3000${wide('9030')}`, sender: '10690002', text: '年终大促全场五折', request: '不要再发' } });
    assert.equal(c.statusCode, 201, c.body);
    assert.equal(c.json().matchedMessageId, sent.json().id);
  });
});

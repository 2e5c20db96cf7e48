/**
 * The access code as a person types it back: a phone keyboard capitalises the first letter, a Chinese
 * input method gives full-width letters and digits, a copy brings spaces. The code is lower-case hex;
 * each of these is the same code, on the status lookup and the withdrawal alike (and none is a miss
 * counted against the address).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../helpers/gateway.js';

const fullWidth = (s: string) => s.replace(/[0-9a-z]/gi, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

describe('the complainant\'s access code', () => {
  test('upper case, full-width or with spaces is the same code; a wrong one is still 404', () => withGateway(async (g) => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138601', sender: '10690002', text: '广告' } })).json();
    assert.match(f.accessCode, /^[0-9a-f]{8}$/);
    const capital = f.accessCode[0].toUpperCase() + f.accessCode.slice(1);
    for (const code of [f.accessCode.toUpperCase(), capital, fullWidth(f.accessCode), ` ${f.accessCode} `]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/complaints/${f.reference}?accessCode=${encodeURIComponent(code)}` });
      assert.equal(r.statusCode, 200, `${JSON.stringify(code)}: ${r.body}`);
    }
    const wrong = await g.http.inject({ method: 'GET', url: `/v1/complaints/${f.reference}?accessCode=00000000` });
    assert.equal(wrong.statusCode, 404);
    // the status page as a phone sends it, and its withdraw button
    const page = await g.http.inject({ method: 'POST', url: '/web/complaint/status', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `reference=${f.reference}&accessCode=${encodeURIComponent(capital)}` });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, new RegExp(f.reference));
    // the reference too: lower case or full-width, on the lookup and the withdrawal
    for (const ref of [f.reference.toLowerCase(), fullWidth(f.reference)]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/complaints/${encodeURIComponent(ref)}?accessCode=${f.accessCode}` });
      assert.equal(r.statusCode, 200, `${ref}: ${r.body}`);
    }
    const w = await g.http.inject({ method: 'POST', url: `/v1/complaints/${encodeURIComponent(fullWidth(f.reference.toLowerCase()))}/withdraw`, payload: { accessCode: capital } });
    assert.equal(w.statusCode, 200, w.body);
    assert.equal(w.json().state, 'withdrawn');
  }));
});

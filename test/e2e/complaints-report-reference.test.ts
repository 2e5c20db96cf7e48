/**
 * The 12321 centre's reference names one report. Re-importing the same report returns its case (a
 * retried import); another report under a reference already filed is refused for that item, not
 * answered with the first report's case as if it had been filed.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../helpers/gateway.js';
import { importErrorText } from '../../src/web/form-errors.js';
import { SmsguardError } from '../../src/domain/errors.js';

describe('12321 reports: one reference, one report', () => {
  test('a second report under a filed reference is a conflict naming the case; the same report again is its case', () => withGateway(async (g) => {
    const { token } = await g.app.auth.createToken('report-centre', 'centre');
    const headers = { authorization: `Bearer ${token}` };
    const report = { reference: 'JB-2026-0001', msisdn: '13800138301', sender: '10690002', text: '年终大促', receivedAt: '2026-11-30T09:15' };
    const first = await g.http.inject({ method: 'POST', url: '/v1/reports', headers, payload: [report] });
    assert.equal(first.statusCode, 200, first.body);
    const filed = first.json().results[0];
    assert.equal(filed.ok, true);

    // the same report again (an import retried), also spelt as a case shows it
    const again = await g.http.inject({ method: 'POST', url: '/v1/reports', headers, payload: [report, { ...report, msisdn: '+86 138 0013 8301', reference: undefined, externalRef: report.reference }] });
    assert.deepEqual(again.json().results.map((r: { ok: boolean; id?: string }) => [r.ok, r.id]), [[true, filed.id], [true, filed.id]]);
    // said as found again, not as opened: a retried import counted every report filed, new or not
    assert.equal(filed.alreadyFiled, false);
    assert.deepEqual(again.json().results.map((r: { alreadyFiled?: boolean }) => r.alreadyFiled), [true, true]);
    assert.deepEqual([again.json().filed, again.json().alreadyFiled, again.json().failed], [2, 2, 0]);

    // another user's report under the same reference, in a file with a new one
    const other = await g.http.inject({ method: 'POST', url: '/v1/reports', headers, payload: [
      { reference: 'JB-2026-0001', msisdn: '13900139302', text: '贷款广告' },
      { ...report, text: '另一条短信' },
      { reference: 'JB-2026-0002', msisdn: '13900139302', text: '贷款广告' },
    ] });
    assert.equal(other.statusCode, 200, other.body);
    const res = other.json();
    assert.deepEqual(res.results.map((r: { ok: boolean }) => r.ok), [false, false, true]);
    assert.equal(res.filed, 1);
    assert.equal(res.alreadyFiled, 0);
    assert.equal(res.failed, 2);
    for (const [i, r] of res.results.slice(0, 2).entries()) {
      assert.equal(r.error.code, 'conflict');
      assert.equal(r.error.field, `reports/${i}/reference`);
      assert.match(r.error.message, new RegExp(`reference JB-2026-0001 was already filed as case ${filed.reference} with another report`));
    }
    const cases = await g.http.inject({ method: 'GET', url: '/v1/cases?msisdn=13900139302', headers });
    assert.equal(cases.json().cases.length, 1, 'only JB-2026-0002 opened a case');

    // the import page says it in its language
    const e = new SmsguardError('conflict', 'x', {}, 'reports/0/reference', { id: 'report_reference_taken', params: { reference: 'JB-2026-0001', case: filed.reference } });
    assert.match(importErrorText('zh', e), /JB-2026-0001.*已作为案件 .*受理/);
  }));
});

/**
 * A scope refusal (403 `forbidden`: a regulator token's province or dates do not cover what it asks
 * for) names its rule and article as every other rejection does: `supervision.province-scope` (the
 * law's: a provincial administration supervises its own region) or `supervision.date-scope` (an
 * operational rule: the period of the inspection the token was issued for), with the profile in
 * force. The code stays `forbidden` on every route.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { annualReportFor } from '../../src/app/report-annual.js';
import { SmsguardError } from '../../src/domain/errors.js';
import { CN_2015 } from '../../src/profiles/cn-2015.js';
import { CN_2026 } from '../../src/profiles/cn-2026.js';

const MARCH = Date.parse('2026-03-10T04:00:00Z');
const NOV = Date.parse('2026-11-20T04:00:00Z');

type Json = Record<string, any>;

for (const profile of [CN_2015, CN_2026]) {
  describe(`scope refusals name their rule and article (${profile.id})`, () => {
    const { g, cp: fj, other: bj } = gatewaySuite({ profile: profile.id, now: NOV, provider: { name: '福建示例公司', province: '35' }, other: { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111', commercial: '10691112' } } });
    const tok: Record<string, Record<string, string>> = {};
    const principal: Record<string, Json> = {};
    const province = { rule: 'supervision.province-scope', article: profile.rules['supervision.province-scope'].article, profile: profile.id };
    const dates = { rule: 'supervision.date-scope', article: profile.rules['supervision.date-scope'].article, profile: profile.id };

    const call = (method: 'GET' | 'POST', url: string, who: string, payload?: Json) => g.http.inject({ method, url, headers: who === 'admin' ? g.admin : tok[who], ...(payload ? { payload } : {}) });
    const refused = (r: { statusCode: number; body: string; json(): Json }, ref: Json, what: string) => {
      assert.equal(r.statusCode, 403, `${what}: ${r.body}`);
      const { code, rule, article, profile: pid } = r.json().error;
      assert.deepEqual({ code, rule, article, profile: pid }, { code: 'forbidden', ...ref }, what);
    };

    before(async () => {
      const token = async (label: string, scope: Json) => {
        const { token: t } = await g.app.auth.createToken('regulator', label, null, scope);
        tok[label] = { authorization: `Bearer ${t}` };
        principal[label] = await g.app.auth.principalFor(t);
      };
      await token('all', {});
      await token('fujian', { province: '35' });
      await token('march', { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
      await token('fromMarch', { from: Date.parse('2026-03-01T00:00:00+08:00') });
    });

    test('the rules are in the profile: the province from the law, the dates marked operational', () => {
      assert.match(profile.rules['supervision.province-scope'].article, profile.id === 'cn-2015' ? /^Art\. 3 .*Art\. 30/ : /^Order 74/);
      assert.match(profile.rules['supervision.date-scope'].article, /^operational, not regulation/);
    });

    test('province: records, credit entries (a provider elsewhere, the operator\'s file), complaint rate, holds, annual report', async () => {
      refused(await call('GET', `/v1/records?contentProviderId=${bj.id}`, 'fujian'), province, 'records of another province');
      refused(await call('POST', '/v1/credit/entries', 'fujian', { contentProviderId: bj.id, kind: 'warning' }), province, 'entry about another province');
      refused(await call('POST', '/v1/credit/entries', 'fujian', { subjectType: 'operator', subjectId: 'operator', kind: 'warning' }), province, 'entry about the operator');
      const op = await call('POST', '/v1/credit/entries', 'all', { subjectType: 'operator', subjectId: 'operator', kind: 'note' });
      assert.equal(op.statusCode, 201, op.body);
      refused(await call('POST', `/v1/credit/entries/${op.json().id}/publish`, 'fujian'), province, 'publishing the operator\'s entry');
      refused(await call('GET', `/v1/content-providers/${bj.id}/complaint-rate?month=2026-11`, 'fujian'), province, 'complaint rate of another province');
      refused(await call('POST', '/v1/holds', 'fujian', { contentProviderId: bj.id, reason: 'inspection' }), province, 'hold on another province');
      const hold = await call('POST', '/v1/holds', 'admin', { contentProviderId: fj.id, reason: 'operator\'s hold' });
      assert.equal(hold.statusCode, 201, hold.body);
      refused(await call('POST', `/v1/holds/${hold.json().id}/release`, 'fujian'), province, 'releasing a hold it did not place');
      await assert.rejects(annualReportFor(g.app.ctx, principal.fujian as never, bj.id, 2026), (e: unknown) => {
        assert.ok(e instanceof SmsguardError);
        assert.equal(e.code, 'forbidden');
        assert.deepEqual(e.ref, province);
        return true;
      });
    });

    test('dates: creating when today is outside them, a month or a year not wholly inside them, releasing a hold it did not place', async () => {
      refused(await call('POST', '/v1/credit/entries', 'march', { contentProviderId: fj.id, kind: 'warning' }), dates, 'entry with today outside the dates');
      refused(await call('POST', '/v1/holds', 'march', { contentProviderId: fj.id, reason: 'inspection' }), dates, 'hold with today outside the dates');
      refused(await call('GET', `/v1/content-providers/${fj.id}/complaint-rate?month=2026-11`, 'march'), dates, 'a month outside the dates');
      const hold = await call('POST', '/v1/holds', 'admin', { msisdn: '13800138000', reason: 'operator\'s hold' });
      assert.equal(hold.statusCode, 201, hold.body);
      refused(await call('POST', `/v1/holds/${hold.json().id}/release`, 'fromMarch'), dates, 'releasing a hold it did not place');
      await assert.rejects(annualReportFor(g.app.ctx, principal.march as never, fj.id, 2026), (e: unknown) => {
        assert.ok(e instanceof SmsguardError);
        assert.equal(e.code, 'forbidden');
        assert.deepEqual(e.ref, dates);
        assert.equal(e.field, 'year');
        return true;
      });
    });
  });
}

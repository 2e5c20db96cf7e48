/**
 * Retention at exactly its boundary, under both profiles (found by the records audit: no test pinned
 * the instant): a month goes the first instant every record in it is `retentionMonths` old in Asia/
 * Shanghai (cn-2015: May on 1 November 00:00 +08:00; cn-2026, 6 months: on 1 December), not a
 * millisecond before; at that instant a legal hold keeps its number's records (in the retained chain)
 * and a live relationship its subscription records, the next month stays, and the chains still verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, type TestGateway, type Provider } from '../helpers/gateway.js';
import { purgeRecords } from '../../src/app/retention.js';
import { recordsFor } from '../../src/app/records-service.js';

const LAST_MS_OF_MAY = Date.parse('2026-06-01T00:00:00+08:00') - 1;

async function send(g: TestGateway, cp: Provider, to: string): Promise<void> {
  const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的验证码是123456', type: 'verification' } });
  assert.equal(r.statusCode, 202, r.body);
}

for (const [profile, months, boundary] of [['cn-2015', 5, '2026-11-01T00:00:00+08:00'], ['cn-2026', 6, '2026-12-01T00:00:00+08:00']] as const) {
  test(`${profile}: May goes at ${boundary} exactly (${months} months), not a millisecond before; held and live-relationship records stay`, () => withGateway({ profile, now: LAST_MS_OF_MAY - 60_000 }, async (g, cp) => {
    const records = async (qs: string) => (await g.http.inject({ method: 'GET', url: `/v1/records?${qs}&limit=1000`, headers: g.admin })).json().records as { seq: number; kind: string; at: number }[];
    const consent = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13600136000', category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2028-01-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-05-31T10:00:00Z' } } });
    assert.equal(consent.statusCode, 201, consent.body);
    g.clock.set(LAST_MS_OF_MAY);
    await send(g, cp, '13800138000');
    await send(g, cp, '13900139000');
    const hold = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '13900139000', reason: 'court order 7' } });
    assert.equal(hold.statusCode, 201, hold.body);
    g.clock.set(LAST_MS_OF_MAY + 1);
    await send(g, cp, '13700137000');
    const mayOfHeld = (await records('msisdn=13900139000')).filter((r) => r.at <= LAST_MS_OF_MAY).length;
    assert.ok(mayOfHeld >= 1);

    g.clock.set(Date.parse(boundary) - 1);
    const early = await purgeRecords(g.app.ctx, { dryRun: false, actor: 'test' });
    assert.deepEqual(early.months, [], 'a millisecond before the boundary nothing goes');
    assert.deepEqual(early.keptMonths.slice(0, 2), ['2026-05', '2026-06']);

    g.clock.set(Date.parse(boundary));
    const r = await purgeRecords(g.app.ctx, { dryRun: false, actor: 'test' });
    assert.equal(r.retentionMonths, months);
    assert.deepEqual(r.months.map((m) => m.chain), ['2026-05'], 'May only: June is a month younger');
    const may = r.months[0];
    assert.equal(may.keptFor.holds.find((h) => h.reason === 'court order 7')?.records, mayOfHeld);
    assert.equal(may.keptFor.subscription, 1, 'the live consent');
    const chains = (await recordsFor(g.app.ctx).archive.chains()).map((c) => c.chain);
    assert.ok(!chains.includes('2026-05') && chains.includes('2026-06') && chains.includes('retained'), chains.join());
    assert.equal((await records('msisdn=13800138000')).filter((x) => x.at <= LAST_MS_OF_MAY).length, 0, "the unheld May message went");
    assert.equal((await records('msisdn=13900139000')).filter((x) => x.at <= LAST_MS_OF_MAY).length, mayOfHeld, 'the held number\'s May records stayed');
    assert.equal((await records('msisdn=13600136000&kind=subscription')).length, 1);
    assert.equal((await records('msisdn=13700137000')).length >= 1, true, 'June untouched');
    assert.equal((await recordsFor(g.app.ctx).verify()).ok, true);
  }));
}

/**
 * A regulator token's province and dates on the case list (GET /v1/cases, the cases page): selected
 * in the store's query, so a page is cut after the scope and is full while more cases follow. A
 * case about the operator's own message belongs to no province and is listed (and opened) in every
 * one, as the operator's credit-file entries are; a case naming no provider is in none (nothing in
 * it names a province) until it is forwarded to a provider.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { OPERATOR_ACCOUNT_ID } from '../../src/domain/case.js';

const MARCH = Date.parse('2026-03-10T04:00:00Z');
const NOV = Date.parse('2026-11-20T04:00:00Z');

type Case = { id: string; contentProviderId: string | null; createdAt: string };

describe('regulator scope on the case list', () => {
  const { g, cp: fj, other: bj } = gatewaySuite({ now: MARCH, provider: { name: '福建示例公司', province: '35' }, other: { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111' } } });
  let operatorCase: string;
  let noProviderCase: string;
  const tok: Record<string, Record<string, string>> = {};

  const file = async (payload: Record<string, unknown>): Promise<Case> => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };
  /** Every page a token is given, `limit` at a time, following `nextCursor`. */
  const pages = async (headers: Record<string, string>, limit: number): Promise<Case[][]> => {
    const out: Case[][] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/cases?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await g.http.inject({ method: 'GET', url, headers });
      assert.equal(r.statusCode, 200, r.body);
      out.push(r.json().cases);
      cursor = r.json().nextCursor;
    } while (cursor && out.length < 50);
    return out;
  };

  before(async () => {
    // March: one Fujian case, one about the operator's own receipt (an SMS report gets it from the
    // report port, on the operator's account) and one naming no provider.
    const user = '13800138401';
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text: '举报 10690001 全场五折' } });
    assert.ok(mo.statusCode < 300, mo.body);
    await g.worker.drain();
    assert.equal((await file({ msisdn: '13800138402', sender: '10690001', text: '【示例】广告' })).contentProviderId, fj.id);
    const op = await file({ msisdn: user, sender: '12321', text: '您的举报已受理，处理结果将以短信告知' });
    assert.equal(op.contentProviderId, OPERATOR_ACCOUNT_ID);
    operatorCase = op.id;
    const none = await file({ msisdn: '13800138403', sender: '10699999', text: '不知是谁发的' });
    assert.equal(none.contentProviderId, null);
    noProviderCase = none.id;
    // November: four Fujian cases, then thirty newer Beijing ones (more than a page).
    g.clock.set(NOV);
    for (let i = 0; i < 4; i++) assert.equal((await file({ msisdn: '13800138404', sender: '10690001', text: `【示例】第${i}条` })).contentProviderId, fj.id);
    for (let i = 0; i < 30; i++) assert.equal((await file({ msisdn: '13800138405', sender: '10691111', text: `【北京】第${i}条` })).contentProviderId, bj.id);
    const token = async (label: string, scope: Record<string, unknown>) => ({ authorization: `Bearer ${(await g.app.auth.createToken('regulator', label, null, scope)).token}` });
    tok.all = await token('national', {});
    tok.fujian = await token('fujian', { province: '35' });
    tok.beijing = await token('beijing', { province: '11' });
    tok.fujianMarch = await token('fujian-march', { province: '35', from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    tok.march = await token('march', { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    tok.centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'centre clerk')).token}` };
  });

  test('GET /v1/cases pages a province token through full pages: its providers\' cases and the operator\'s, selected before the page is cut', async () => {
    const all = (await pages(tok.all, 500)).flat();
    const expected = (ids: (string | null)[], from = -Infinity, to = Infinity) =>
      all.filter((c) => ids.includes(c.contentProviderId) && Date.parse(c.createdAt) >= from && Date.parse(c.createdAt) < to).map((c) => c.id);
    // Newest first: the thirty Beijing cases hid every Fujian one from a first page cut before the province.
    const fujian = await pages(tok.fujian, 5);
    const mine = expected([fj.id, OPERATOR_ACCOUNT_ID]);
    assert.ok(mine.length >= 6, `the SMS report and the complaints gave Fujian cases: ${mine.length}`);
    assert.deepEqual(fujian.map((p) => p.length), [...Array(Math.floor(mine.length / 5)).fill(5), ...(mine.length % 5 ? [mine.length % 5] : [])]);
    assert.deepEqual(fujian.flat().map((c) => c.id), mine, 'newest first, no case twice, none left out');
    // Beijing: its thirty, and the operator's case, listed in every province.
    const beijing = await pages(tok.beijing, 7);
    assert.deepEqual(beijing.flat().map((c) => c.id), expected([bj.id, OPERATOR_ACCOUNT_ID]));
    assert.ok(beijing.slice(0, -1).every((p) => p.length === 7), 'full pages until the last');
    // Province and dates together: March's Fujian and operator cases, one to a page.
    const march = await pages(tok.fujianMarch, 1);
    const marchIds = expected([fj.id, OPERATOR_ACCOUNT_ID], Date.parse('2026-03-01T00:00:00+08:00'), Date.parse('2026-04-01T00:00:00+08:00'));
    assert.ok(marchIds.includes(operatorCase) && marchIds.length >= 2);
    assert.deepEqual(march.map((p) => p.map((c) => c.id)), marchIds.map((id) => [id]));
    // A case naming no provider is in no province.
    assert.ok(all.some((c) => c.id === noProviderCase));
    assert.ok(!fujian.flat().some((c) => c.id === noProviderCase) && !beijing.flat().some((c) => c.id === noProviderCase));
  });

  test('GET /v1/cases/{id}: the operator\'s case opens for any province token, as the list shows it; a case naming no provider does not', async () => {
    for (const w of ['fujian', 'beijing', 'fujianMarch']) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/cases/${operatorCase}`, headers: tok[w] });
      assert.equal(r.statusCode, 200, `${w}: ${r.body}`);
    }
    const none = await g.http.inject({ method: 'GET', url: `/v1/cases/${noProviderCase}`, headers: tok.fujian });
    assert.equal(none.statusCode, 404, none.body);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${noProviderCase}`, headers: tok.all })).statusCode, 200);
  });

  test('a case naming no provider: the centre, the operator and tokens not limited to a province see it; forwarded to a provider, that province\'s token does', async () => {
    const open = (headers: Record<string, string>) => g.http.inject({ method: 'GET', url: `/v1/cases/${noProviderCase}`, headers });
    for (const [w, headers] of [['centre', tok.centre], ['admin', g.admin], ['all', tok.all], ['march', tok.march]] as const) {
      assert.equal((await open(headers)).statusCode, 200, w);
    }
    for (const w of ['fujian', 'beijing', 'fujianMarch']) assert.equal((await open(tok[w])).statusCode, 404, w);
    // Nothing in it places it in a province until it names a provider: the centre forwards it to the Fujian one.
    const fwd = await g.http.inject({ method: 'POST', url: `/v1/cases/${noProviderCase}/transitions`, headers: tok.centre, payload: { action: 'forward', contentProviderId: fj.id } });
    assert.equal(fwd.statusCode, 200, fwd.body);
    for (const w of ['fujian', 'fujianMarch']) assert.equal((await open(tok[w])).statusCode, 200, w);
    assert.equal((await open(tok.beijing)).statusCode, 404);
  });
});

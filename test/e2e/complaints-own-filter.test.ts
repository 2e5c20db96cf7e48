/**
 * A content provider's `contentProviderId` filter on its case list and its credit file: another
 * provider's id is refused (403, rule access.own-data), as on every other list, not answered with the
 * caller's own cases or entries as if they were the other's.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, OTHER_PROVIDER, sendPromotion } from '../helpers/gateway.js';

describe('a provider filtering its cases and credit file by another provider', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });

  before(async () => {
    await sendPromotion(g, cp, '13800138401');
    const f = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138401', sender: '10690002', text: '年终大促' } });
    assert.equal(f.statusCode, 201, f.body);
    const { token } = await g.app.auth.createToken('regulator', 'inspector');
    const e = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: { authorization: `Bearer ${token}` }, payload: { contentProviderId: cp.id, kind: 'warning' } });
    assert.equal(e.statusCode, 201, e.body);
  });

  for (const path of ['/v1/cases', '/v1/credit/entries']) {
    test(`${path}?contentProviderId= of another provider is 403 access.own-data; its own id and none list its own`, async () => {
      const theirs = await g.http.inject({ method: 'GET', url: `${path}?contentProviderId=${other.id}`, headers: cp.auth });
      assert.equal(theirs.statusCode, 403, theirs.body);
      assert.equal(theirs.json().error.code, 'forbidden');
      assert.equal(theirs.json().error.rule, 'access.own-data');
      assert.equal(theirs.json().error.field, 'contentProviderId');
      const unknown = await g.http.inject({ method: 'GET', url: `${path}?contentProviderId=cp_nope`, headers: cp.auth });
      assert.equal(unknown.statusCode, 403, 'no other id is confirmed to exist');
      const key = path === '/v1/cases' ? 'cases' : 'entries';
      const own = await g.http.inject({ method: 'GET', url: `${path}?contentProviderId=${cp.id}`, headers: cp.auth });
      assert.equal(own.statusCode, 200, own.body);
      assert.equal(own.json()[key].length, 1);
      const mine = await g.http.inject({ method: 'GET', url: path, headers: cp.auth });
      assert.equal(mine.json()[key].length, 1);
      const otherOwn = await g.http.inject({ method: 'GET', url: path, headers: other.auth });
      assert.equal(otherOwn.json()[key].length, 0);
    });
  }
});

/**
 * One credit-file entry by its id (`GET /v1/credit/entries/{id}`): the id the public register, a
 * withdrawal's audit record and a list give. It was `404 no route`, so an inspector holding an id
 * from the register paged through a whole file to read the entry's notes and evidence, and from there
 * its cause (the case, by `evidence.caseId` or the reference its summary names).
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, OTHER_PROVIDER, sendPromotion } from '../helpers/gateway.js';

describe('a credit-file entry by its id', () => {
  const { g, cp, other } = gatewaySuite({ other: { ...OTHER_PROVIDER, province: '11' } });
  const h: Record<string, Record<string, string>> = {};
  let confirmed: { id: string; caseId: string; reference: string };
  let otherEntry: string;
  let operatorEntry: string;

  before(async () => {
    const bearer = async (role: 'report-centre' | 'regulator', scope: Record<string, unknown> = {}) => ({ authorization: `Bearer ${(await g.app.auth.createToken(role, role, null, scope)).token}` });
    h.regulator = await bearer('regulator');
    h.fujian = await bearer('regulator', { province: '35' });
    h.centre = await bearer('report-centre');
    // A confirmed complaint closed: the system's entry, linked to its case.
    await sendPromotion(g, cp, '13800138701');
    const f = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: h.centre, payload: [{ reference: '12321-E-1', msisdn: '13800138701', sender: '10690002', text: '年终大促' }] });
    const c = f.json().results[0];
    assert.equal(c.state, 'forwarded', f.body);
    const act = async (headers: Record<string, string>, payload: Record<string, unknown>) => {
      const r = await g.http.inject({ method: 'POST', url: `/v1/cases/${c.id}/transitions`, headers, payload });
      assert.equal(r.statusCode, 200, r.body);
    };
    await act(cp.auth, { action: 'answer', text: '已退订', finding: 'confirmed' });
    await act(h.centre, { action: 'close' });
    const list = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: h.regulator });
    const e = list.json().entries.find((x: { kind: string }) => x.kind === 'confirmed_complaint');
    confirmed = { id: e.id, caseId: c.id, reference: c.reference };
    const w = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h.regulator, payload: { contentProviderId: other.id, kind: 'warning', notes: '北京企业' } });
    otherEntry = w.json().id;
    const o = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: h.regulator, payload: { subjectType: 'operator', subjectId: 'operator', kind: 'note', notes: '运营方', evidence: { caseIds: ['case_x'] } } });
    assert.equal(o.statusCode, 201, o.body);
    operatorEntry = o.json().id;
  });

  test('a regulator and the operator read it whole, the evidence leading to the case; the regulator\'s read is audited', async () => {
    for (const headers of [h.regulator, g.admin]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${confirmed.id}`, headers });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().kind, 'confirmed_complaint');
      assert.equal(r.json().evidence.caseId, confirmed.caseId);
      const kase = await g.http.inject({ method: 'GET', url: `/v1/cases/${r.json().evidence.caseId}`, headers });
      assert.equal(kase.statusCode, 200, kase.body);
      assert.equal(kase.json().reference, confirmed.reference);
    }
    const audit = (await g.store.records.queryRecords({ kind: 'audit', limit: 100 })).records
      .map((x) => x.body as { action: string; entryId?: string })
      .filter((x) => x.action === 'credit.query' && x.entryId === confirmed.id);
    assert.equal(audit.length, 1);
  });

  test('a provider reads its own without notes and evidence, and finds the case by the reference its summary names; another\'s is 404', async () => {
    const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${confirmed.id}`, headers: cp.auth });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal('evidence' in r.json(), false);
    assert.equal('notes' in r.json(), false);
    assert.ok(r.json().publicSummary.includes(confirmed.reference));
    const kase = await g.http.inject({ method: 'GET', url: `/v1/cases/${confirmed.reference}`, headers: cp.auth });
    assert.equal(kase.statusCode, 200, kase.body);
    assert.equal(kase.json().id, confirmed.caseId);
    for (const id of [otherEntry, operatorEntry, 'cfe_none']) {
      const theirs = await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${id}`, headers: cp.auth });
      assert.equal(theirs.statusCode, 404, theirs.body);
      assert.ok(!theirs.body.includes('北京企业'));
    }
  });

  test('a province-limited regulator: its province\'s, the operator\'s without evidence, another province\'s 404; the centre 403', async () => {
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${confirmed.id}`, headers: h.fujian })).statusCode, 200);
    const op = await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${operatorEntry}`, headers: h.fujian });
    assert.equal(op.statusCode, 200, op.body);
    assert.equal('evidence' in op.json(), false);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${otherEntry}`, headers: h.fujian })).statusCode, 404);
    const centre = await g.http.inject({ method: 'GET', url: `/v1/credit/entries/${confirmed.id}`, headers: h.centre });
    assert.equal(centre.statusCode, 403, centre.body);
  });

  test('GET /v1/credit/entries?kind= lists the entries of those kinds (it was 400 unknown field); an unknown kind is 400 naming them', async () => {
    const kinds = async (query: string, headers = h.regulator) => {
      const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?${query}`, headers });
      assert.equal(r.statusCode, 200, r.body);
      return (r.json().entries as { id: string; kind: string }[]).map((e) => e.id).sort();
    };
    assert.deepEqual(await kinds('kind=confirmed_complaint'), [confirmed.id]);
    assert.deepEqual(await kinds('kind=warning,note'), [otherEntry, operatorEntry].sort());
    assert.deepEqual(await kinds(`kind=warning&contentProviderId=${other.id}`), [otherEntry]);
    assert.deepEqual(await kinds('kind=warning', cp.auth), [], 'a provider its own file only');
    const bad = await g.http.inject({ method: 'GET', url: '/v1/credit/entries?kind=penalty', headers: h.regulator });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'kind');
    assert.match(bad.json().error.message, /^kind: one or more of confirmed_complaint, overdue_answer, overdue_forward, /);
  });
});

/**
 * Following cases as the report centre, a provider and a regulator do: by the reference the
 * complainant and the credit file give (`GET /v1/cases/C…`, which was 404 `no case C…`), by the
 * centre's own report reference (`?externalRef=`), by the deadline owed (`?overdue=true|false`) and
 * by the day filed (`?from=&to=`): each filter was refused 400 `unknown field`, leaving a centre to page
 * through every case for its overdue ones or a report it filed.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, sendPromotion } from '../helpers/gateway.js';

describe('finding cases: by reference, report reference, deadline and day filed', () => {
  const { g, cp } = gatewaySuite();
  const h: Record<string, Record<string, string>> = {};
  const ids: Record<string, string> = {};
  const refs: Record<string, string> = {};
  const list = async (who: Record<string, string>, query: string) => {
    const r = await g.http.inject({ method: 'GET', url: `/v1/cases?${query}`, headers: who });
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().cases as { id: string }[]).map((c) => c.id).sort();
  };

  before(async () => {
    const bearer = async (role: 'report-centre' | 'regulator', scope: Record<string, unknown> = {}) => ({ authorization: `Bearer ${(await g.app.auth.createToken(role, role, null, scope)).token}` });
    h.centre = await bearer('report-centre');
    h.regulator = await bearer('regulator');
    await sendPromotion(g, cp, '13800138601');
    // Monday 30 November: a complaint left unforwarded, and two 12321 reports (one matched, so forwarded on import).
    const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138601', sender: '10690002', text: '年终大促' } });
    assert.equal(c.statusCode, 201, c.body);
    ids.complaint = c.json().id;
    refs.complaint = c.json().reference;
    const r = await g.http.inject({
      method: 'POST', url: '/v1/reports', headers: h.centre,
      payload: [{ reference: '12321-A-1', msisdn: '13800138601', sender: '10690002', text: '年终大促' }, { reference: '12321-A-2', msisdn: '13900139602', sender: '10699999', text: '贷款' }],
    });
    assert.equal(r.statusCode, 200, r.body);
    const [forwarded, unmatched] = r.json().results;
    assert.equal(forwarded.state, 'forwarded');
    assert.equal(unmatched.state, 'received');
    ids.forwarded = forwarded.id;
    ids.unmatched = unmatched.id;
    // A day later (Tuesday 1 December): one more complaint.
    g.clock.advance(24 * 3_600_000);
    const later = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138601', sender: '10690002', text: '又收到年终大促' } });
    assert.equal(later.statusCode, 201, later.body);
    ids.later = later.json().id;
    h.regulatorTuesday = await bearer('regulator', { from: Date.parse('2026-12-01T00:00:00+08:00'), to: Date.parse('2026-12-02T00:00:00+08:00') });
  });

  test('GET /v1/cases/{reference} opens the case as its id does, typed as a person types it; a regulator\'s read is audited under the case id', async () => {
    for (const [who, headers] of [['centre', h.centre], ['provider', cp.auth], ['regulator', h.regulator]] as const) {
      for (const asTyped of [refs.complaint, ` ${refs.complaint.toLowerCase()} `]) {
        const r = await g.http.inject({ method: 'GET', url: `/v1/cases/${encodeURIComponent(asTyped)}`, headers });
        assert.equal(r.statusCode, 200, `${who}: ${r.body}`);
        assert.equal(r.json().id, ids.complaint);
      }
    }
    const views = (await g.store.records.queryRecords({ kind: 'audit', limit: 50 })).records
      .map((x) => x.body as { action: string; caseId?: string })
      .filter((x) => x.action === 'case.view');
    assert.equal(views.length, 2, 'the regulator\'s two reads');
    for (const v of views) assert.equal(v.caseId, ids.complaint);
    // A transition takes the reference too: the centre escalates by it.
    const e = await g.http.inject({ method: 'POST', url: `/v1/cases/${refs.complaint}/transitions`, headers: h.centre, payload: { action: 'forward' } });
    assert.equal(e.statusCode, 200, e.body);
    assert.equal(e.json().id, ids.complaint);
    assert.equal(e.json().state, 'forwarded');
    // A reference that is none is still 404; so is one the caller may not see.
    const none = await g.http.inject({ method: 'GET', url: '/v1/cases/C20261130DEADBEEF', headers: h.centre });
    assert.equal(none.statusCode, 404, none.body);
  });

  test('?externalRef= finds the case a 12321 report was filed as', async () => {
    assert.deepEqual(await list(h.centre, 'externalRef=12321-A-2'), [ids.unmatched]);
    assert.deepEqual(await list(h.centre, 'externalRef=12321-none'), []);
  });

  test('?from=&to= select by the time filed; a regulator\'s dates stay its bound', async () => {
    assert.deepEqual(await list(h.centre, `from=${encodeURIComponent('2026-12-01T00:00:00+08:00')}`), [ids.later]);
    assert.deepEqual(await list(h.centre, `to=${encodeURIComponent('2026-12-01T00:00:00+08:00')}`), [ids.complaint, ids.forwarded, ids.unmatched].sort());
    // A token limited to Tuesday asking for Monday on: Tuesday's case only, never Monday's.
    assert.deepEqual(await list(h.regulatorTuesday, `from=${encodeURIComponent('2026-11-30T00:00:00+08:00')}`), [ids.later]);
    const bad = await g.http.inject({ method: 'GET', url: `/v1/cases?from=${encodeURIComponent('2026-12-02T00:00:00+08:00')}&to=${encodeURIComponent('2026-12-01T00:00:00+08:00')}`, headers: h.centre });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'to');
    const noDate = await g.http.inject({ method: 'GET', url: '/v1/cases?from=yesterday', headers: h.centre });
    assert.equal(noDate.statusCode, 400, noDate.body);
    assert.equal(noDate.json().error.field, 'from');
  });

  test('?overdue=true lists the cases whose owed deadline passed (escalated ones too), ?overdue=false those still running', async () => {
    // Before any deadline: every open case is running, none overdue.
    assert.deepEqual(await list(h.centre, 'overdue=true'), []);
    assert.deepEqual(await list(h.centre, 'overdue=false'), [ids.complaint, ids.forwarded, ids.unmatched, ids.later].sort());
    // Past Monday's and Tuesday's forward deadlines (Monday 7 and Tuesday 8 December, 24:00), the sweeper not yet round.
    g.complaints.sweeper.kick = () => undefined;
    g.clock.set(Date.parse('2026-12-09T09:00:00+08:00'));
    assert.deepEqual(await list(h.centre, 'overdue=true'), [ids.unmatched, ids.later].sort());
    assert.deepEqual(await list(h.centre, 'overdue=false'), [ids.complaint, ids.forwarded].sort(), 'their answer deadlines run to 21 and 22 December');
    // Escalated by the sweeper, they still owe the forward: still overdue.
    await g.complaints.sweeper.sweep();
    assert.deepEqual(await list(h.centre, 'overdue=true&state=escalated'), [ids.unmatched, ids.later].sort());
    const bad = await g.http.inject({ method: 'GET', url: '/v1/cases?overdue=yes', headers: h.centre });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'overdue');
  });

  test('a filter the list does not take is refused naming the ones it does, and the one likely meant', async () => {
    const status = await g.http.inject({ method: 'GET', url: '/v1/cases?status=received', headers: h.centre });
    assert.equal(status.statusCode, 400, status.body);
    assert.equal(status.json().error.field, 'status');
    assert.equal(status.json().error.message, 'status: unknown field (GET /v1/cases takes state, contentProviderId, msisdn, externalRef, overdue, from, to, limit, cursor)');
    const misspelt = await g.http.inject({ method: 'GET', url: '/v1/cases?contentproviderId=cp_x', headers: h.centre });
    assert.equal(misspelt.statusCode, 400, misspelt.body);
    assert.match(misspelt.json().error.message, /^contentproviderId: unknown field \(did you mean contentProviderId\? GET \/v1\/cases takes state, /);
    const type = await g.http.inject({ method: 'GET', url: '/v1/credit/entries?type=warning', headers: h.regulator });
    assert.equal(type.statusCode, 400, type.body);
    assert.equal(type.json().error.message, 'type: unknown field (GET /v1/credit/entries takes contentProviderId, kind, limit, cursor)');
  });
});

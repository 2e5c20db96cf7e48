/**
 * A complaint whose evidence matches the operator's own message (the receipt an SMS report gets
 * from the report port, on the operator's account) names the operator's account, no content
 * provider. The centre forwards it by hand: to the operator's own handling (an admin answers it from
 * the port the message came from; a confirmed finding goes into the operator's credit file), or to
 * the provider it names when the match picked the operator's message by mistake.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { OPERATOR_ACCOUNT_ID } from '../../src/domain/case.js';

type Json = Record<string, any>;

describe('a case matched to the operator\'s own message', () => {
  const { g, cp } = gatewaySuite();
  let centre: Record<string, string>;
  const user = '13800138301';

  before(async () => {
    centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'centre clerk')).token}` };
    // An SMS report: the user gets a receipt from the report port, on the operator's account.
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text: '举报 10690001 全场五折' } });
    assert.ok(mo.statusCode < 300, mo.body);
    await g.worker.drain();
  });

  /** The user complains about the receipt itself. */
  async function fileAboutReceipt(): Promise<Json> {
    const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '12321', text: '您的举报已受理，处理结果将以短信告知', request: '不要再发' } });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().contentProviderId, OPERATOR_ACCOUNT_ID, r.body);
    return r.json();
  }
  const act = (id: string, headers: Record<string, string>, payload: Json) => g.http.inject({ method: 'POST', url: `/v1/cases/${id}/transitions`, headers, payload });

  test('forwarded as it is, the operator handles it: an admin answers from the report port and a confirmed finding enters the operator\'s credit file', async () => {
    const c = await fileAboutReceipt();
    const fw = await act(c.id, centre, { action: 'forward', reason: 'the receipt is the operator\'s own message' });
    assert.equal(fw.statusCode, 200, fw.body);
    assert.equal(fw.json().state, 'forwarded');
    assert.equal(fw.json().contentProviderId, OPERATOR_ACCOUNT_ID);
    assert.equal(typeof fw.json().answerDueAt, 'string');
    // No provider's case: a provider token is refused it.
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${c.id}`, headers: cp.auth })).statusCode, 403);
    // Measures that act on a provider's sending have no provider here.
    const optOut = await act(c.id, g.admin, { action: 'answer', text: '已停止发送回执。', finding: 'confirmed', measures: [{ kind: 'opt_out' }] });
    assert.equal(optOut.statusCode, 400, optOut.body);
    assert.equal(optOut.json().error.code, 'invalid_request');
    assert.equal(optOut.json().error.field, 'measures/0/kind');
    assert.match(optOut.json().error.message, /operator's own message/);
    const ans = await act(c.id, g.admin, { action: 'answer', text: '已核实，回执为受理通知。', finding: 'confirmed', measures: [{ kind: 'other', note: 'receipt wording reviewed' }] });
    assert.equal(ans.statusCode, 200, ans.body);
    assert.equal(ans.json().state, 'answered');
    await g.worker.drain();
    const out = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${user}` })).json().messages as Json[];
    const answer = out.find((m) => m.text.includes(c.reference));
    assert.ok(answer, JSON.stringify(out));
    assert.equal(answer!.from, '12321');
    const closed = await act(c.id, centre, { action: 'close' });
    assert.equal(closed.statusCode, 200, closed.body);
    const { entries } = await g.complaints.creditEntries({ role: 'admin', actorId: 'a' }, { contentProviderId: OPERATOR_ACCOUNT_ID });
    const entry = entries.find((e) => e.evidence?.caseId === c.id);
    assert.ok(entry, JSON.stringify(entries));
    assert.equal(entry!.subjectType, 'operator');
    assert.equal(entry!.kind, 'confirmed_complaint');
  });

  test('naming a registered provider with the forward corrects the match; an unknown one is refused, saying what to do', async () => {
    const c = await fileAboutReceipt();
    const bad = await act(c.id, centre, { action: 'forward', contentProviderId: 'cp_nobody' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.code, 'invalid_request');
    assert.equal(bad.json().error.field, 'contentProviderId');
    assert.match(bad.json().error.message, /leave it out to hand the case to the operator's own handling/);
    const fw = await act(c.id, centre, { action: 'forward', contentProviderId: cp.id });
    assert.equal(fw.statusCode, 200, fw.body);
    assert.equal(fw.json().contentProviderId, cp.id);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${c.id}`, headers: cp.auth })).statusCode, 200);
  });

  test('the case page offers the operator\'s own handling or a provider, and names the operator', async () => {
    const c = await fileAboutReceipt();
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(centre.authorization.slice(7))}` });
    const page = await g.http.inject({ method: 'GET', url: `/web/cases/${c.id}?lang=en`, headers: { cookie: String(login.headers['set-cookie']).split(';')[0] } });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /<option value="">The operator&#39;s own handling/);
    assert.ok(page.body.includes(`<option value="${cp.id}">`));
    assert.ok(page.body.includes('<dd>The operator</dd>'), 'the provider line names the operator, not its account id');
  });
  test('a missed answer deadline on the operator\'s own case goes into the operator\'s credit file', async () => {
    const c = await fileAboutReceipt();
    assert.equal((await act(c.id, centre, { action: 'forward' })).statusCode, 200);
    // 15 working days from now are over within 22 calendar days.
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: 22 * 86_400 } });
    await g.complaints.sweeper.sweep();
    const after = (await g.http.inject({ method: 'GET', url: `/v1/cases/${c.id}`, headers: centre })).json();
    assert.equal(after.escalatedReason, 'answer_overdue');
    const { entries } = await g.complaints.creditEntries({ role: 'admin', actorId: 'a' }, { contentProviderId: OPERATOR_ACCOUNT_ID });
    const e = entries.find((x) => x.kind === 'overdue_answer' && x.evidence?.caseId === c.id);
    assert.ok(e, JSON.stringify(entries));
    assert.equal(e!.subjectType, 'operator');
  });

});

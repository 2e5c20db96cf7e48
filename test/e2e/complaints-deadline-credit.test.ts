/**
 * What the deadlines write into credit files when a case leaves the plain path: reopened after an
 * answer given in time, or escalated by hand before its deadline. The entry says "not answered
 * (forwarded) within N working days": it must be true of the case, and a case taken up by the
 * centre or a regulator must not lose its deadline.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, sendPromotion, type TestGateway } from '../helpers/gateway.js';
import { installContent } from '../helpers/content.js';
import { webCookie } from '../helpers/web.js';

const DAY = 86_400_000;

async function token(g: TestGateway, role: 'report-centre' | 'regulator'): Promise<Record<string, string>> {
  const { token: t } = await g.app.auth.createToken(role, role);
  return { authorization: `Bearer ${t}` };
}

async function act(g: TestGateway, id: string, headers: Record<string, string>, payload: Record<string, unknown>): Promise<Record<string, any>> {
  const r = await g.http.inject({ method: 'POST', url: `/v1/cases/${id}/transitions`, headers, payload });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

async function entriesOf(g: TestGateway, headers: Record<string, string>, subject: string): Promise<{ kind: string; evidence: { caseId?: string } }[]> {
  const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${subject}`, headers });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().entries;
}

async function advance(g: TestGateway, ms: number): Promise<void> {
  g.clock.advance(ms);
  await g.complaints.sweeper.sweep();
}

describe('complaint deadlines and the credit file', () => {
  test('an answer given in time stays in time: a case reopened after the deadline is escalated, with no overdue_answer in the provider\'s file', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const user = '13800138201';
    await sendPromotion(g, cp, user);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    const fw = await act(g, f.id, centre, { action: 'forward' });
    assert.equal(fw.answerDueAt, '2026-12-21T16:00:00.000Z'); // 15 working days after Mon 30 Nov
    // answered on the last day (Mon 21 Dec), reopened the next day
    await advance(g, 21 * DAY);
    await act(g, f.id, cp.auth, { action: 'answer', text: '已核实为用户同意的营销短信', finding: 'unfounded' });
    await advance(g, DAY);
    await act(g, f.id, centre, { action: 'reopen', reason: '用户不认可' });
    await advance(g, 60_000);
    const c = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.equal(c.state, 'escalated', 'the answer deadline stands for the second look');
    assert.deepEqual((await entriesOf(g, regulator, cp.id)).filter((e) => e.evidence.caseId === f.id).map((e) => e.kind), [],
      'the provider answered within 15 working days; its file must not say it did not');
  }));

  test('a case escalated by hand keeps its deadline: shown overdue, and the late forward and the late answer enter the files', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const user = '13800138202';
    await sendPromotion(g, cp, user);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    assert.equal(f.forwardDueAt, '2026-12-07T16:00:00.000Z');
    // the centre takes the case up on the day it arrives, before its forward deadline
    const up = await act(g, f.id, centre, { action: 'escalate', reason: '先核实用户身份' });
    assert.deepEqual([up.deadline.running, up.deadline.dueAt, up.deadline.overdue], ['forward', '2026-12-07T16:00:00.000Z', false]);
    await advance(g, 8 * DAY); // Tue 8 Dec: the forward is late
    const late = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.deepEqual([late.state, late.deadline.running, late.deadline.overdue], ['escalated', 'forward', true]);
    const page = await g.http.inject({ method: 'GET', url: `/v1/complaints/${f.reference}?accessCode=${f.accessCode}` });
    assert.equal(page.json().deadline.overdue, true);
    const fw = await act(g, f.id, centre, { action: 'forward' });
    assert.ok((await entriesOf(g, regulator, 'operator')).some((e) => e.kind === 'overdue_forward' && e.evidence.caseId === f.id),
      'forwarded after 5 working days: the operator\'s file says so, as when the sweeper escalates it');
    // a regulator takes the forwarded case up before its answer deadline; the provider answers after it
    await act(g, f.id, regulator, { action: 'escalate', reason: '监管部门督办' });
    // an escalated case already forwarded is not the centre's to forward again: not offered, not said to be allowed
    const view = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.deepEqual(view.allowedActions, ['withdraw']);
    const again = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'escalate' } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.message, "no transition 'escalate' from escalated; allowed: withdraw");
    const due = Date.parse(fw.answerDueAt);
    await advance(g, due - g.clock.now() + 60_000);
    const owed = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.deepEqual([owed.state, owed.deadline.running, owed.deadline.overdue], ['escalated', 'answer', true]);
    assert.ok(owed.deadline.workingDaysLeft <= 0);
    await act(g, f.id, cp.auth, { action: 'answer', text: '已处理', finding: 'confirmed' });
    assert.ok((await entriesOf(g, regulator, cp.id)).some((e) => e.kind === 'overdue_answer' && e.evidence.caseId === f.id),
      'answered after 15 working days: the provider\'s file says so, as when the sweeper escalates it');
  }));

  test('the sweeper\'s own escalation and a late answer after it write one entry, not two', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const user = '13800138203';
    await sendPromotion(g, cp, user);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    await act(g, f.id, centre, { action: 'forward' });
    await advance(g, 23 * DAY);
    await act(g, f.id, cp.auth, { action: 'answer', text: '迟到的答复', finding: 'unfounded' });
    assert.equal((await entriesOf(g, regulator, cp.id)).filter((e) => e.evidence.caseId === f.id && e.kind === 'overdue_answer').length, 1);
  }));
});

describe('a case escalated by hand and left so', () => {
  type Entry = { kind: string; at: number; subjectType: string; summaryTemplate: { key: string; params: Record<string, unknown> } | null; evidence: Record<string, unknown> };
  const ofCase = async (g: TestGateway, headers: Record<string, string>, subject: string, caseId: string): Promise<Entry[]> =>
    (await entriesOf(g, headers, subject)).filter((e) => e.evidence.caseId === caseId) as unknown as Entry[];

  test('never forwarded: the sweeper enters the missed forward deadline in the operator\'s file once it passes on the working-day clock, once, and the late forward adds none', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const user = '13800138205';
    await sendPromotion(g, cp, user);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    assert.equal(f.forwardDueAt, '2026-12-07T16:00:00.000Z'); // 5 working days after Mon 30 Nov: Mon 7 Dec, 24:00 Shanghai
    await act(g, f.id, centre, { action: 'escalate', reason: '先核实用户身份' });
    // Sat 5 Dec: five calendar days, three working days; nothing is late yet
    await advance(g, 5 * DAY);
    assert.deepEqual(await ofCase(g, regulator, 'operator', f.id), []);
    const due = Date.parse(f.forwardDueAt);
    await advance(g, due - g.clock.now() - 60_000);
    assert.deepEqual(await ofCase(g, regulator, 'operator', f.id), [], 'a minute before the deadline');
    await advance(g, 120_000);
    const entered = await ofCase(g, regulator, 'operator', f.id);
    assert.deepEqual(entered.map((e) => [e.kind, e.subjectType, e.summaryTemplate?.key, e.evidence.forwardDueAt, e.evidence.reference]),
      [['overdue_forward', 'operator', 'forward_overdue', due, f.reference]], 'the case was left unforwarded past 5 working days: the operator\'s file says so');
    assert.equal(entered[0].at, due + 60_000, 'entered at the sweep after the deadline');
    const view = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.equal(view.state, 'escalated', 'the sweeper enters the deadline; the case stays as the centre left it');
    await advance(g, DAY);
    assert.equal((await ofCase(g, regulator, 'operator', f.id)).length, 1, 'the next sweeps do not enter it again');
    await act(g, f.id, centre, { action: 'forward' });
    assert.equal((await ofCase(g, regulator, 'operator', f.id)).length, 1, 'the late forward writes the same entry, already there');
  }));

  test('forwarded and then taken up by a regulator, never answered: the sweeper enters the missed answer deadline in the provider\'s file, once, and the late answer adds none', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const user = '13800138206';
    await sendPromotion(g, cp, user);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    const fw = await act(g, f.id, centre, { action: 'forward' });
    await act(g, f.id, regulator, { action: 'escalate', reason: '监管部门督办' });
    const due = Date.parse(fw.answerDueAt);
    assert.equal(fw.answerDueAt, '2026-12-21T16:00:00.000Z');
    await advance(g, due - g.clock.now() - 60_000);
    assert.deepEqual(await ofCase(g, regulator, cp.id, f.id), [], 'a minute before the deadline');
    assert.deepEqual(await ofCase(g, regulator, 'operator', f.id), [], 'forwarded in time: nothing in the operator\'s file');
    await advance(g, 120_000);
    const entered = await ofCase(g, regulator, cp.id, f.id);
    assert.deepEqual(entered.map((e) => [e.kind, e.subjectType, e.summaryTemplate?.key, e.evidence.answerDueAt, e.evidence.forwardedAt]),
      [['overdue_answer', 'content-provider', 'answer_overdue', due, Date.parse(fw.forwardedAt)]], 'not answered within 15 working days: the provider\'s file says so');
    await advance(g, 3 * DAY);
    assert.equal((await ofCase(g, regulator, cp.id, f.id)).length, 1, 'the next sweeps do not enter it again');
    await act(g, f.id, cp.auth, { action: 'answer', text: '迟到的答复', finding: 'confirmed' });
    assert.deepEqual((await ofCase(g, regulator, cp.id, f.id)).map((e) => e.kind).filter((k) => k === 'overdue_answer'), ['overdue_answer'],
      'the late answer writes the same entry, already there');
    assert.deepEqual(await ofCase(g, regulator, 'operator', f.id), []);
  }));

  test('acted on between the deadline and the sweeper\'s next round: the late forward and the late answer write the entries themselves', () => withGateway(async (g, cp) => {
    g.complaints.sweeper.kick = () => undefined; // no round runs: the clock moves, the sweeper has not come by yet
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const user = '13800138208';
    await sendPromotion(g, cp, user);
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    await act(g, f.id, centre, { action: 'escalate', reason: '先核实用户身份' });
    g.clock.advance(Date.parse(f.forwardDueAt) - g.clock.now() + 60_000);
    const fw = await act(g, f.id, centre, { action: 'forward' });
    assert.deepEqual((await ofCase(g, regulator, 'operator', f.id)).map((e) => e.kind), ['overdue_forward']);
    await act(g, f.id, regulator, { action: 'escalate', reason: '监管部门督办' });
    g.clock.advance(Date.parse(fw.answerDueAt) - g.clock.now() + 60_000);
    await act(g, f.id, cp.auth, { action: 'answer', text: '迟到的答复', finding: 'confirmed' });
    assert.deepEqual((await ofCase(g, regulator, cp.id, f.id)).map((e) => e.kind).filter((k) => k === 'overdue_answer'), ['overdue_answer']);
  }));

  test('naming no provider: left unforwarded past its deadline, it enters the operator\'s file as the sweeper\'s escalation would', () => withGateway(async (g) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138207', sender: '10699999', text: '陌生号码的广告' } })).json();
    assert.equal(f.contentProviderId, null);
    await act(g, f.id, centre, { action: 'escalate', reason: '查找发送方' });
    await advance(g, 8 * DAY);
    assert.deepEqual((await ofCase(g, regulator, 'operator', f.id)).map((e) => e.kind), ['overdue_forward']);
  }));
});

describe('a reopened case and the complaint rate', () => {
  test('the centre reopening an answer found unfounded puts the complaint back in the rate until the provider answers again', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const user = '13800138204';
    await sendPromotion(g, cp, user);
    const month = '2026-11';
    const rate = async () => (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=${month}`, headers: centre })).json().complaints as number;
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json();
    assert.equal(await rate(), 1);
    await act(g, f.id, centre, { action: 'forward' });
    await act(g, f.id, cp.auth, { action: 'answer', text: '用户曾同意接收', finding: 'unfounded' });
    assert.equal(await rate(), 0, 'found unfounded: not counted');
    const re = await act(g, f.id, centre, { action: 'reopen', reason: '用户从未同意' });
    assert.equal(re.finding, null, 'the answer the centre did not accept no longer stands as the finding');
    assert.equal(await rate(), 1, 'an open complaint counts again');
    const trail = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json().events;
    assert.ok(trail.some((e: { detail?: { finding?: string } }) => e.detail?.finding === 'unfounded'), 'the first finding stays in the trail');
    await act(g, f.id, cp.auth, { action: 'answer', text: '复核确认未经同意，已退订', finding: 'confirmed' });
    assert.equal(await rate(), 1);
  }));
});

describe('whom a complaint counts against, and from when', () => {
  test('a complaint naming only a port counts against the port\'s owner as it is filed, in the month\'s rate and in the early warning; one naming no provider counts in the month\'s rate once forwarded to one, never in the early warning', () => withGateway(async (g, cp) => {
    const { gov, http } = await installContent(g);
    try {
      const centre = await token(g, 'report-centre');
      const warning = () => gov.monitor.snapshot('provider', cp.id, g.clock.now())?.complaints ?? 0;
      const month = async () => (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, headers: centre })).json().complaints as number;
      // No token, no message to that number in the records: only the port names the provider.
      const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138231', sender: '10690002' } })).json();
      assert.deepEqual([f.contentProviderId, f.matchedMessageId, f.state], [cp.id, null, 'received']);
      assert.equal(await month(), 1, 'counted in the month\'s rate at once, before the centre forwards it');
      assert.equal(warning(), 1, 'counted in the early warning\'s window as it is filed');
      // A sender no one registered: no provider until the centre forwards it to one.
      const u = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138232', sender: '10699999', text: '陌生号码的广告' } })).json();
      assert.equal(u.contentProviderId, null);
      await act(g, u.id, centre, { action: 'forward', contentProviderId: cp.id });
      assert.equal(await month(), 2, 'the month it was filed in counts it once it names the provider');
      assert.equal(warning(), 1, 'the early warning hears a complaint when it is filed, with the provider it names then');
    } finally {
      await http.close();
    }
  }));
});

describe('the annual report\'s complaint figures', () => {
  test('an answer deadline the provider missed is counted as such; a late forward or a case taken up by a regulator is not the provider\'s overdue', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    const regulator = await token(g, 'regulator');
    const file = async (user: string) => {
      await sendPromotion(g, cp, user);
      return (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '年终大促' } })).json() as { id: string };
    };
    // A: the centre forwards late (the sweeper escalates it, the operator's fault); the provider answers at once
    const a = await file('13800138211');
    await advance(g, 8 * DAY);
    await act(g, a.id, centre, { action: 'forward' });
    await act(g, a.id, cp.auth, { action: 'answer', text: '已处理', finding: 'confirmed' });
    // B: a regulator takes the forwarded case up; the provider answers in time
    const b = await file('13800138212');
    await act(g, b.id, centre, { action: 'forward' });
    await act(g, b.id, regulator, { action: 'escalate', reason: '督办' });
    await act(g, b.id, cp.auth, { action: 'answer', text: '已处理', finding: 'confirmed' });
    // C: forwarded, answered after its deadline
    const c = await file('13800138213');
    await act(g, c.id, centre, { action: 'forward' });
    await advance(g, 23 * DAY);
    await act(g, c.id, cp.auth, { action: 'answer', text: '迟到的答复', finding: 'confirmed' });
    const { buildAnnualReport } = await import('../../src/app/report-annual.js');
    const { renderAnnualReport } = await import('../../src/web/annual-report.js');
    const r = await buildAnnualReport(g.app.ctx, cp.id, 2026);
    assert.equal(r.complaints.total, 3);
    assert.equal(r.complaints.escalated, 3, 'A and C by the sweeper, B by a regulator');
    assert.equal(r.complaints.answerOverdue, 1, 'only C missed its answer deadline');
    assert.equal(r.complaints.answeredOnTime, 2);
    const html = renderAnnualReport(r, 'zh');
    assert.match(html, /答复超期/);
    assert.doesNotMatch(html, /升级（超期）/, 'an escalation is not an overdue of the provider');
  }));
});

describe('a refund measure\'s amount', () => {
  test('is yuan and fen: more than two decimal places is 400 naming it, as a fine\'s amount', () => withGateway(async (g, cp) => {
    const centre = await token(g, 'report-centre');
    await sendPromotion(g, cp, '13800138221');
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138221', sender: '10690002', text: '年终大促' } })).json();
    await act(g, f.id, centre, { action: 'forward' });
    const sub = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: '已退费', finding: 'confirmed', measures: [{ kind: 'refund', amountYuan: 0.001 }] } });
    assert.equal(sub.statusCode, 400, sub.body);
    assert.equal(sub.json().error.field, 'measures/0/amountYuan');
    const ok = await act(g, f.id, cp.auth, { action: 'answer', text: '已退费', finding: 'confirmed', measures: [{ kind: 'refund', amountYuan: 0.1 }] });
    assert.equal(ok.state, 'answered');
  }));
});

describe('the complaint rate counts complainants, and a regulator\'s read of it is recorded', () => {
  test('one number complaining five times is one complainant: in the month\'s rate, its threshold and the early warning\'s window', () => withGateway(async (g, cp) => {
    const { gov, http } = await installContent(g);
    try {
      const centre = await token(g, 'report-centre');
      await sendPromotion(g, cp, '13800138241');
      await sendPromotion(g, cp, '13800138242');
      const file = async (msisdn: string) => assert.equal((await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn, sender: '10690002', text: '年终大促' } })).statusCode, 201);
      for (let i = 0; i < 5; i++) await file('13800138241');
      await file('13800138242');
      const r = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, headers: centre })).json();
      assert.equal(r.complaints, 6, 'six cases that count');
      assert.equal(r.complainants, 2, 'filed by two people');
      assert.equal(r.messages, 2);
      assert.equal(r.ratePerMillion, (2 * 1e6) / 2, 'the rate counts the two people, not the six filings');
      assert.equal(gov.monitor.snapshot('provider', cp.id, g.clock.now())?.complaints, 2, 'the early warning\'s window counts the two people too');
    } finally {
      await http.close();
    }
  }));

  test('a regulator reading a provider\'s complaint rate is audited (complaint_rate.read), as its reads of cases and credit files are; the centre\'s read is not', () => withGateway(async (g, cp) => {
    const { token: regTok, id: regId } = await g.app.auth.createToken('regulator', 'regulator');
    const regulator = { authorization: `Bearer ${regTok}` };
    const centre = await token(g, 'report-centre');
    const reads = async () => (await g.store.records.queryRecords({ kind: 'audit', limit: 200 })).records.map((x) => x.body as { action: string; actor: string; contentProviderId?: string; contentProviderIds?: string[]; month?: string }).filter((b) => b.action === 'complaint_rate.read');
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, headers: centre })).statusCode, 200);
    assert.deepEqual(await reads(), [], 'the report centre\'s read is not a regulator\'s');
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=2026-11`, headers: regulator })).statusCode, 200);
    assert.deepEqual((await reads()).map((b) => [b.actor, b.contentProviderId, b.month]), [[regId, cp.id, '2026-11']]);
    // the credit page reads every provider's rate through the same use case: one record for the
    // page's table, naming each provider it shows (a record per provider was up to 500 a page load)
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: '另一家公司', creditCode: '91350100M000100Y43' } })).statusCode, 201);
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: await webCookie(g, regTok) } });
    assert.equal(page.statusCode, 200);
    const after = await reads();
    assert.equal(after.length, 2, 'one record for the page');
    const pageRead = after.find((b) => b.contentProviderIds)!;
    assert.ok(pageRead.contentProviderIds!.includes(cp.id));
    assert.ok(pageRead.contentProviderIds!.length >= 2, 'every provider the page shows');
  }));
});

/** Complaints end to end through HTTP and the simulator: intake, evidence, workflow, deadlines, credit files, rates. */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, type TestGateway } from '../helpers/gateway.js';
import { webCookie } from '../helpers/web.js';
import { shanghaiMonth } from '../../src/domain/case.js';

const DAY = 86_400_000;

async function token(g: TestGateway, role: 'report-centre' | 'regulator', label: string): Promise<Record<string, string>> {
  const { token: t } = await g.app.auth.createToken(role, label);
  return { authorization: `Bearer ${t}` };
}

describe('complaints: intake, evidence, workflow and supervision', () => {
  const { g, cp } = gatewaySuite();
  let centre: Record<string, string>;
  let regulator: Record<string, string>;
  const user = '13800138111';
  let promoId: string;

  before(async () => {
    centre = await token(g, 'report-centre', 'centre clerk');
    regulator = await token(g, 'regulator', 'inspector');
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-9', capturedAt: '2026-11-01T00:00:00Z' } } });
    assert.equal(c.statusCode, 201, c.body);
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: user, text: '【示例】年终大促全场五折，点击领取优惠券', type: 'commercial', category: 'promo' } });
    assert.equal(m.statusCode, 202, m.body);
    promoId = m.json().id;
    // an unrelated notification the matcher must not pick
    await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: user, text: '【示例】您的快递已到驿站', type: 'notification' } });
    await g.worker.drain();
  });

  test('a user files by API without login: matched to the record, consent and decision trail attached, deadlines in working days', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: `+86${user}`, sender: '10690002', text: '年终大促全场五折', request: '不要再发' } });
    assert.equal(r.statusCode, 201, r.body);
    const f = r.json();
    assert.match(f.reference, /^C20261130[0-9A-F]{8}$/);
    assert.equal(f.state, 'received');
    assert.equal(f.matchedMessageId, promoId);
    assert.equal(f.contentProviderId, cp.id);
    assert.ok(f.accessCode);
    // Monday 2026-11-30 + 5 working days = end of Monday 2026-12-07 (Shanghai)
    assert.equal(f.forwardDueAt, '2026-12-07T16:00:00.000Z');

    const d = await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre });
    assert.equal(d.statusCode, 200, d.body);
    const c = d.json();
    assert.equal(c.evidence.match.id, promoId);
    assert.equal(c.evidence.consent.category, 'promo');
    assert.ok(c.evidence.verdicts.length > 0, 'decision trail');
    // Each verdict names its article, as GET /v1/messages/{id} does (the record keeps only the rule).
    const msgView = (await g.http.inject({ method: 'GET', url: `/v1/messages/${promoId}`, headers: regulator })).json();
    assert.deepEqual(c.evidence.verdicts.map((v: { article?: string }) => v.article), msgView.verdicts.map((v: { article?: string }) => v.article));
    assert.ok(c.evidence.verdicts.every((v: { article?: string }) => typeof v.article === 'string' && v.article.length > 0), JSON.stringify(c.evidence.verdicts));
    assert.ok(c.evidence.subscription.some((e: { kind: string }) => e.kind === 'consent_granted'));
    assert.deepEqual(c.allowedActions, ['forward', 'escalate', 'withdraw']);
    assert.equal(c.deadline.running, 'forward');
    assert.equal(c.events[0].kind, 'created');

    // the complainant's own view: masked number, no evidence
    const s = await g.http.inject({ method: 'GET', url: `/v1/complaints/${f.reference}?accessCode=${f.accessCode}` });
    assert.equal(s.statusCode, 200);
    assert.equal(s.json().msisdn, '138****8111');
    assert.equal(s.json().evidence, undefined);
    const bad = await g.http.inject({ method: 'GET', url: `/v1/complaints/${f.reference}?accessCode=nope` });
    assert.equal(bad.statusCode, 404);
  });

  test('forward → investigate → answer (SMS to the user, opt-out applied) → close: confirmed complaint enters the credit file and counts', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '【示例】', text: '点击领取优惠券' } })).json();
    // a provider cannot forward, and cannot see cases before they are forwarded to it... it can: the case names it
    const nf = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'forward' } });
    assert.equal(nf.statusCode, 403);
    const fw = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'forward', reason: '转企业核查' } });
    assert.equal(fw.statusCode, 200, fw.body);
    assert.equal(fw.json().state, 'forwarded');
    assert.equal(fw.json().answerDueAt, '2026-12-21T16:00:00.000Z'); // 15 working days after Mon 30 Nov
    const twice = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'close' } });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().error.code, 'conflict');

    const inv = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'investigate' } });
    assert.equal(inv.statusCode, 200, inv.body);
    const susp = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: 'x', finding: 'confirmed', measures: [{ kind: 'suspend' }] } });
    assert.equal(susp.statusCode, 403, 'suspending the provider is the operator\'s measure');
    const ans = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: '经核实属实，已将您的号码退订并停止发送。', finding: 'confirmed', measures: [{ kind: 'opt_out' }, { kind: 'block_template', note: '年终大促模板' }] } });
    assert.equal(ans.statusCode, 200, ans.body);
    assert.equal(ans.json().state, 'answered');
    assert.ok(ans.json().answerMessageId);
    await g.worker.drain();
    const out = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${user}` })).json().messages as { text: string; from: string }[];
    const answerSms = out.find((m) => m.text.includes(f.reference));
    assert.ok(answerSms, 'answer reached the user');
    assert.equal(answerSms!.from, '10690001', 'from the service port');
    assert.ok(answerSms!.text.startsWith('【示例】'));
    // the opt-out measure took effect
    const promo = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: user, text: '【示例】再来一次', type: 'commercial', category: 'promo' } });
    assert.equal(promo.json().error.code, 'opted_out');

    const cl = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'close', reason: '答复满意' } });
    assert.equal(cl.statusCode, 200, cl.body);
    assert.equal(cl.json().state, 'closed');
    const detail = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: regulator })).json();
    assert.deepEqual(detail.events.filter((e: { toState: string | null; kind: string }) => e.kind !== 'measure' && e.kind !== 'note').map((e: { kind: string }) => e.kind), ['created', 'forward', 'investigate', 'answer', 'close']);
    assert.deepEqual(detail.measures.map((m: { kind: string }) => m.kind), ['opt_out', 'block_template']);
    assert.ok(detail.events.every((e: { actorId: string }) => e.actorId));

    const entries = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: regulator })).json().entries;
    assert.ok(entries.some((e: { kind: string; evidence: { caseId: string } }) => e.kind === 'confirmed_complaint' && e.evidence.caseId === f.id));

    const rate = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/complaint-rate?month=${shanghaiMonth(g.clock.now())}`, headers: cp.auth });
    assert.equal(rate.statusCode, 200, rate.body);
    const rj = rate.json();
    assert.ok(rj.complaints >= 2);
    assert.equal(rj.messages, 2, "accepted submissions only (the opted-out one was rejected)");
    assert.equal(rj.confirmed, 1);
    // the rate counts complainants (distinct numbers): the same user filed both complaints
    assert.equal(rj.complainants, 1);
    assert.equal(rj.ratePerMillion, (rj.complainants * 1e6) / rj.messages);
    assert.equal(rj.exceeded, true);
  });

  test('SMS 举报 to the report port opens a case linked to the matching record', async () => {
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '12321', text: '举报 【示例】年终大促全场五折，点击领取优惠券' } });
    assert.ok(mo.statusCode < 300, mo.body);
    const list = (await g.http.inject({ method: 'GET', url: `/v1/cases?msisdn=${user}`, headers: centre })).json().cases as { source: string; matchedMessageId: string; contentProviderId: string }[];
    const sms = list.find((c) => c.source === 'sms');
    assert.ok(sms, 'case opened from SMS');
    assert.equal(sms!.matchedMessageId, promoId);
    assert.equal(sms!.contentProviderId, cp.id);
  });

  test('12321 reports in bulk (JSON and JSONL): each with its own reference, forwarded on import, idempotent, bad lines named', async () => {
    const body = [
      { reference: '12321-2026-0001', msisdn: user, sender: '10690002', text: '全场五折' },
      { reference: '12321-2026-0002', msisdn: '12345', text: 'x' },
    ];
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: body });
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json();
    assert.equal(res.filed, 1);
    assert.equal(res.results[0].state, 'forwarded');
    assert.equal(res.results[0].externalRef, '12321-2026-0001');
    assert.equal(res.results[1].error.code, 'invalid_msisdn');
    assert.equal(res.results[1].error.field, 'reports/1/msisdn');
    const again = (await g.http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: [body[0]] })).json();
    assert.equal(again.results[0].id, res.results[0].id);
    const jsonl = `${JSON.stringify({ reference: '12321-2026-0003', msisdn: '13900139000', text: '贷款无抵押' })}\nnot json\n`;
    const j = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: { ...centre, 'content-type': 'application/x-ndjson' }, payload: jsonl });
    assert.equal(j.statusCode, 200, j.body);
    assert.equal(j.json().filed, 1);
    assert.equal(j.json().results[0].state, 'received', 'no provider matched: stays with the centre');
    assert.equal(j.json().results[1].error.code, 'invalid_request');
    const denied = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: cp.auth, payload: body });
    assert.equal(denied.statusCode, 403);
  });

  test('a 12321 report naming an unknown provider leaves no case; the rest of the import is filed; a retry naming a registered provider files it', async () => {
    const cases = async () => (await g.http.inject({ method: 'GET', url: '/v1/cases?limit=500', headers: centre })).json().cases as { externalRef?: string | null; contentProviderId: string | null }[];
    const before = (await cases()).length;
    const body = [
      { reference: 'D-0', msisdn: '13800138000', text: '贷款无抵押' },
      { reference: 'D-1', msisdn: '13800138000', text: 'x', contentProviderId: 'cp_nope' },
      { reference: 'D-2', msisdn: '13800138000', text: '年终大促', contentProviderId: cp.id },
    ];
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: body });
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json();
    assert.deepEqual([res.filed, res.failed], [2, 1]);
    assert.deepEqual(res.results.map((x: { ok: boolean }) => x.ok), [true, false, true]);
    assert.equal(res.results[0].state, 'received');
    assert.equal(res.results[2].state, 'forwarded');
    assert.equal(res.results[2].contentProviderId, cp.id);
    assert.deepEqual(res.results[1], {
      ok: false, reference: 'D-1',
      error: { code: 'invalid_request', field: 'reports/1/contentProviderId', message: 'reports/1/contentProviderId: no content provider cp_nope; name a registered one or leave it out' },
    });
    const after = await cases();
    assert.equal(after.length, before + 2, 'the failing item opened no case');
    assert.ok(!after.some((c) => c.externalRef === 'D-1' || c.contentProviderId === 'cp_nope'));
    // the forwarded one's trail: created then forward, one transaction
    const d2 = (await g.http.inject({ method: 'GET', url: `/v1/cases/${res.results[2].id}`, headers: centre })).json();
    assert.deepEqual(d2.events.map((e: { kind: string }) => e.kind), ['created', 'forward']);

    const retry = (await g.http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: [{ ...body[1], contentProviderId: cp.id }] })).json();
    assert.equal(retry.filed, 1, JSON.stringify(retry));
    assert.equal(retry.results[0].externalRef, 'D-1');
    assert.equal(retry.results[0].state, 'forwarded');
    assert.equal(retry.results[0].contentProviderId, cp.id);
    assert.equal((await cases()).length, before + 3);

    // a user's complaint naming an unknown provider is refused the same way, and opens nothing
    const u = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', text: 'x', contentProviderId: 'cp_nope' } });
    assert.equal(u.statusCode, 400, u.body);
    assert.equal(u.json().error.field, 'contentProviderId');
    assert.equal((await cases()).length, before + 3);
  });

  test('a JSONL import names the item and the line of a line that is not JSON, and the item of an unknown provider', async () => {
    const jsonl = [
      JSON.stringify({ reference: 'L-1', msisdn: '13900139001', text: '贷款无抵押' }),
      '',
      '{"reference":"L-2", not json',
      JSON.stringify({ reference: 'L-3', msisdn: '13900139001', text: 'x', contentProviderId: 'cp_nope' }),
    ].join('\n');
    const r = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: { ...centre, 'content-type': 'application/x-ndjson' }, payload: jsonl });
    assert.equal(r.statusCode, 200, r.body);
    const res = r.json();
    assert.deepEqual([res.filed, res.failed], [1, 2]);
    assert.equal(res.results[1].error.code, 'invalid_request');
    assert.equal(res.results[1].error.field, 'reports/1');
    assert.match(res.results[1].error.message, /^reports\/1: line 3 is not JSON: \S/);
    assert.doesNotMatch(res.results[1].error.message, /must be an object/);
    assert.equal(res.results[2].error.field, 'reports/2/contentProviderId');
    assert.match(res.results[2].error.message, /^reports\/2\/contentProviderId: no content provider cp_nope/);
  });

  test('overdue answers escalate on the working-day clock and count against the provider', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: '五折' } })).json();
    await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'forward' } });
    // 14 calendar days later is before the 15th working day: still on time
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: (14 * DAY) / 1000 } });
    await g.complaints.sweeper.sweep();
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json().state, 'forwarded');
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: (8 * DAY) / 1000 } });
    await g.complaints.sweeper.sweep();
    const c = (await g.http.inject({ method: 'GET', url: `/v1/cases/${f.id}`, headers: centre })).json();
    assert.equal(c.state, 'escalated');
    assert.equal(c.escalatedReason, 'answer_overdue');
    assert.equal(c.events.at(-1).actor, 'system');
    const entries = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: regulator })).json().entries;
    assert.ok(entries.some((e: { kind: string; evidence: { caseId: string } }) => e.kind === 'overdue_answer' && e.evidence.caseId === f.id));
    // a complaint nobody forwarded: the forward deadline is the operator's, in the operator's file
    const lost = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, text: '没人处理' } })).json();
    await g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: (10 * DAY) / 1000 } });
    await g.complaints.sweeper.sweep();
    const lostCase = (await g.http.inject({ method: 'GET', url: `/v1/cases/${lost.id}`, headers: centre })).json();
    assert.equal(lostCase.escalatedReason, 'forward_overdue');
    const { entries: op } = await g.complaints.creditEntries({ role: 'admin', actorId: 'a' }, { contentProviderId: 'operator' });
    assert.ok(op.some((e) => e.subjectType === 'operator' && e.evidence?.caseId === lost.id));
    // of its own kind, overdue_forward (it was written overdue_answer, a deadline that was never running), through the API as stored
    const opApi = (await g.http.inject({ method: 'GET', url: '/v1/credit/entries?contentProviderId=operator', headers: regulator })).json().entries;
    const fwd = opApi.find((e: { evidence: { caseId: string } }) => e.evidence.caseId === lost.id);
    assert.deepEqual([fwd.kind, fwd.summaryTemplate.key], ['overdue_forward', 'forward_overdue']);
    // and said so on the credit page (the public register and annual report share the label)
    const cookie = await webCookie(g, regulator.authorization.slice('Bearer '.length));
    const page = await g.http.inject({ method: 'GET', url: '/web/credit?lang=en', headers: { cookie } });
    assert.match(page.body, /<td>Overdue forward<\/td>/);
    // a late answer is still possible from escalated
    const late = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', text: '迟到的答复', finding: 'unfounded' } });
    assert.equal(late.statusCode, 200, late.body);
  });

  test('regulator entries: fine needs an amount, publish puts it on the public page without personal data', async () => {
    const noAmount = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { contentProviderId: cp.id, kind: 'fine' } });
    assert.equal(noAmount.statusCode, 400);
    const notReg = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: centre, payload: { contentProviderId: cp.id, kind: 'warning' } });
    assert.equal(notReg.statusCode, 403);
    const e = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { contentProviderId: cp.id, kind: 'fine', amountYuan: 20000, notes: 'user 13800138111 complained twice', publicSummary: '未经用户同意发送商业短信，投诉人 13800138111' } });
    assert.equal(e.statusCode, 201, e.body);
    const before = (await g.http.inject({ method: 'GET', url: '/v1/credit/public' })).json().entries;
    assert.equal(before.length, 0, 'nothing published yet');
    const p = await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${e.json().id}/publish`, headers: regulator });
    assert.equal(p.statusCode, 200, p.body);
    const pub = await g.http.inject({ method: 'GET', url: `/v1/credit/public?q=${encodeURIComponent('示例科技')}` });
    const entries = pub.json().entries;
    assert.equal(entries.length, 1);
    assert.equal(entries[0].amountYuan, 20000);
    assert.ok(!pub.body.includes('13800138111'), 'no full number on the public page');
    assert.ok(!pub.body.includes('complained twice'), 'internal notes never published');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/credit/public?q=nomatch' })).json().entries.length, 0);
  });

  test('the complainant can withdraw with the access code; a withdrawn case is final', async () => {
    const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, text: '误报' } })).json();
    const w = await g.http.inject({ method: 'POST', url: `/v1/complaints/${f.reference}/withdraw`, payload: { accessCode: f.accessCode, reason: '误会' } });
    assert.equal(w.statusCode, 200, w.body);
    assert.equal(w.json().state, 'withdrawn');
    const again = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: centre, payload: { action: 'forward', contentProviderId: cp.id } });
    assert.equal(again.statusCode, 409);
  });
});

/** The transition table and the pure helpers around cases. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CASE_STATES, FINAL_STATES, TRANSITIONS, allowedActions, findTransition, overdueReason, escalatedOverdueReason, overdueEntryKey, countsAsComplaint, monthBounds,
  shanghaiMonth, caseReference, maskMsisdn, scrubPersonalData, type CaseAction, type CaseState,
} from '../../../src/domain/case.js';
import { parseReportSms, parseJsonl, parseComplaint, NotJsonLine } from '../../../src/app/complaint-intake.js';
import { scoreCandidate, textSimilarity, MATCH_THRESHOLD } from '../../../src/app/case-evidence.js';
import { SmsguardError } from '../../../src/domain/errors.js';

describe('case transition table', () => {
  test('every state is reachable from received, and final states have no way out', () => {
    const seen = new Set<CaseState>(['received']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of TRANSITIONS) if (t.from.some((s) => seen.has(s)) && !seen.has(t.to)) { seen.add(t.to); grew = true; }
    }
    assert.deepEqual([...seen].sort(), [...CASE_STATES].sort());
    for (const s of FINAL_STATES) assert.equal(TRANSITIONS.filter((t) => t.from.includes(s)).length, 0, s);
  });

  test('the happy path of rule 10, each step by its actor', () => {
    const steps: [CaseAction, string][] = [['forward', 'report-centre'], ['investigate', 'content-provider'], ['answer', 'content-provider'], ['close', 'report-centre']];
    let s: CaseState = 'received';
    for (const [a, who] of steps) {
      const t = findTransition(s, a);
      assert.ok(t, `${a} from ${s}`);
      assert.ok(t!.by.includes(who as never));
      s = t!.to;
    }
    assert.equal(s, 'closed');
  });

  test('(state, action) determines at most one row; only the system and staff escalate; only the provider side answers', () => {
    for (const s of CASE_STATES) for (const a of new Set(TRANSITIONS.map((t) => t.action))) {
      assert.ok(TRANSITIONS.filter((t) => t.action === a && t.from.includes(s)).length <= 1);
    }
    assert.deepEqual(allowedActions('forwarded', 'content-provider'), ['investigate', 'answer']);
    assert.deepEqual(allowedActions('received', 'content-provider'), []);
    assert.deepEqual(allowedActions('received', 'system'), ['escalate']);
    assert.deepEqual(allowedActions('answered', 'complainant'), []);
  });

  test('overdue: only the running deadline counts', () => {
    const c = { forwardDueAt: 100, answerDueAt: 200 };
    assert.equal(overdueReason({ ...c, state: 'received' }, 99), null);
    assert.equal(overdueReason({ ...c, state: 'received' }, 100), 'forward_overdue');
    assert.equal(overdueReason({ ...c, state: 'forwarded' }, 150), null);
    assert.equal(overdueReason({ ...c, state: 'investigating' }, 200), 'answer_overdue');
    assert.equal(overdueReason({ ...c, state: 'answered' }, 1e9), null);
    assert.equal(overdueReason({ ...c, state: 'escalated' }, 1e9), null);
  });

  test('an escalated case owes the deadline it was escalated with or before: the sweeper enters it once missed', () => {
    const c = { state: 'escalated' as CaseState, contentProviderId: 'cp_a', forwardedAt: null as number | null, forwardDueAt: 100, answerDueAt: 200, answeredAt: null as number | null };
    assert.equal(escalatedOverdueReason(c, 99), null);
    assert.equal(escalatedOverdueReason(c, 100), 'forward_overdue');
    assert.equal(escalatedOverdueReason({ ...c, contentProviderId: null }, 100), 'forward_overdue', 'a case naming no provider still owed its forward');
    const fw = { ...c, forwardedAt: 50 };
    assert.equal(escalatedOverdueReason(fw, 199), null, 'forwarded: the answer is owed, not the forward');
    assert.equal(escalatedOverdueReason(fw, 200), 'answer_overdue');
    assert.equal(escalatedOverdueReason({ ...fw, answeredAt: 150 }, 1e9), null, 'answered in time, reopened: in time still');
    assert.equal(escalatedOverdueReason({ ...fw, answeredAt: 200 }, 1e9), 'answer_overdue');
    assert.equal(escalatedOverdueReason({ ...fw, contentProviderId: null }, 1e9), null, 'no one to answer for it');
    for (const state of CASE_STATES.filter((x) => x !== 'escalated')) assert.equal(escalatedOverdueReason({ ...fw, state }, 1e9), null, state);
    // the keys entries were always written under (a changed key would enter every case again)
    assert.equal(overdueEntryKey('case_1', 'forward_overdue'), 'case:case_1:forward-overdue');
    assert.equal(overdueEntryKey('case_1', 'answer_overdue'), 'case:case_1:overdue');
  });

  test('complaint counting, months and references', () => {
    assert.equal(countsAsComplaint({ state: 'withdrawn', finding: null }), false);
    assert.equal(countsAsComplaint({ state: 'closed', finding: 'unfounded' }), false);
    assert.equal(countsAsComplaint({ state: 'received', finding: null }), true);
    assert.equal(shanghaiMonth(Date.parse('2026-11-30T16:30:00Z')), '2026-12');
    const b = monthBounds('2026-12');
    assert.equal(b.from, Date.parse('2026-11-30T16:00:00Z'));
    assert.equal(b.to, Date.parse('2026-12-31T16:00:00Z'));
    assert.match(caseReference(Date.parse('2026-11-30T04:00:00Z'), 'abcdef12'), /^C20261130ABCDEF12$/);
  });

  test('property: published text never carries a whole mobile number', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), fc.string(), (a, second, rest, b) => {
      const n = `1${second}${rest}`;
      const out = scrubPersonalData(`${a}${n}${b}`);
      assert.ok(!out.includes(n), out);
    }));
    assert.equal(maskMsisdn('+8613800138000'), '138****8000');
  });
});

describe('intake parsing and evidence scoring', () => {
  test('report SMS: 举报 + port + text, a plain forward with a signature, full-width colon', () => {
    assert.deepEqual(parseReportSms('举报 10690002 年终大促'), { sender: '10690002', text: '年终大促' });
    assert.deepEqual(parseReportSms('【示例】年终大促全场五折'), { sender: '【示例】', text: '【示例】年终大促全场五折' });
    assert.deepEqual(parseReportSms('举报：10690002：贷款'), { sender: '10690002', text: '贷款' });
    assert.deepEqual(parseReportSms('举报'), { sender: null, text: null });
  });

  test('JSONL: blank lines skipped, a broken line becomes an item the validator rejects with its line number and the reason', () => {
    const items = parseJsonl('{"a":1}\n\n not json\r\n{"b":2}');
    assert.equal(items.length, 3);
    assert.deepEqual(items[2], { b: 2 });
    assert.ok(items[1] instanceof NotJsonLine);
    assert.equal((items[1] as NotJsonLine).line, 3, 'blank lines count, as an editor numbers them');
    assert.throws(() => parseComplaint(items[1], 0, 'reports/1'), (e: unknown) => e instanceof SmsguardError && e.code === 'invalid_request' && e.field === 'reports/1'
      && e.message.startsWith('reports/1: line 3 is not JSON: ') && e.message.length > 'reports/1: line 3 is not JSON: '.length);
  });

  test('complaint validation: number normalised, a time without zone is Shanghai time, something to go on is required', () => {
    const now = Date.parse('2026-11-30T04:00:00Z');
    const c = parseComplaint({ msisdn: '8613800138000', sender: '10690002', receivedAt: '2026-11-30T09:15' }, now);
    assert.equal(c.msisdn, '+8613800138000');
    assert.equal(c.receivedAt, Date.parse('2026-11-30T01:15:00Z'));
    assert.throws(() => parseComplaint({ msisdn: '13800138000' }, now), /sender/);
    assert.throws(() => parseComplaint({ msisdn: '13800138000', sender: 'abc' }, now), /port/);
    assert.throws(() => parseComplaint({ msisdn: '13800138000', text: 'x', screenshot: 'data:text/html;base64,AAAA' }, now), /screenshot/);
  });

  test('scoring: sender and text beat time; an unrelated message stays below the threshold', () => {
    const rec = (from: string, text: string, at = 0) => ({ at, contentProviderId: 'cp', body: { from, text, finalText: null } });
    const q = { sender: '10690002', text: '全场五折', at: 0, contentProviderId: null };
    assert.ok(scoreCandidate(q, rec('10690002', '【示例】年终大促全场五折')) >= MATCH_THRESHOLD);
    assert.ok(scoreCandidate(q, rec('10690001', '【示例】您的快递已到')) < MATCH_THRESHOLD);
    assert.ok(textSimilarity('年终大促全场五折', '【示例】年终大促，全场五折！') === 1);
    assert.ok(textSimilarity('abc', 'xyz') === 0);
  });

  test('scoring: the gateway\'s own message on a port is not identified by the port (or signature) alone, only with its text; a consent request is the provider\'s', () => {
    const sys = (purpose: string, text: string) => ({ at: 0, contentProviderId: 'cp', body: { from: '10690002', text, finalText: null, channel: 'system', purpose } });
    const confirmation = sys('opt_out_confirmation', '【示例】您已成功退订，将不再收到本号码的商业短信。本条免费。');
    for (const sender of ['10690002', '【示例】']) {
      const q = { sender, text: null, at: null, contentProviderId: 'cp' };
      assert.ok(scoreCandidate(q, confirmation) < MATCH_THRESHOLD, sender);
      assert.ok(scoreCandidate(q, sys('consent_confirmation', '【示例】您已同意接收“promo”类商业短信')) < MATCH_THRESHOLD, sender);
      assert.ok(scoreCandidate(q, sys('consent_request', '【示例】是否同意接收优惠信息？回复Y同意')) >= MATCH_THRESHOLD, sender);
      assert.ok(scoreCandidate(q, { at: 0, contentProviderId: 'cp', body: { from: '10690002', text: '【示例】全场五折', finalText: null, channel: 'http' } }) >= MATCH_THRESHOLD, sender);
    }
    // Quoted, the confirmation is identified (with the port or without it).
    assert.ok(scoreCandidate({ sender: '10690002', text: '您已成功退订', at: null, contentProviderId: null }, confirmation) >= MATCH_THRESHOLD + 4);
    assert.ok(scoreCandidate({ sender: null, text: '您已成功退订', at: null, contentProviderId: null }, confirmation) >= MATCH_THRESHOLD);
  });
});

describe('deadline facts', async () => {
  const { deadlineInfo } = await import('../../../src/app/case-workflow.js');
  const { addWorkingDays, PRC_CALENDAR } = await import('../../../src/domain/working-days.js');
  const base = { state: 'forwarded', forwardDueAt: 0, createdAt: 0 } as never as Parameters<typeof deadlineInfo>[0];
  test('working days left after today, due today, overdue, and whether the holiday data covers the deadline', () => {
    const mon = Date.parse('2026-11-30T04:00:00Z');
    const due = addWorkingDays(mon, 15);
    const c = { ...base, createdAt: mon, answerDueAt: due };
    assert.equal(deadlineInfo(c, mon).workingDaysLeft, 15);
    assert.equal(deadlineInfo(c, due - 3_600_000).workingDaysLeft, 0);
    assert.equal(deadlineInfo(c, due - 3_600_000).overdue, false);
    assert.equal(deadlineInfo(c, due).overdue, true);
    assert.equal(deadlineInfo(c, mon).calendarCovered, true);
    const late = Date.parse(`${PRC_CALENDAR.lastCoveredYear}-12-20T04:00:00Z`);
    assert.equal(deadlineInfo({ ...c, createdAt: late, answerDueAt: addWorkingDays(late, 15) }, late).calendarCovered, false);
    assert.equal(deadlineInfo({ ...c, state: 'closed' }, mon).running, null);
  });
});

describe('report charts', async () => {
  const { niceMax, barChart } = await import('../../../src/web/annual-report.js');
  test('axis tops are round and their quarters whole', () => {
    for (const [v, top] of [[1, 4], [5, 8], [12, 20], [35, 40], [90, 100], [150, 200], [999_999, 1_000_000]] as const) assert.equal(niceMax(v), top, String(v));
    for (let v = 1; v < 5000; v += 7) { const t = niceMax(v); assert.ok(t >= v && Number.isInteger(t / 4), String(v)); }
  });
  test('a chart is an SVG image with a text alternative naming every value', () => {
    const svg = barChart({ title: 'T', labels: ['01', '02'], series: [{ name: 'a', color: '#000', values: [3, 0] }] });
    assert.match(svg, /<svg [^>]*role="img"/);
    assert.match(svg, /aria-label="T: 01 a 3; 02 a 0"/);
    assert.equal((svg.match(/<rect /g) ?? []).length, 1, 'zero values draw no bar');
  });
});

describe('escalated cases', () => {
  test('the provider answers an escalated case directly (investigating it would only be escalated again)', () => {
    assert.deepEqual(allowedActions('escalated', 'content-provider'), ['answer']);
    assert.equal(findTransition('escalated', 'investigate'), null);
    assert.equal(findTransition('escalated', 'answer')?.to, 'answered');
  });
});

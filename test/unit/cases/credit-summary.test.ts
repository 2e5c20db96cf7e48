/** The system-made credit-file summaries (src/domain/credit-summary.ts): each language alone, and both as stored. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { creditSummaryBoth, creditSummaryIn, defaultRegulatorSummary, entrySummaryIn, knownCreditSummary, type CreditSummaryTemplate } from '../../../src/domain/credit-summary.js';

test('what is stored in publicSummary is what the API gave before keys existed, Chinese then English', () => {
  const cases: [CreditSummaryTemplate, string][] = [
    [{ key: 'early_warning_suspension', params: {} }, '因投诉率或违规预警被暂停发送 / Suspended by the early-warning monitor'],
    [{ key: 'complaint_confirmed', params: { reference: 'C1' } }, '用户投诉经核实属实（案件 C1） / Complaint confirmed (case C1)'],
    [{ key: 'complaint_partly_confirmed', params: { reference: 'C1' } }, '用户投诉经核实部分属实（案件 C1） / Complaint partly confirmed (case C1)'],
    [{ key: 'answer_overdue', params: { days: 15, reference: 'C1' } }, '未在 15 个工作日内答复投诉（案件 C1） / Complaint not answered within 15 working days (case C1)'],
    [{ key: 'forward_overdue', params: { days: 2, reference: 'C1' } }, '未在 2 个工作日内转交投诉（案件 C1） / Complaint not forwarded within 2 working days (case C1)'],
    [{ key: 'violation_threshold', params: { month: '2026-11', threshold: 100 } }, '2026-11 被拦截的违规提交达到 100 条 / 2026-11: rejected submissions reached 100'],
    [defaultRegulatorSummary('warning', null), '警告 / Warning'],
    [defaultRegulatorSummary('fine', 5000), '罚款人民币 5000 元 / Fine of RMB 5000'],
    [defaultRegulatorSummary('supervision_talk', null), '约谈 / Supervision talk'],
    [defaultRegulatorSummary('correction_order', null), '责令改正 / Order to correct'],
    [defaultRegulatorSummary('note', null), '记录 / Note'],
  ];
  for (const [t, both] of cases) {
    assert.equal(creditSummaryBoth(t), both, t.key);
    const [zh, en] = both.split(' / ');
    assert.equal(creditSummaryIn(t, 'zh'), zh, t.key);
    assert.equal(creditSummaryIn(t, 'en'), en, t.key);
  }
});

test('a reader gets the template in their language, or the stored text when there is none or it is unknown', () => {
  const t: CreditSummaryTemplate = { key: 'complaint_confirmed', params: { reference: 'C9' } };
  assert.equal(entrySummaryIn('x / y', t, 'en'), 'Complaint confirmed (case C9)');
  assert.equal(entrySummaryIn('x / y', t, 'zh'), '用户投诉经核实属实（案件 C9）');
  assert.equal(entrySummaryIn('typed / 自填', null, 'en'), 'typed / 自填');
  assert.equal(entrySummaryIn('typed / 自填', undefined, 'zh'), 'typed / 自填');
  // A key a newer version wrote, or a malformed value, falls back to the stored text.
  assert.equal(entrySummaryIn('stored', { key: 'from_the_future', params: {} } as unknown as CreditSummaryTemplate, 'en'), 'stored');
  assert.equal(knownCreditSummary({ key: 'warning' }), null);
  assert.equal(knownCreditSummary({ key: 'toString', params: {} }), null);
  assert.deepEqual(knownCreditSummary({ key: 'warning', params: {} }), { key: 'warning', params: {} });
});

/**
 * Credit-file summaries in the reader's language: a system-made summary (and a regulator entry's
 * default) is rendered in Chinese or English on the public page, the regulator's credit view and the
 * annual report, while the API keeps `publicSummary` in both languages with the key beside it, and a
 * summary a regulator typed is shown exactly as typed on every page.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';
import { roleCookie } from '../helpers/web.js';
import { shanghaiMonth } from '../../src/domain/case.js';

const TYPED = '已约谈负责人 / talked to the manager';
/** Each default entry's row as the pages show it: kind, amount, then the summary cell ([Chinese, English]). */
const ROWS = [
  { kind: ['预警暂停', 'Early-warning suspension'], amount: '—', summary: ['因投诉率或违规预警被暂停发送', 'Suspended by the early-warning monitor'] },
  { kind: ['警告', 'Warning'], amount: '—', summary: ['警告', 'Warning'] },
  { kind: ['罚款', 'Fine'], amount: (5000).toLocaleString('zh-CN'), summary: ['罚款人民币 5000 元', 'Fine of RMB 5000'] },
];
const row = (r: (typeof ROWS)[number], kindLang: 0 | 1, summaryLang: 0 | 1): string => `<td>${r.kind[kindLang]}</td><td>${r.amount}</td><td>${r.summary[summaryLang]}</td>`;

describe('credit-file summaries in the reader\'s language', () => {
  const { g, cp } = gatewaySuite();
  const ids: string[] = [];
  let regulator: { authorization: string };
  let cookie: string;

  test('entries are made and published: a system one, two defaults, one typed', async () => {
    regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'summary-reg')).token}` };
    cookie = await roleCookie(g, 'regulator', 'summary-web');
    assert.equal(await g.complaints.recordEarlyWarningSuspension(cp.id, { ratePerMillion: 3 }), true);
    for (const body of [{ kind: 'warning' }, { kind: 'fine', amountYuan: 5000 }, { kind: 'supervision_talk', notes: '会议纪要', publicSummary: TYPED }]) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { contentProviderId: cp.id, ...body } });
      assert.equal(r.statusCode, 201, r.body);
    }
    const { entries } = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: regulator })).json();
    assert.equal(entries.length, 4);
    for (const e of entries) {
      ids.push(e.id);
      assert.equal((await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${e.id}/publish`, headers: regulator })).statusCode, 200);
    }
  });

  test('the API keeps publicSummary in both languages, with the key and parameters beside it; a typed summary as typed', async () => {
    const { entries } = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: regulator })).json();
    const byKind = new Map(entries.map((e: { kind: string }) => [e.kind, e]));
    assert.deepEqual(pick(byKind.get('early_warning_suspension')), ['因投诉率或违规预警被暂停发送 / Suspended by the early-warning monitor', { key: 'early_warning_suspension', params: {} }]);
    assert.deepEqual(pick(byKind.get('warning')), ['警告 / Warning', { key: 'warning', params: {} }]);
    assert.deepEqual(pick(byKind.get('fine')), ['罚款人民币 5000 元 / Fine of RMB 5000', { key: 'fine', params: { amountYuan: 5000 } }]);
    assert.deepEqual(pick(byKind.get('supervision_talk')), [TYPED, null]);
    const pub = (await g.http.inject({ method: 'GET', url: '/v1/credit/public' })).json().entries as { kind: string; summary: string; summaryTemplate: unknown }[];
    const fine = pub.find((e) => e.kind === 'fine');
    assert.equal(fine?.summary, '罚款人民币 5000 元 / Fine of RMB 5000');
    assert.deepEqual(fine?.summaryTemplate, { key: 'fine', params: { amountYuan: 5000 } });
    assert.equal(pub.find((e) => e.kind === 'supervision_talk')?.summary, TYPED);
    // A search in either language still finds a system-made entry.
    for (const q of ['Suspended', '暂停发送']) assert.ok((await g.http.inject({ method: 'GET', url: `/v1/credit/public?q=${encodeURIComponent(q)}` })).json().entries.some((e: { kind: string }) => e.kind === 'early_warning_suspension'), q);
  });

  const pages = () => [
    { name: 'public page', url: '/web/public/credit', headers: {} },
    { name: 'regulator credit view', url: '/web/credit', headers: { cookie } },
    { name: 'annual report', url: `/web/reports/annual?contentProviderId=${encodeURIComponent(cp.id)}&year=${shanghaiMonth(g.app.ctx.clock.now()).slice(0, 4)}`, headers: { cookie } },
  ];

  test('English pages show the English summaries only; Chinese pages the Chinese only; the typed one on both as typed', async () => {
    for (const p of pages()) {
      const en = await g.http.inject({ method: 'GET', url: `${p.url}${p.url.includes('?') ? '&' : '?'}lang=en`, headers: p.headers });
      assert.equal(en.statusCode, 200, `${p.name}: ${en.body.slice(0, 200)}`);
      const zh = await g.http.inject({ method: 'GET', url: `${p.url}${p.url.includes('?') ? '&' : '?'}lang=zh`, headers: p.headers });
      assert.equal(zh.statusCode, 200, p.name);
      for (const r of ROWS) {
        assert.ok(en.body.includes(row(r, 1, 1)), `${p.name} (en) shows "${r.summary[1]}"`);
        assert.ok(zh.body.includes(row(r, 0, 0)), `${p.name} (zh) shows "${r.summary[0]}"`);
        // The other language's text nowhere, where it is not also the kind's name.
        if (r.summary[0] !== r.kind[0]) assert.ok(!en.body.includes(r.summary[0]), `${p.name} (en) does not show "${r.summary[0]}"`);
        if (r.summary[1] !== r.kind[1]) assert.ok(!zh.body.includes(r.summary[1]), `${p.name} (zh) does not show "${r.summary[1]}"`);
      }
      for (const body of [en.body, zh.body]) assert.ok(body.includes(escHtml(TYPED)), `${p.name}: the typed summary as typed`);
    }
  });
});

function pick(e: unknown): [string, unknown] {
  const { publicSummary, summaryTemplate } = e as { publicSummary: string; summaryTemplate: unknown };
  return [publicSummary, summaryTemplate];
}

function escHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The annual inspection report as one self-contained HTML document: tables for reading, inline SVG
 * charts where a reader would rather look, and a print stylesheet (A4, no navigation, no page break
 * inside a table or chart) so "Print → Save as PDF" gives the inspection copy.
 */
import { MESSAGE_CLASSES, type AnnualReport } from '../app/report-annual.js';
import { esc, fmtTime, fmtYuan, page, CSS, ICON_LINK, type Layout } from './html.js';
import { colon, tk, tkOr, type Lang } from './i18n.js';
import { codeLabel } from './code-labels.js';
import { entrySummaryIn } from '../domain/credit-summary.js';

const COLORS: Record<string, string> = { verification: '#0b5394', notification: '#6aa84f', commercial: '#e69138', public_welfare: '#8e7cc3' };
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

export const PRINT_CSS = `
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10.5pt; color: #000; }
  header.site, .skip, .no-print, form { display: none !important; }
  main { max-width: none; padding: 0; }
  a { color: #000; text-decoration: none; }
  section, figure, table { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .page-break { break-before: page; page-break-before: always; }
  th { background: #eee !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
figure { margin: 1rem 0; }
figcaption { font-weight: 600; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: middle; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .5rem; }
.kpi { border: 1px solid #ccc; border-radius: 6px; padding: .4rem .8rem; }
.kpi b { display: block; font-size: 1.4rem; }
`;

interface Series { name: string; color: string; values: number[] }

/**
 * A vertical (optionally stacked) bar chart as inline SVG with a text alternative; `lang` sets the
 * colon of its tooltips and text alternative (full-width on a Chinese report).
 */
export function barChart(o: { lang?: Lang; title: string; labels: string[]; series: Series[]; stacked?: boolean; limitLine?: { at: number; label: string }; width?: number; height?: number }): string {
  const sep = colon(o.lang ?? 'en');
  const W = o.width ?? 640, H = o.height ?? 220, P = { l: 44, r: 10, t: 10, b: 28 };
  const n = o.labels.length;
  const totals = o.labels.map((_, i) => (o.stacked ? o.series.reduce((s, x) => s + x.values[i], 0) : Math.max(0, ...o.series.map((x) => x.values[i]))));
  const max = Math.max(1, ...totals, o.limitLine ? o.limitLine.at : 0);
  const nice = niceMax(max);
  const cw = (W - P.l - P.r) / n;
  const y = (v: number) => H - P.b - (v / nice) * (H - P.t - P.b);
  const bars: string[] = [];
  for (let i = 0; i < n; i++) {
    let base = 0;
    o.series.forEach((s, k) => {
      const v = s.values[i];
      if (!v) return;
      const bw = o.stacked ? cw * 0.7 : (cw * 0.8) / o.series.length;
      const x = P.l + i * cw + (o.stacked ? cw * 0.15 : cw * 0.1 + k * bw);
      const y0 = o.stacked ? y(base + v) : y(v);
      const h = o.stacked ? y(base) - y(base + v) : H - P.b - y(v);
      bars.push(`<rect x="${x.toFixed(1)}" y="${y0.toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${s.color}"><title>${esc(`${o.labels[i]} · ${s.name}${sep}${v}`)}</title></rect>`);
      if (o.stacked) base += v;
    });
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = nice * f;
    return `<line x1="${P.l}" x2="${W - P.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${P.l - 4}" y="${y(v) + 4}" text-anchor="end" font-size="10">${fmtNum(v)}</text>`;
  }).join('');
  const xl = o.labels.map((l, i) => `<text x="${(P.l + i * cw + cw / 2).toFixed(1)}" y="${H - 10}" text-anchor="middle" font-size="10">${esc(l)}</text>`).join('');
  const limit = o.limitLine ? `<line x1="${P.l}" x2="${W - P.r}" y1="${y(o.limitLine.at)}" y2="${y(o.limitLine.at)}" stroke="#b00020" stroke-dasharray="4 3"/><text x="${W - P.r}" y="${y(o.limitLine.at) - 4}" text-anchor="end" font-size="10" fill="#b00020">${esc(o.limitLine.label)}</text>` : '';
  const alt = `${o.title}${sep}${o.labels.map((l, i) => `${l} ${o.series.map((s) => `${s.name} ${s.values[i]}`).join(', ')}`).join('; ')}`;
  const legend = o.series.length > 1 ? `<p class="legend">${o.series.map((s) => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join('')}</p>` : '';
  return `<figure><figcaption>${esc(o.title)}</figcaption>${legend}
<svg viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px" role="img" aria-label="${esc(alt.slice(0, 1000))}" xmlns="http://www.w3.org/2000/svg">${ticks}${bars.join('')}${limit}${xl}<line x1="${P.l}" x2="${W - P.r}" y1="${H - P.b}" y2="${H - P.b}" stroke="#333"/></svg></figure>`;
}

/** The smallest round top ≥ v whose quarters are whole numbers (counts never read 1.25). */
export function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1)));
  for (const m of [1, 2, 4, 8, 10, 20, 40]) {
    const top = m * p;
    if (top >= v && Number.isInteger(top / 4)) return top;
  }
  return 40 * p;
}

function fmtNum(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : String(Math.round(v * 100) / 100);
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

function kv(rows: [string, string | number][]): string {
  return `<table><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

/**
 * The report as a document. `site`: served on the pages (/web/reports/annual), it has the site's
 * navigation (left out of the print, as the print stylesheet hides `header.site`) so the reader can
 * go back; without it (`smsguard inspect report` writing a file) it stands alone, without links into a site.
 */
export function renderAnnualReport(r: AnnualReport, lang: Lang = 'zh', site?: Pick<Layout, 'path' | 'principal'>): string {
  const labels = r.months.map((m) => m.month.slice(5));
  const cls = (c: string) => tk(lang, `cls_${c}`);
  const volume = barChart({
    lang, title: L(lang, '每月发送量（按类别，已接受）', 'Messages accepted per month, by class'), labels, stacked: true,
    series: MESSAGE_CLASSES.map((c) => ({ name: cls(c), color: COLORS[c], values: r.months.map((m) => m.accepted[c] ?? 0) })),
  });
  const complaintsChart = barChart({
    lang, title: L(lang, '每月投诉与退订', 'Complaints and opt-outs per month'), labels,
    series: [{ name: L(lang, '投诉', 'complaints'), color: '#b00020', values: r.months.map((m) => m.complaints) }, { name: L(lang, '退订', 'opt-outs'), color: '#999', values: r.months.map((m) => m.optOuts) }],
  });
  const maxDays = Math.max(r.complaints.answerLimit + 5, ...r.complaints.answerDays);
  const hist = Array.from({ length: maxDays + 1 }, (_, d) => r.complaints.answerDays.filter((x) => x === d).length);
  const answerChart = barChart({
    lang, title: L(lang, '答复用时分布（工作日）', 'Answer times (working days)'), labels: hist.map((_, d) => String(d)),
    series: [{ name: L(lang, '案件数', 'cases'), color: '#0b5394', values: hist }],
  });
  const rej = r.rejections.slice(0, 12);
  const rejTable = rej.length ? `<table><thead><tr><th scope="col">${L(lang, '拦截原因', 'Reason')}</th><th scope="col">${L(lang, '代码', 'Code')}</th><th scope="col">${L(lang, '条数', 'Count')}</th></tr></thead><tbody>${rej.map((x) => `<tr><td>${esc(codeLabel(lang, x.code) ?? '—')}</td><td class="mono">${esc(x.code)}</td><td>${x.count}</td></tr>`).join('')}</tbody></table>` : `<p>${L(lang, '无', 'None')}</p>`;
  const monthRows = r.months.map((m) => `<tr><td>${m.month}</td>${MESSAGE_CLASSES.map((c) => `<td>${m.accepted[c] ?? 0}</td>`).join('')}<td>${m.rejected}</td><td>${m.system}</td><td>${m.optOuts}</td><td>${m.complaints}</td></tr>`).join('');
  const credit = r.credit.length
    ? `<table><thead><tr><th scope="col">${L(lang, '日期', 'Date')}</th><th scope="col">${L(lang, '类别', 'Kind')}</th><th scope="col">${L(lang, '金额（元）', 'Amount')}</th><th scope="col">${L(lang, '内容', 'Summary')}</th><th scope="col">${L(lang, '公示', 'Published')}</th></tr></thead><tbody>${r.credit.map((e) => `<tr><td>${fmtTime(e.at).slice(0, 10)}</td><td>${esc(tk(lang, `kd_${e.kind}`))}</td><td>${esc(fmtYuan(e.amountYuan))}</td><td>${esc(entrySummaryIn(e.publicSummary, e.summaryTemplate, lang))}</td><td>${e.publishedAt ? fmtTime(e.publishedAt).slice(0, 10) : '—'}${e.withdrawal ? ` · ${L(lang, '已撤回', 'withdrawn')} ${fmtTime(e.withdrawal.at).slice(0, 10)}${L(lang, '：', ': ')}${esc(e.withdrawal.reason)}` : ''}</td></tr>`).join('')}</tbody></table>`
    : `<p>${L(lang, '无', 'None')}</p>`;
  const c = r.complaints;
  const body = `
<p>${esc(r.provider.name)} · <span class="mono">${esc(r.provider.creditCode)}</span>${r.provider.licenseNumber ? ` · ${esc(r.provider.licenseNumber)}` : ''} · ${L(lang, '状态', 'status')} ${esc(tk(lang, `cps_${r.provider.status}`))}<br>
<span class="hint">${L(lang, '规则版本', 'Profile')} ${esc(r.profile)} · ${L(lang, '生成于', 'generated')} ${esc(fmtTime(r.generatedAt))} · ${L(lang, '依据记录', 'records scanned')} ${r.recordsScanned}</span></p>
<div class="kpis">
<div class="kpi">${L(lang, '已接受短信', 'Messages accepted')}<b>${r.totals.accepted}</b></div>
<div class="kpi">${L(lang, '被拦截提交', 'Submissions rejected')}<b>${r.totals.rejected}</b></div>
<div class="kpi">${L(lang, '商业短信同意覆盖率', 'Consent coverage (commercial)')}<b>${pct(r.consent.coverage)}</b></div>
<div class="kpi">${L(lang, '退订', 'Opt-outs')}<b>${r.optOuts.total}</b></div>
<div class="kpi">${L(lang, '投诉', 'Complaints')}<b>${c.total}</b></div>
<div class="kpi">${L(lang, '按期答复', 'Answered on time')}<b>${c.answered ? pct(c.answeredOnTime / c.answered) : '—'}</b></div>
</div>
<section><h2>1. ${L(lang, '发送量（按类别）', 'Volumes by class')}</h2>${volume}
<table><thead><tr><th scope="col">${L(lang, '月份', 'Month')}</th>${MESSAGE_CLASSES.map((x) => `<th scope="col">${esc(cls(x))}</th>`).join('')}<th scope="col">${L(lang, '拦截', 'rejected')}</th><th scope="col">${L(lang, '系统', 'system')}</th><th scope="col">${L(lang, '退订', 'opt-outs')}</th><th scope="col">${L(lang, '投诉', 'complaints')}</th></tr></thead><tbody>${monthRows}</tbody></table></section>
<section><h2>2. ${L(lang, '用户同意与退订', 'Consent and opt-outs')}</h2>
${kv([[L(lang, '已接受商业短信', 'Commercial messages accepted'), r.consent.commercialAccepted], [L(lang, '其中有同意记录', 'of which sent under a recorded consent'), r.consent.withConsent], [L(lang, '覆盖率', 'Coverage'), pct(r.consent.coverage)], [L(lang, '新增同意', 'Consents granted'), r.consent.granted], [L(lang, '撤回同意', 'Consents withdrawn'), r.consent.withdrawn], [L(lang, '退订', 'Opt-outs'), r.optOuts.total], ...Object.entries(r.optOuts.byChannel).map(([k, v]) => [`  ${L(lang, '渠道', 'channel')} ${tkOr(lang, `och_${k}`) ?? k}`, v] as [string, number])])}</section>
<section class="page-break"><h2>3. ${L(lang, '投诉及答复用时', 'Complaints and answer times')}</h2>${complaintsChart}
${kv([[L(lang, '投诉总数', 'Complaints'), c.total], [L(lang, '已答复', 'Answered'), c.answered], [L(lang, '按期答复', 'Answered on time'), c.answeredOnTime], [L(lang, '答复超期', 'Answer deadline missed'), c.answerOverdue], [L(lang, '升级（含转交超期、监管督办）', 'Escalated (a late forward, taken up by the centre or a regulator included)'), c.escalated], [L(lang, '答复用时中位数（工作日）', 'Median answer time (working days)'), c.medianAnswerDays ?? '—'], [L(lang, '答复期限（工作日）', 'Answer limit (working days)'), c.answerLimit],
  ...Object.entries(c.byFinding).map(([k, v]) => [`${L(lang, '结论', 'Finding')}${colon(lang)}${tk(lang, `fd_${k}`)}`, v] as [string, number]), ...Object.entries(c.bySource).map(([k, v]) => [`${L(lang, '来源', 'Source')}${colon(lang)}${tk(lang, `src_${k}`)}`, v] as [string, number])])}
${answerChart}</section>
<section><h2>4. ${L(lang, '违规（被拦截的提交）', 'Violations (rejected submissions)')}</h2>${rejTable}</section>
<section><h2>5. ${L(lang, '采取的措施', 'Measures taken')}</h2>${Object.keys(r.measures).length ? kv(Object.entries(r.measures).map(([k, v]) => [tk(lang, `ms_${k}`), v])) : `<p>${L(lang, '无', 'None')}</p>`}</section>
<section><h2>6. ${L(lang, '信用档案记录', 'Credit-file entries')}</h2>${credit}</section>`;
  const title = `${L(lang, '年度检查报告', 'Annual inspection report')} ${r.year} · ${r.provider.name}`;
  // the document's title is the report's own, as the file a print saves is named after it
  if (site) return page({ ...site, lang, title, docTitle: title, css: PRINT_CSS, body: `${printButton(lang)}\n${body}` });
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>${ICON_LINK}
<style>${CSS}${PRINT_CSS}</style></head>
<body><main id="main"><h1>${esc(title)}</h1>
${printButton(lang)}
${body}
</main></body></html>`;
}

/**
 * The print button works only through a script (window.print): without JavaScript it did nothing when
 * pressed. So the script shows it, and without JavaScript the page says how to print instead, as the
 * complaint form does for its screenshot picker.
 */
function printButton(lang: Lang): string {
  return `<p class="no-print" id="print-box" hidden><button type="button" id="print-btn">${L(lang, '打印 / 另存为 PDF', 'Print / save as PDF')}</button></p>
<noscript><p class="no-print hint" id="print-nojs">${L(lang, '打印或另存为 PDF：请使用浏览器菜单中的“打印”（Ctrl+P）。', 'To print or save as PDF, use the browser\'s Print command (Ctrl+P).')}</p></noscript>
<script>(function () { var box = document.getElementById('print-box'); box.hidden = false; document.getElementById('print-btn').addEventListener('click', function () { window.print(); }); })();</script>`;
}

/**
 * Server-rendered pages: escaping, the shared layout (skip link, landmarks, language switch) and
 * one small stylesheet. No framework and no build step: every page is a string, every field has a
 * label, every action is a form that works with the keyboard and without JavaScript.
 */
import type { Principal } from '../app/types.js';
import { colon, t, tkOr, type Lang } from './i18n.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]);
}

/** `2026-11-30 12:00` in Shanghai time (what people in China read). */
export function fmtTime(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A deadline (a Shanghai midnight) shown as the day it ends: `2026-12-07 24:00`. */
export function fmtDue(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) return '—';
  if ((ms + 8 * 3_600_000) % 86_400_000 === 0) return `${fmtTime(ms - 1).slice(0, 10)} 24:00`;
  return fmtTime(ms);
}

/** An amount in yuan as every page writes it: `5,000`, fen kept (`12.5`), `—` for none. */
export function fmtYuan(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

/**
 * The site's icon, inline in every page's head so a browser does not ask for /favicon.ico (which
 * /favicon.ico answers too, for clients that ask anyway: see plugin.ts).
 */
export const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b5394"/><path d="M3 4h10v6H7l-3 3v-3H3z" fill="#fff"/></svg>';
export const ICON_LINK = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(ICON_SVG)}">`;

export const CSS = `
:root { --fg:#1b1b1b; --muted:#555; --bg:#fff; --line:#ccc; --accent:#0b5394; --warn:#b00020; --ok:#1e7b34; }
* { box-sizing: border-box; }
body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: var(--fg); background: var(--bg); margin: 0; line-height: 1.6; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.site { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; padding: 0; }
header.site .brand { font-weight: 700; }
header.site a[aria-current="page"] { font-weight: 700; text-decoration: none; }
header.site button { display: inline-block; margin: 0; padding: 0 .6rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
label { display: block; font-weight: 600; margin-top: .8rem; }
.hint { color: var(--muted); font-size: .9rem; margin: 0; }
input[type=text], input[type=tel], input[type=password], input[type=number], input[type=search], input[type=datetime-local], input[type=date], input[type=month], input[type=file], select, textarea { display: block; width: 100%; max-width: 36rem; padding: .45rem; font: inherit; border: 1px solid #888; border-radius: 4px; }
textarea { min-height: 6rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
label.choice { display: inline; font-weight: 400; margin: 0 1rem 0 .25rem; }
button { display: block; }
legend { font-weight: 700; }
button { font: inherit; padding: .45rem 1.1rem; margin-top: .8rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
td, dd, p, li, h1, h2, h3, .alert, .notice { overflow-wrap: anywhere; }
th { background: #f3f5f8; }
.state { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: #e8eef7; }
.purpose { display: inline-block; padding: 0 .5rem; border-radius: 1rem; background: #fff4d6; font-size: .9em; }
.overdue { color: var(--warn); font-weight: 700; }
.ok { color: var(--ok); }
.notice { border-left: 4px solid var(--accent); background: #f3f7fc; padding: .5rem 1rem; margin: 1rem 0; }
.alert { border-left: 4px solid var(--warn); background: #fdf1f2; padding: .5rem 1rem; margin: 1rem 0; }
.deadline { font-size: 1.15rem; border: 2px solid var(--accent); border-radius: 6px; padding: .5rem 1rem; display: inline-block; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; }
img.shot { max-width: 20rem; border: 1px solid var(--line); }
`;

export interface Layout {
  lang: Lang;
  title: string;
  body: string;
  /** Path of the page, for the language switch link. */
  path: string;
  principal?: Principal | null;
  /** Extra CSS (e.g. the print stylesheet of the annual report). */
  css?: string;
  /** The document's `<title>` where it is not `title · smsguard` (the annual report's, which names its saved PDF). */
  docTitle?: string;
}

function langLink(path: string, lang: Lang): string {
  const other = lang === 'zh' ? 'en' : 'zh';
  const [p, q] = path.split('?');
  const params = new URLSearchParams(q ?? '');
  params.set('lang', other);
  return `${p}?${params.toString()}`;
}

export function page(l: Layout): string {
  const p = l.principal;
  const staff = p && p.role !== 'public';
  const nav = [
    `<li><a href="/web/complaint">${esc(t(l.lang, 'navComplain'))}</a></li>`,
    `<li><a href="/web/complaint/status">${esc(t(l.lang, 'navStatus'))}</a></li>`,
    `<li><a href="/web/public/credit">${esc(t(l.lang, 'navPublic'))}</a></li>`,
    staff ? `<li><a href="/web/cases">${esc(t(l.lang, 'navCases'))}</a></li>` : '',
    staff && (p.role === 'report-centre' || p.role === 'admin') ? `<li><a href="/web/reports/import">${esc(t(l.lang, 'importTitle'))}</a></li>` : '',
    staff && (p.role === 'regulator' || p.role === 'admin' || p.role === 'content-provider') ? `<li><a href="/web/credit">${esc(t(l.lang, 'navCredit'))}</a></li>` : '',
    // The registry: the operator and regulators list who is set up; a provider sees its own entry.
    staff && (p.role === 'regulator' || p.role === 'admin') ? `<li><a href="/web/providers">${esc(t(l.lang, 'navProviders'))}</a></li>` : '',
    staff && p.role === 'content-provider' ? `<li><a href="/web/providers/${esc(encodeURIComponent(p.contentProviderId))}">${esc(t(l.lang, 'navOwnProvider'))}</a></li>` : '',
    // The message list: a provider its own messages, the operator every provider's, a regulator those within its scope.
    staff && (p.role === 'regulator' || p.role === 'admin' || p.role === 'content-provider') ? `<li><a href="/web/messages">${esc(t(l.lang, 'navMessages'))}</a></li>` : '',
    // A number's consents and opt-outs: the operator and regulators every provider's (a regulator within its scope), a provider its own.
    staff && (p.role === 'regulator' || p.role === 'admin' || p.role === 'content-provider') ? `<li><a href="/web/subscribers">${esc(t(l.lang, 'navSubscribers'))}</a></li>` : '',
    // The statutory records: as GET /v1/records, the operator all, a regulator within its scope, a provider its own.
    staff && (p.role === 'regulator' || p.role === 'admin' || p.role === 'content-provider') ? `<li><a href="/web/records">${esc(t(l.lang, 'navRecords'))}</a></li>` : '',
    // The annual report's chooser is the operator's and a regulator's (a provider reaches its own report from its credit file).
    staff && (p.role === 'regulator' || p.role === 'admin') ? `<li><a href="/web/reports/annual">${esc(t(l.lang, 'annualReport'))}</a></li>` : '',
    // The review queue and early warning: the operator decides; a provider reads its own held messages
    // and alerts, a regulator the alerts and actions (each part as its API answers that role).
    staff && (p.role === 'admin' || p.role === 'regulator' || p.role === 'content-provider') ? `<li><a href="/web/review">${esc(t(l.lang, 'navReview'))}</a></li>` : '',
    // Content templates: the operator reviews every provider's, a provider reads its own (as GET /v1/templates answers).
    staff && (p.role === 'admin' || p.role === 'content-provider') ? `<li><a href="/web/templates">${esc(t(l.lang, 'navTemplates'))}</a></li>` : '',
    // Charged services: the operator and regulators every provider's (a regulator within its province, read only), a provider its own (as GET /v1/charged-services answers).
    staff && (p.role === 'admin' || p.role === 'regulator' || p.role === 'content-provider') ? `<li><a href="/web/charged-services">${esc(t(l.lang, 'navCharged'))}</a></li>` : '',
    // The carrier links are the operator's alone.
    staff && p.role === 'admin' ? `<li><a href="/web/links">${esc(t(l.lang, 'navLinks'))}</a></li>` : '',
    staff
      ? `<li><form method="post" action="/web/logout" style="display:inline"><button class="secondary" style="margin:0;padding:0 .6rem">${esc(t(l.lang, 'navLogout'))}</button></form> <span class="hint" style="display:inline">${esc(t(l.lang, 'signedInAs'))}${colon(l.lang)}<span id="signed-in-role">${esc(tkOr(l.lang, `ar_${p.role}`) ?? p.role)}</span></span></li>`
      : `<li><a href="/web/login">${esc(t(l.lang, 'navLogin'))}</a></li>`,
    `<li><a href="${esc(langLink(l.path, l.lang))}" lang="${l.lang === 'zh' ? 'en' : 'zh-CN'}">${esc(t(l.lang, 'switchLang'))}</a></li>`,
  ].join('')
    // the menu entry of the page shown is marked (aria-current), so a screen reader says where one is
    // and the page shows it: no entry was, on any page
    .replace(`<li><a href="${esc(l.path.split('?')[0]!)}">`, (a) => a.replace('">', '" aria-current="page">'));
  return `<!doctype html>
<html lang="${l.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(l.docTitle ?? `${l.title} · smsguard`)}</title>
${ICON_LINK}
<style>${CSS}${l.css ?? ''}</style>
</head>
<body>
<a class="skip" href="#main">${esc(t(l.lang, 'skip'))}</a>
<header class="site"><span class="brand">${esc(t(l.lang, 'appName'))}</span><nav aria-label="${l.lang === 'zh' ? '主导航' : 'Main'}"><ul>${nav}</ul></nav></header>
<main id="main" tabindex="-1">
<h1>${esc(l.title)}</h1>
${l.body}
</main>
</body>
</html>`;
}

/**
 * A labelled text-like input with an optional hint tied by aria-describedby. `error`: the id of the
 * page's alert when it is about this field, which then is marked invalid and described by it too.
 */
export function field(o: { id: string; name?: string; label: string; type?: string; value?: string; hint?: string; required?: boolean; attrs?: string; error?: string }): string {
  const hintId = o.hint ? `${o.id}-hint` : '';
  const describedBy = [hintId, o.error ?? ''].filter(Boolean).join(' ');
  return `<label for="${o.id}">${esc(o.label)}${o.required ? ' <span aria-hidden="true">*</span>' : ''}</label>
${o.hint ? `<p class="hint" id="${hintId}">${esc(o.hint)}</p>` : ''}
<input id="${o.id}" name="${esc(o.name ?? o.id)}" type="${o.type ?? 'text'}" value="${esc(o.value ?? '')}"${o.required ? ' required' : ''}${o.error ? ' aria-invalid="true"' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}${o.attrs ? ` ${o.attrs}` : ''}>`;
}

export function textarea(o: { id: string; name?: string; label: string; value?: string; hint?: string; required?: boolean; maxlength?: number; error?: string }): string {
  const hintId = o.hint ? `${o.id}-hint` : '';
  const describedBy = [hintId, o.error ?? ''].filter(Boolean).join(' ');
  return `<label for="${o.id}">${esc(o.label)}${o.required ? ' <span aria-hidden="true">*</span>' : ''}</label>
${o.hint ? `<p class="hint" id="${hintId}">${esc(o.hint)}</p>` : ''}
<textarea id="${o.id}" name="${esc(o.name ?? o.id)}"${o.required ? ' required' : ''}${o.maxlength ? ` maxlength="${o.maxlength}"` : ''}${o.error ? ' aria-invalid="true"' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}>${esc(o.value ?? '')}</textarea>`;
}

/** A provider as the registry names it: a provider field's choices, a name shown for an id. */
export interface ProviderName {
  id: string;
  name: string;
}

/**
 * A provider where a page lists one (HTML): by its name, the id after it as the registry shows it; an
 * id without a name (none the viewer may read) as it is, monospaced; `—` for none.
 */
export function providerLabel(names: ReadonlyMap<string, string>, id: string | null | undefined): string {
  if (id === null || id === undefined) return '—';
  const name = names.get(id);
  return name === undefined ? `<span class="mono">${esc(id)}</span>` : `${esc(name)} <span class="mono hint" style="display:inline">${esc(id)}</span>`;
}

/**
 * A provider field: a choice of the providers by name (the id, which nobody knows by heart, after
 * it), `first` the empty choice (any, or the prompt to choose). An id asked for that is not among
 * them (a link edited by hand, a provider outside a regulator's province) stays chosen as it was
 * asked, so the search shown is the search made.
 */
export function providerSelect(o: { id: string; label: string; value: string; providers: readonly ProviderName[]; first: string; required?: boolean }): string {
  const known = o.providers.some((c) => c.id === o.value);
  const options: [string, string][] = [['', o.first], ...o.providers.map((c): [string, string] => [c.id, `${c.name} (${c.id})`]), ...(o.value && !known ? [[o.value, o.value] as [string, string]] : [])];
  return `<label for="${o.id}">${esc(o.label)}${o.required ? ' <span aria-hidden="true">*</span>' : ''}</label>
<select id="${o.id}" name="contentProviderId"${o.required ? ' required' : ''}>${options.map(([v, l]) => `<option value="${esc(v)}"${v === o.value ? ' selected' : ''}>${esc(l)}</option>`).join('')}</select>`;
}

export function alertBox(message: string, lang: Lang, id?: string): string {
  return `<div class="alert" role="alert"${id ? ` id="${id}"` : ''}><strong>${esc(t(lang, 'error'))}${lang === 'en' ? ':' : '：'}</strong>${lang === 'en' ? ' ' : ''}${esc(message)}</div>`;
}

/**
 * Message templates: a content provider submits `{signature, type, body}` with `${var}` placeholders,
 * the machine-checkable rules run first (all reported together), an operator approves or rejects, and
 * approved templates of a provider compile into one matcher that tells whether a message fits one.
 *
 * Placeholder syntax: `${name}` or `${name:kind}` or `${name:kind(max)}`. Kinds: `code` (letters and
 * digits, default max 6), `number`, `money`, `date`, `time`, `phone`, `text` (default max 35, no links).
 * Without a kind it is inferred from the name (code/验证码/otp → code, amount/金额 → money, …).
 *
 * Why a compiled matcher: with `templates: required` every message of the provider must match one of
 * its approved templates, and providers have hundreds. Looping over one regex per template per message
 * grows with the template count; instead one Aho–Corasick automaton over every literal segment of
 * every template finds, in one scan, the templates whose literals all occur, and only those few
 * candidates are confirmed with their own anchored regex.
 */
import { AhoCorasick } from './aho-corasick.js';
import type { MessageType } from '../domain/message-type.js';

export type VariableKind = 'code' | 'number' | 'money' | 'date' | 'time' | 'phone' | 'text';

export interface TemplateVariable {
  name: string;
  kind: VariableKind;
  /** Maximum length in characters of a value. */
  max: number;
}

/** A template body split into literal text and variables: literal[0] var[0] literal[1] … literal[n]. */
export interface ParsedTemplate {
  literals: string[];
  variables: TemplateVariable[];
}

/** One machine-checkable rule a template broke. */
export interface TemplateViolation {
  rule:
    | 'placeholder_syntax'
    | 'signature_unregistered'
    | 'brackets_in_body'
    | 'link_domain_not_allowed'
    | 'verification_code_word_missing'
    | 'verification_code_variable_missing'
    | 'whole_variable_body'
    | 'variable_in_link'
    | 'body_too_long';
  message: string;
}

/** What the checks need to know about the submitting provider. */
export interface TemplateCheckContext {
  /** The provider's approved signatures, brackets included (`【某某银行】`). */
  approvedSignatures: ReadonlySet<string>;
  /** Domains links may point to; a listed domain also allows its subdomains. */
  linkDomains: readonly string[];
  /** Maximum body length (characters); default 500. */
  maxBodyLength?: number;
}

export interface TemplateDraft {
  signature: string;
  type: MessageType;
  body: string;
}

const PLACEHOLDER = /\$\{([^{}:()]+)(?::([a-z]+)(?:\((\d{1,3})\))?)?\}/g;
const KINDS: readonly VariableKind[] = ['code', 'number', 'money', 'date', 'time', 'phone', 'text'];
const DEFAULT_MAX: Record<VariableKind, number> = { code: 6, number: 20, money: 20, date: 20, time: 20, phone: 20, text: 35 };
const CODE_WORDS = ['验证码', '校验码', '动态码'];

function inferKind(name: string): VariableKind {
  const n = name.toLowerCase();
  if (/^(code|vcode|otp|yzm|smscode|verifycode|验证码|校验码|动态码)$/.test(n) || /code$/.test(n)) return 'code';
  if (/amount|money|price|fee|金额|费用|价格/.test(n)) return 'money';
  if (/date|日期/.test(n)) return 'date';
  if (/time|时间/.test(n)) return 'time';
  if (/phone|mobile|tel|电话|手机/.test(n)) return 'phone';
  if (/^(num|count|no|number|数量)$/.test(n) || /num$/.test(n)) return 'number';
  return 'text';
}

/** Split a body into literals and variables; throws nothing, reports syntax problems as strings. */
export function parseTemplate(body: string): { parsed: ParsedTemplate; errors: string[] } {
  const literals: string[] = [];
  const variables: TemplateVariable[] = [];
  const errors: string[] = [];
  let last = 0;
  for (const m of body.matchAll(PLACEHOLDER)) {
    literals.push(body.slice(last, m.index));
    const name = m[1].trim();
    const kind = (m[2] ?? inferKind(name)) as VariableKind;
    if (!KINDS.includes(kind)) errors.push(`variable \${${name}}: unknown kind "${m[2]}"`);
    const max = m[3] !== undefined ? Number(m[3]) : DEFAULT_MAX[kind] ?? 35;
    if (max < 1) errors.push(`variable \${${name}}: max length must be at least 1`);
    variables.push({ name, kind: KINDS.includes(kind) ? kind : 'text', max });
    last = m.index + m[0].length;
  }
  literals.push(body.slice(last));
  for (const lit of literals) if (lit.includes('${')) errors.push('unclosed or malformed ${…} placeholder');
  const names = variables.map((v) => v.name);
  if (new Set(names).size !== names.length) errors.push('variable names must be unique');
  return { parsed: { literals, variables }, errors };
}

/** Links: dotted hosts ending in a letter TLD (placeholders allowed as labels), or scheme + placeholder host. */
const LINK = /(?:https?:\/\/)?((?:(?:[a-z0-9-]+|\$\{[^}]+\})\.)+(?:[a-z]{2,}|\$\{[^}]+\}))(?::\d+)?(?:\/[\x21-\x7e]*)?|https?:\/\/(\$\{[^}]+\})(?::\d+)?(?:\/[\x21-\x7e]*)?/gi;

/** Every link of a text (placeholders kept) with its host in lower case. `3.5元` and `v1.2` are not links. */
export function findLinks(text: string): Array<{ link: string; host: string }> {
  const out: Array<{ link: string; host: string }> = [];
  for (const m of text.matchAll(LINK)) out.push({ link: m[0], host: (m[1] ?? m[2]).toLowerCase() });
  return out;
}

/** LINK without `g`: whether a text holds one, with no match list or iterator made. */
const ONE_LINK = new RegExp(LINK.source, LINK.flags.replace('g', ''));

/** Whether a free-text variable's value (`m`'s group for each of `textVars`) holds a link: per matched message, so no closure or list. */
function textVarHoldsLink(textVars: readonly number[], m: RegExpExecArray): boolean {
  for (const i of textVars) if (ONE_LINK.test(m[i + 1])) return true;
  return false;
}

function domainAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((d) => {
    const dd = d.toLowerCase().replace(/^\.+/, '');
    return host === dd || host.endsWith(`.${dd}`);
  });
}

/**
 * The fixed link hosts of a template body that `linkDomains` does not allow (a host written as a
 * variable is not listed: no such template is ever approved). Checked again whenever the allow-list
 * changes, not only at submission: a domain the operator withdraws (lapsed, sold, abused) must stop
 * the approved templates that link to it.
 */
export function disallowedLinkHosts(body: string, linkDomains: readonly string[]): string[] {
  const out: string[] = [];
  for (const { host } of findLinks(body)) if (!host.includes('${') && !domainAllowed(host, linkDomains) && !out.includes(host)) out.push(host);
  return out;
}

/** Run every machine-checkable rule; all violations are returned together (empty = passes). */
export function checkTemplate(draft: TemplateDraft, ctx: TemplateCheckContext): TemplateViolation[] {
  const v: TemplateViolation[] = [];
  const { parsed, errors } = parseTemplate(draft.body);
  for (const e of errors) v.push({ rule: 'placeholder_syntax', message: e });
  if (!ctx.approvedSignatures.has(draft.signature)) {
    v.push({ rule: 'signature_unregistered', message: `signature ${draft.signature} is not an approved signature of this content provider` });
  }
  if (/[【】]/.test(draft.body)) v.push({ rule: 'brackets_in_body', message: 'the body must not contain 【 or 】: only the signature uses them' });
  const max = ctx.maxBodyLength ?? 500;
  if ([...draft.body].length > max) v.push({ rule: 'body_too_long', message: `the body is longer than ${max} characters` });
  for (const { link, host } of findLinks(draft.body)) {
    const hasVar = link.includes('${');
    if (host.includes('${')) {
      v.push({ rule: 'variable_in_link', message: `link ${link}: the domain must be fixed text, not a variable` });
    } else if (!domainAllowed(host, ctx.linkDomains)) {
      v.push({ rule: 'link_domain_not_allowed', message: `link domain ${host} is not on this content provider's allow-list` });
    }
    if (hasVar && draft.type === 'commercial' && !host.includes('${')) {
      v.push({ rule: 'variable_in_link', message: `link ${link}: marketing links must not contain variables` });
    }
  }
  if (draft.type === 'verification') {
    if (!CODE_WORDS.some((w) => parsed.literals.some((l) => l.includes(w)))) {
      v.push({ rule: 'verification_code_word_missing', message: 'a verification template must say 验证码, 校验码 or 动态码' });
    }
    if (!parsed.variables.some((x) => x.kind === 'code' && x.max <= 8)) {
      v.push({ rule: 'verification_code_variable_missing', message: 'a verification template needs a code variable of at most 8 characters, e.g. ${code}' });
    }
  }
  const fixed = parsed.literals.join('').replace(/[\s\p{P}\p{S}]/gu, '');
  if (parsed.variables.length > 0 && fixed.length < 2) {
    v.push({ rule: 'whole_variable_body', message: 'the body must contain fixed text, not only variables' });
  }
  return v;
}

/** Regex source for a variable's value. */
function variablePattern(x: TemplateVariable): string {
  const m = x.max;
  switch (x.kind) {
    case 'code':
      return `([0-9A-Za-z]{1,${m}})`;
    case 'number':
    case 'money':
      return `([0-9][0-9,.]{0,${Math.max(0, m - 1)}})`;
    case 'date':
    case 'time':
      return `([0-9年月日时分秒号:：/.\\- ]{1,${m}})`;
    case 'phone':
      return `([0-9+\\- ]{3,${Math.max(3, m)}})`;
    case 'text':
      // no links inside free-text variables: otherwise an approved template carries any URL
      return `((?:(?!https?:|www\\.)[^\\n]){1,${m}}?)`;
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An approved template as the matcher needs it. */
export interface ApprovedTemplate {
  id: string;
  signature: string;
  body: string;
  /** The message type it was reviewed for; a message of another type does not match it. Absent: any type. */
  type?: MessageType;
}

/**
 * A free-text value as the advertising check reads it: in its clause of the message (the value with the
 * fixed text around it up to the nearest clause mark, `，。！？；` and their ASCII forms, a line end or
 * `. `), and that clause's fixed text without the value. Review approved the fixed text, not the value.
 */
export interface FreeTextClause {
  clause: string;
  fixed: string;
}

/** Result of a match: which template and the variable values. */
export interface TemplateMatch {
  templateId: string;
  variables: Record<string, string>;
  /** The type the template was approved for, when it has one. */
  type?: MessageType;
  /** Each non-empty free-text (`text`) value in its clause; absent when the template has none, or for a `commercial` match. */
  freeText?: FreeTextClause[];
}

/** All approved templates of one provider, compiled. */
export interface TemplateMatcher {
  /**
   * The template a full message text (`【签名】body` or `body【签名】`) matches, or undefined.
   * Only templates registered under the message's signature count, and, given `type`, only those
   * approved for that type: a template is reviewed for one (a verification template must hold a code;
   * a notification's text sent as `verification` would take the code's limits and lanes unreviewed).
   */
  match(text: string, type?: MessageType): TemplateMatch | undefined;
  readonly size: number;
}

interface Compiled {
  id: string;
  signature: string;
  type: MessageType | undefined;
  regex: RegExp;
  names: string[];
  /** Positions (in `names`) of the free-text variables, whose values must hold no link. */
  textVars: number[];
  /** Length of each literal, to place the values in the body. */
  literalLengths: number[];
  /** distinct literal-pattern ids this template needs */
  needs: number[];
  literalChars: number;
}

/** A clause mark: `，。！？；` and ASCII `,!?;`, a line end, or `.` before a space (not `3.5`, `t.cn`). */
function clauseMark(body: string, i: number): boolean {
  switch (body.charCodeAt(i)) {
    case 0xff0c: // ，
    case 0x3002: // 。
    case 0xff01: // ！
    case 0xff1f: // ？
    case 0xff1b: // ；
    case 0x2c: // ,
    case 0x21: // !
    case 0x3f: // ?
    case 0x3b: // ;
    case 0x0a:
      return true;
    case 0x2e: // .
      return i + 1 < body.length && body.charCodeAt(i + 1) === 0x20;
    default:
      return false;
  }
}

/** The free-text values of a confirmed match, each in its clause (see {@link FreeTextClause}). */
function freeTextClauses(body: string, c: Compiled, m: RegExpExecArray): FreeTextClause[] {
  const out: FreeTextClause[] = [];
  let pos = 0;
  let next = 0; // index into c.textVars
  for (let i = 0; i < c.names.length && next < c.textVars.length; i++) {
    pos += c.literalLengths[i];
    const len = m[i + 1].length;
    if (c.textVars[next] === i) {
      next++;
      if (len > 0) {
        let from = pos;
        while (from > 0 && !clauseMark(body, from - 1)) from--;
        while (from < pos && body.charCodeAt(from) <= 0x20) from++;
        let to = pos + len;
        while (to < body.length && !clauseMark(body, to)) to++;
        while (to > pos + len && body.charCodeAt(to - 1) <= 0x20) to--;
        out.push({ clause: body.slice(from, to), fixed: body.slice(from, pos) + body.slice(pos + len, to) });
      }
    }
    pos += len;
  }
  return out;
}

/** Split a message into signature and body (signature at the head or the tail). */
export function splitSignature(text: string): { signature: string | null; body: string } {
  const t = text.trim();
  const head = /^【([^【】]{2,16})】/u.exec(t);
  if (head) return { signature: head[0], body: t.slice(head[0].length) };
  const tail = /【([^【】]{2,16})】$/u.exec(t);
  if (tail) return { signature: tail[0], body: t.slice(0, t.length - tail[0].length) };
  return { signature: null, body: t };
}

/** Compile a provider's approved templates into one matcher (see module doc). */
export function compileTemplates(templates: readonly ApprovedTemplate[]): TemplateMatcher {
  const literalIds = new Map<string, number>();
  const literalList: string[] = [];
  const compiled: Compiled[] = [];
  const unanchored: number[] = [];
  for (const t of templates) {
    const { parsed } = parseTemplate(t.body);
    const source = parsed.literals.map((l, i) => escapeRe(l) + (i < parsed.variables.length ? variablePattern(parsed.variables[i]) : '')).join('');
    const needs = new Set<number>();
    for (const lit of parsed.literals) {
      const l = lit.trim();
      if (l.length < 1) continue;
      let id = literalIds.get(l);
      if (id === undefined) {
        id = literalList.length;
        literalIds.set(l, id);
        literalList.push(l);
      }
      needs.add(id);
    }
    compiled.push({
      id: t.id,
      signature: t.signature,
      type: t.type,
      regex: new RegExp(`^${source}$`, 'u'),
      names: parsed.variables.map((x) => x.name),
      textVars: parsed.variables.flatMap((x, i) => (x.kind === 'text' ? [i] : [])),
      literalLengths: parsed.literals.map((l) => l.length),
      needs: [...needs],
      literalChars: parsed.literals.join('').length,
    });
    if (needs.size === 0) unanchored.push(compiled.length - 1);
  }
  const owners: number[][] = literalList.map(() => []);
  compiled.forEach((c, i) => c.needs.forEach((l) => owners[l].push(i)));
  const ac = literalList.length
    ? new AhoCorasick(
        literalList.map((l) => {
          const a = new Uint16Array(l.length);
          for (let i = 0; i < l.length; i++) a[i] = l.charCodeAt(i);
          return a;
        }),
      )
    : null;

  return {
    size: compiled.length,
    match(text: string, type?: MessageType): TemplateMatch | undefined {
      const { signature, body } = splitSignature(text);
      if (signature === null) return undefined;
      const seen = new Set<number>();
      const hits: number[] = [];
      const codes = new Uint16Array(body.length);
      for (let i = 0; i < body.length; i++) codes[i] = body.charCodeAt(i);
      ac?.scan(codes, codes.length, (p) => {
        if (!seen.has(p)) seen.add(p), hits.push(p);
      });
      // a template is a candidate once every one of its literals was seen: work ∝ hits, not templates
      const candidates: number[] = [...unanchored];
      const counted = new Map<number, number>();
      for (const l of hits) {
        for (const ti of owners[l]) {
          const n = (counted.get(ti) ?? 0) + 1;
          counted.set(ti, n);
          if (n === compiled[ti].needs.length) candidates.push(ti);
        }
      }
      // most specific (most fixed text) first, so a generic template does not shadow a precise one
      candidates.sort((a, b) => compiled[b].literalChars - compiled[a].literalChars);
      for (const ti of candidates) {
        const c = compiled[ti];
        if (c.signature !== signature) continue;
        if (type !== undefined && c.type !== undefined && c.type !== type) continue;
        const m = c.regex.exec(body);
        if (!m) continue;
        // The pattern keeps schemes and `www.` out of free text; a bare host (`t.cn/abc`) is a link
        // as the template check counts them, and an approved template must not carry one it never showed.
        if (textVarHoldsLink(c.textVars, m)) continue;
        const variables: Record<string, string> = {};
        c.names.forEach((n, i) => (variables[n] = m[i + 1]));
        const out: TemplateMatch = c.type === undefined ? { templateId: c.id, variables } : { templateId: c.id, variables, type: c.type };
        // Only where the advertising check will read them: a commercial message may advertise.
        if (c.textVars.length && type !== 'commercial') out.freeText = freeTextClauses(body, c, m);
        return out;
      }
      return undefined;
    },
  };
}

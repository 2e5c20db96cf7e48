/**
 * The de-facto delivery receipt text (SMPP 3.4 Appendix B):
 * `id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…`
 * Parsing is lenient (any key case, any order, missing fields) because SMSCs differ.
 */
import { firstCodePoints, readsAlikeInGsmAndAscii } from './text.js';

export const DLR_STATS = ['DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'ENROUTE'] as const;
export type DlrStat = (typeof DLR_STATS)[number];

export interface DlrFields {
  id: string;
  sub: number;
  dlvrd: number;
  /** epoch ms */
  submitDate: number;
  /** epoch ms */
  doneDate: number;
  stat: DlrStat | string;
  err: string;
  text: string;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * The last minute formatted: a receipt's two dates, and the next receipt's, are nearly always the
 * same minute, and formatting one cost ~0.5 µs (a Date and five padded numbers), twice per receipt.
 */
let lastFormatted = { minute: NaN, offsetMinutes: 0, s: '' };

/** YYMMDDhhmm in UTC+8 (China Standard Time, where the receipt's reader lives). */
export function formatDlrDate(ms: number, offsetMinutes = 480): string {
  const minute = Math.floor(ms / 60_000);
  if (minute === lastFormatted.minute && offsetMinutes === lastFormatted.offsetMinutes) return lastFormatted.s;
  const d = new Date(ms + offsetMinutes * 60_000);
  const s = pad(d.getUTCFullYear() % 100) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes());
  lastFormatted = { minute, offsetMinutes, s };
  return s;
}

const DIGITS = /^\d+$/;
/** The last date read (a receipt's two dates, and the next receipt's, are nearly always the same minute): Date.UTC costs ~0.25 µs. */
let lastDate = { s: '', offsetMinutes: 0, ms: NaN };

/** Parses YYMMDDhhmm[ss] (UTC+8 by default); NaN if malformed. */
export function parseDlrDate(s: string, offsetMinutes = 480): number {
  if (s === lastDate.s && offsetMinutes === lastDate.offsetMinutes) return lastDate.ms;
  if ((s.length !== 10 && s.length !== 12) || !DIGITS.test(s)) return NaN;
  const two = (i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
  const ms = Date.UTC(2000 + two(0), two(2) - 1, two(4), two(6), two(8), s.length === 12 ? two(10) : 0) - offsetMinutes * 60_000;
  lastDate = { s, offsetMinutes, ms };
  return ms;
}

/**
 * Builds the receipt text; `text` is cut to its first 20 characters as the appendix shows, counted
 * in code points (firstCodePoints): cut per UTF-16 unit, an emoji at the 20th place lost half of its
 * pair, a lone surrogate (before 2026-12-07).
 */
export function buildDlrText(f: DlrFields): string {
  return (
    `id:${f.id} sub:${pad(f.sub, 3)} dlvrd:${pad(f.dlvrd, 3)} submit date:${formatDlrDate(f.submitDate)} ` +
    `done date:${formatDlrDate(f.doneDate)} stat:${f.stat} err:${f.err.padStart(3, '0')} text:${firstCodePoints(f.text, 20)}`
  );
}

/**
 * A message's text as a receipt's `text:` field carries it (a receipt goes as data_coding 0): its first
 * 20 characters, counted in code points (an emoji is one, never half a pair), each that does not read
 * the same in GSM 03.38 and ASCII (readsAlikeInGsmAndAscii: all but most printable ASCII) as one `?`.
 * ESMEs read data_coding 0 either way (smsguard's own client as GSM 03.38, as that standard defines it, others as
 * ASCII), so these are the octets every one of them reads as written: `@` sent as 0x40 read `¡` in
 * GSM, sent as GSM's 0x00 a NUL in ASCII. `?` is 0x3F in both.
 */
export function receiptText(text: string): string {
  let out = '';
  let i = 0;
  for (let k = 0; k < 20 && i < text.length; k++) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    out += readsAlikeInGsmAndAscii(c) ? text[i] : '?';
    i += pair ? 2 : 1;
  }
  return out;
}

const KEY_RE = /(id|sub|dlvrd|submit date|done date|stat|err|text)\s*:/gi;

/** The keys of the appendix's layout, in its order, each after one space (`id:` opens the text). */
const CANONICAL_KEYS = ['sub:', 'dlvrd:', 'submit date:', 'done date:', 'stat:', 'err:'] as const;
/** What a value of each canonical key may hold for the fast path to read it (else the general parser does). */
const SIMPLE_ID = /^[0-9A-Za-z_-]+$/;
const WORD = /^[A-Za-z0-9]+$/;

/**
 * The receipt as nearly every SMSC writes it (the appendix's keys, lower case, in order, one space
 * apart, plain values): read by position, without the general parser's key search. Undefined for
 * anything else, which the general parser then reads; for the texts it accepts it gives exactly what
 * the general parser gives (test/unit/smpp/pdu-text.test.ts compares the two). It exists because the
 * SMPP client reads one receipt per message and the general parser cost several microseconds each.
 */
function parseCanonical(s: string): Partial<DlrFields> & { id: string; stat: string } | undefined {
  if (!s.startsWith('id:')) return undefined;
  let end = s.indexOf(' ', 3);
  if (end < 0) return undefined;
  const id = s.slice(3, end);
  if (!SIMPLE_ID.test(id)) return undefined;
  const v: string[] = [];
  for (const key of CANONICAL_KEYS) {
    const at = end + 1;
    if (!s.startsWith(key, at)) return undefined;
    end = s.indexOf(' ', at + key.length);
    if (end < 0) return undefined;
    v.push(s.slice(at + key.length, end));
  }
  if (!s.startsWith('text:', end + 1)) return undefined;
  const [sub, dlvrd, submitDate, doneDate, stat, err] = v;
  if (!DIGITS.test(sub) || !DIGITS.test(dlvrd) || !DIGITS.test(submitDate) || !DIGITS.test(doneDate) || !WORD.test(stat) || !WORD.test(err)) return undefined;
  return {
    id, stat: stat.toUpperCase(), sub: Number(sub), dlvrd: Number(dlvrd), submitDate: parseDlrDate(submitDate), doneDate: parseDlrDate(doneDate), err,
    text: s.slice(end + 6),
  };
}

/** Parses a receipt text; returns undefined unless at least `id` and `stat` are present. */
export function parseDlrText(s: string): Partial<DlrFields> & { id: string; stat: string } | undefined {
  return parseCanonical(s) ?? parseGeneral(s);
}

/** Any key case, any order, missing fields, "id:" inside the text. Exported for the test that holds the fast path to it. */
export function parseGeneral(s: string): Partial<DlrFields> & { id: string; stat: string } | undefined {
  const found: { key: string; start: number; valueStart: number }[] = [];
  KEY_RE.lastIndex = 0;
  for (let m = KEY_RE.exec(s); m !== null; m = KEY_RE.exec(s)) {
    // a key must start the string or follow whitespace, so "id:" inside text is not a key unless text came last
    if (m.index > 0 && !/\s/.test(s[m.index - 1])) continue;
    const key = m[1].toLowerCase();
    if (found.some((f) => f.key === 'text')) break; // everything after text: belongs to text
    found.push({ key, start: m.index, valueStart: m.index + m[0].length });
  }
  const out: Record<string, string> = {};
  for (let i = 0; i < found.length; i++) {
    const end = i + 1 < found.length ? found[i + 1].start : s.length;
    const raw = s.slice(found[i].valueStart, end);
    if (!(found[i].key in out)) out[found[i].key] = found[i].key === 'text' ? raw : raw.trim();
  }
  if (out.id === undefined || out.stat === undefined || out.id === '') return undefined;
  const r: Partial<DlrFields> & { id: string; stat: string } = { id: out.id, stat: out.stat.toUpperCase() };
  if (out.sub !== undefined && /^\d+$/.test(out.sub)) r.sub = Number(out.sub);
  if (out.dlvrd !== undefined && /^\d+$/.test(out.dlvrd)) r.dlvrd = Number(out.dlvrd);
  if (out['submit date'] !== undefined) r.submitDate = parseDlrDate(out['submit date']);
  if (out['done date'] !== undefined) r.doneDate = parseDlrDate(out['done date']);
  if (out.err !== undefined) r.err = out.err;
  if (out.text !== undefined) r.text = out.text;
  return r;
}

/**
 * The de-facto delivery receipt text (SMPP 3.4 Appendix B):
 * `id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:…`
 * Parsing is lenient (any key case, any order, missing fields) because SMSCs differ.
 */

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

/** YYMMDDhhmm in UTC+8 (China Standard Time, where the receipt's reader lives). */
export function formatDlrDate(ms: number, offsetMinutes = 480): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  return pad(d.getUTCFullYear() % 100) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes());
}

/** Parses YYMMDDhhmm[ss] (UTC+8 by default); NaN if malformed. */
export function parseDlrDate(s: string, offsetMinutes = 480): number {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(s);
  if (!m) return NaN;
  const ms = Date.UTC(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return ms - offsetMinutes * 60_000;
}

/** Builds the receipt text; `text` is cut to its first 20 characters as the appendix shows. */
export function buildDlrText(f: DlrFields): string {
  return (
    `id:${f.id} sub:${pad(f.sub, 3)} dlvrd:${pad(f.dlvrd, 3)} submit date:${formatDlrDate(f.submitDate)} ` +
    `done date:${formatDlrDate(f.doneDate)} stat:${f.stat} err:${f.err.padStart(3, '0')} text:${f.text.slice(0, 20)}`
  );
}

const KEY_RE = /(id|sub|dlvrd|submit date|done date|stat|err|text)\s*:/gi;

/** Parses a receipt text; returns undefined unless at least `id` and `stat` are present. */
export function parseDlrText(s: string): Partial<DlrFields> & { id: string; stat: string } | undefined {
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

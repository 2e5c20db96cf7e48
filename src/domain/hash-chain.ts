/**
 * Tamper evidence for the statutory records (Art. 20 cn-2015; rules 7 and 11 of docs/REGULATION.md):
 * each month's records form a hash chain, `hash_n = SHA-256(hash_{n-1} ‖ canonical(record_n))`, whose
 * head is signed (Ed25519) and published. Pure: hashing is computation, not I/O; time arrives as an
 * argument.
 *
 * Months are calendar months in Asia/Shanghai (UTC+8, no daylight saving), because the regulation's
 * retention periods are counted in the administration's calendar.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';

/** Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM` of an instant in Asia/Shanghai. */
export function monthOf(at: number): string {
  const d = new Date(at + SHANGHAI_OFFSET_MS);
  const m = d.getUTCMonth() + 1;
  return `${d.getUTCFullYear()}-${m < 10 ? '0' : ''}${m}`;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: string): boolean {
  return MONTH_RE.test(s);
}

/** First instant (epoch ms) of a `YYYY-MM` month in Asia/Shanghai. */
export function monthStart(month: string): number {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, 1) - SHANGHAI_OFFSET_MS;
}

/** `month` plus `n` months (n may be negative). */
export function addMonths(month: string, n: number): string {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  const idx = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
  const y = Math.floor(idx / 12);
  const mm = (idx % 12) + 1;
  return `${y}-${mm < 10 ? '0' : ''}${mm}`;
}

/** `at` plus `n` calendar months (Asia/Shanghai day clamped to the target month's length). */
export function addMonthsToInstant(at: number, n: number): number {
  const d = new Date(at + SHANGHAI_OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()) - SHANGHAI_OFFSET_MS;
}

/** First instant after the month. */
export function monthEnd(month: string): number {
  return monthStart(addMonths(month, 1));
}

/**
 * Whether every record of `month` is at least `retentionMonths` old at `now`: the month ended, and
 * `retentionMonths` whole calendar months have passed since its end. (A 5-month retention keeps May's
 * records until 1 November, Shanghai time.)
 */
export function monthPastRetention(month: string, retentionMonths: number, now: number): boolean {
  return monthStart(addMonths(month, 1 + retentionMonths)) <= now;
}

/**
 * Canonical JSON (RFC 8785 in spirit): object keys sorted by code unit, no whitespace, `undefined`
 * members dropped as JSON.stringify drops them. Two adapters that store the same record produce the
 * same bytes, so a PostgreSQL copy of a chain verifies like the SQLite original.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i) s += ',';
      const x = v[i];
      s += x === undefined || typeof x === 'function' ? 'null' : canonicalJson(x);
    }
    return `${s}]`;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((v as { toJSON(): unknown }).toJSON());
  const keys = Object.keys(v).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function') continue;
    if (!first) s += ',';
    first = false;
    s += `${JSON.stringify(k)}:${canonicalJson(x)}`;
  }
  return `${s}}`;
}

/** The fields of one record that the chain covers, exactly as stored. */
export interface ChainedFields {
  seq: number;
  id: string;
  at: number;
  kind: string;
  contentProviderId: string | null;
  msisdn: string | null;
  ref: string | null;
  port: string | null;
  type: string | null;
  decision: string | null;
  rule: string | null;
  /** The body as stored: canonical JSON text. */
  body: string;
}

/**
 * The first line of a record's canonical bytes: a JSON array of every stored column but the body, in
 * a fixed order, then a newline. JSON never contains a raw newline, so the split is unambiguous.
 */
export function recordHeader(r: Omit<ChainedFields, 'body'>): string {
  return `${JSON.stringify([r.seq, r.id, r.at, r.kind, r.contentProviderId, r.msisdn, r.ref, r.port, r.type, r.decision, r.rule])}\n`;
}

/**
 * The bytes of a record that its hash covers: the header line, then the body text exactly as stored
 * (UTF-8). The body is not re-escaped, so the verifier can hash it straight from the database page.
 */
export function canonicalRecord(r: ChainedFields): string {
  return recordHeader(r) + r.body;
}

/** The hash a chain starts from: distinct per month, so a record moved to another month fails. */
export function genesisHash(chain: string): Buffer {
  return createHash('sha256').update(`smsguard.records.v1:${chain}`).digest();
}

/** `SHA-256(prev ‖ utf8(canonical))`. */
export function chainHash(prev: Uint8Array, canonical: string): Buffer {
  return createHash('sha256').update(prev).update(canonical).digest();
}

/** The same hash from its parts: `SHA-256(prev ‖ utf8(header) ‖ body)`, body already UTF-8. */
export function chainHashParts(prev: Uint8Array, header: string, body: Uint8Array): Buffer {
  return createHash('sha256').update(prev).update(header).update(body).digest();
}

/**
 * SHA-256 of bytes already laid out as `prev ‖ canonical`, as a latin1 ('binary') string of 32
 * chars, one per byte: the cheapest form Node returns (a one-shot hash into a new Buffer costs about
 * twice as much, createHash three times). For hot loops that hash millions of records.
 */
export const sha256Binary: (data: Uint8Array) => string = typeof oneShotHash === 'function'
  ? (data) => oneShotHash('sha256', data, 'binary')
  : (data) => createHash('sha256').update(data).digest('binary');

/** A month's chain head: what is signed and published. */
export interface ChainHead {
  /** `YYYY-MM`, or `retained` for records kept past their month under a hold or a live relationship. */
  chain: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  /** Hex SHA-256 of the last record. */
  hash: string;
  signedAt: number;
}

/** The exact bytes an Ed25519 head signature covers. */
export function headPayload(h: ChainHead): string {
  return canonicalJson({ v: 1, chain: h.chain, firstSeq: h.firstSeq, lastSeq: h.lastSeq, count: h.count, hash: h.hash, signedAt: h.signedAt });
}

/**
 * The bytes a retained record's hash covers in the `retained` chain: its own columns plus the month it
 * came from and its hash there, so a carried record still names its original link.
 */
export function canonicalRetained(r: ChainedFields, month: string, origHashHex: string): string {
  return `${JSON.stringify([month, origHashHex])}\n${canonicalRecord(r)}`;
}

/**
 * Submit results as JSON bytes, written straight into a Buffer: the answer of `POST /v1/messages`
 * (202) and of `POST /v1/messages/batch` (up to 1,000 results of ~130 bytes). Fastify's schema
 * serializer built a string of the whole answer, which the reply then measured and encoded to
 * UTF-8 again: ~1.8 µs per result against ~0.5 here (docs/PERFORMANCE.md), on the event loop that
 * decides every message.
 *
 * The JSON is what the routes' response schema (`submitResult`, schemas.ts) gives: an accepted
 * result's `id`, `status`, `text`, `segments`; a rejected one's `id` (when it was recorded) and
 * `error` with `code`, `message`, `rule`, `article`, `profile`, `field`, each only when present, in
 * that order, and nothing else.
 */
import type { SubmitOutcome } from '../app/types.js';
import type { ErrorBody } from '../domain/errors.js';
import { errorBody } from './schemas.js';

/** What JSON.stringify would escape in a string (a lone surrogate included); any surrogate sends it there. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** An error's fields, in the schema's order (the schema is the one list; a test holds the accepted ones to it too). */
const ERROR_FIELDS = Object.keys(errorBody.properties.error.properties) as (keyof ErrorBody & keyof typeof errorBody.properties.error.properties)[];
/** An accepted result's fields, in the order written below (putResult). */
export const ACCEPTED_FIELDS = ['id', 'status', 'text', 'segments'] as const;

/**
 * Buffer's own per-encoding writers (what `write(s, o, encoding)` ends in), when this Node has them:
 * the public `write` spends as long again sorting out its arguments as writing ~100 bytes
 * (1.08 against 0.47 µs per result in a micro-benchmark). Undocumented, hence the fallback.
 */
type Writer = (b: Buffer, s: string, o: number) => number;
const proto = Buffer.prototype as unknown as { utf8Write?: (s: string, o: number) => number; latin1Write?: (s: string, o: number) => number };
const utf8: Writer = typeof proto.utf8Write === 'function' ? (b, s, o) => (b as unknown as Required<typeof proto>).utf8Write(s, o) : (b, s, o) => b.write(s, o, 'utf8');
const latin1: Writer = typeof proto.latin1Write === 'function' ? (b, s, o) => (b as unknown as Required<typeof proto>).latin1Write(s, o) : (b, s, o) => b.write(s, o, 'latin1');

/** Writes `s` as a JSON string at `o`; returns the offset after it. */
function putString(b: Buffer, o: number, s: string): number {
  if (NEEDS_ESCAPE.test(s)) return o + utf8(b, JSON.stringify(s), o);
  b[o++] = 0x22;
  o += utf8(b, s, o);
  b[o++] = 0x22;
  return o;
}

/** Writes ASCII `s` (the JSON punctuation and names below) at `o`; returns the offset after it. */
function putAscii(b: Buffer, o: number, s: string): number {
  return o + latin1(b, s, o);
}

/** An upper bound of a string's JSON in UTF-8: each UTF-16 unit as at most 6 bytes (`\u001f`). */
const bound = (s: string | null | undefined): number => (s === undefined || s === null ? 0 : 6 * s.length + 2);

function boundOf(r: SubmitOutcome): number {
  if (r.ok) return 64 + bound(r.id) + bound(r.status) + bound(r.text);
  let n = 128 + bound(r.id);
  for (const k of ERROR_FIELDS) n += 16 + bound(r.error[k]);
  return n;
}

function putResult(b: Buffer, o: number, r: SubmitOutcome): number {
  if (r.ok) {
    o = putAscii(b, o, '{"id":');
    o = putString(b, o, r.id);
    o = putAscii(b, o, ',"status":');
    o = putString(b, o, r.status);
    o = putAscii(b, o, ',"text":');
    o = putString(b, o, r.text);
    o = putAscii(b, o, ',"segments":');
    o = putAscii(b, o, String(r.segments));
    b[o++] = 0x7d;
    return o;
  }
  b[o++] = 0x7b;
  if (r.id !== undefined && r.id !== null) {
    o = putAscii(b, o, '"id":');
    o = putString(b, o, r.id);
    b[o++] = 0x2c;
  }
  o = putAscii(b, o, '"error":{');
  let first = true;
  for (const k of ERROR_FIELDS) {
    const v = r.error[k] as string | null | undefined;
    if (v === undefined || v === null) continue;
    if (!first) b[o++] = 0x2c;
    first = false;
    o = putAscii(b, o, `"${k}":`);
    o = putString(b, o, v);
  }
  b[o++] = 0x7d;
  b[o++] = 0x7d;
  return o;
}

/** One result as the single submit's JSON body. */
export function submitResultJson(r: SubmitOutcome): Buffer {
  const b = Buffer.allocUnsafe(boundOf(r));
  return b.subarray(0, putResult(b, 0, r));
}

/** `{"results":[…]}`, the batch submit's JSON body. */
export function submitResultsJson(rs: readonly SubmitOutcome[]): Buffer {
  let n = 16;
  for (const r of rs) n += boundOf(r) + 1;
  const b = Buffer.allocUnsafe(n);
  let o = putAscii(b, 0, '{"results":[');
  for (let i = 0; i < rs.length; i++) {
    if (i > 0) b[o++] = 0x2c;
    o = putResult(b, o, rs[i]);
  }
  b[o++] = 0x5d;
  b[o++] = 0x7d;
  return b.subarray(0, o);
}

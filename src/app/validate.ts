/**
 * Shape checks every door shares (HTTP validates JSON schema too, but SMPP and the CLI arrive here
 * directly). A failure is `invalid_request` naming the field.
 */
import { SmsguardError, type Why } from '../domain/errors.js';
import { isMessageType } from '../domain/message-type.js';
import { MSISDN_FORMS, normalizeMsisdn } from '../domain/msisdn.js';
import { categoryForm } from '../domain/text-fold.js';
import type { Profile } from '../profiles/types.js';
import type { SubmitInput } from './types.js';
import { closestName } from './closest-name.js';

function fail(field: string, message: string, why?: Why): never {
  throw new SmsguardError('invalid_request', `${field}: ${message}`, {}, field, why);
}

/**
 * Why a caller's string cannot be stored or sent as written, or null when it can: a lone UTF-16
 * surrogate (no UTF-8, UCS-2 or GSM encoding exists for it) or a NUL (PostgreSQL refuses it in text
 * and jsonb, so the request failed with a 500 after its checks; it also ends the text on many
 * handsets and SMSCs). No caller's words hold either.
 */
export function unstorable(s: string): string | null {
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) return 'must be well-formed Unicode (it holds a lone surrogate)';
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  return null;
}

/**
 * What arrived from outside, where no one can be told to send it again (an MO from the SMSC), in a
 * form the store takes: each NUL and each lone surrogate becomes U+FFFD, so the user's words are
 * kept, a character visibly lost, rather than the whole MO failing to be recorded (and redelivered
 * by the SMSC, failing again). The rest is unchanged.
 */
export function storableForm(s: string): string {
  const w = (s as unknown as { toWellFormed(): string }).toWellFormed();
  return w.includes('\u0000') ? w.replaceAll('\u0000', '\ufffd') : w;
}

/**
 * `invalid_request` naming `field` when {@link unstorable} refuses `s`; `s` otherwise. For the few
 * use cases that check a string's shape by hand rather than with {@link str}.
 */
export function storableText(s: string, field: string): string {
  const why = unstorable(s);
  if (why) fail(field, why, { id: 'not_storable' });
  return s;
}

/**
 * A caller's JSON value stored as it is (evidence, proof objects: jsonb): every string in it, and
 * every key, {@link storableText}; a failure names the path inside it (`evidence/items/0/note`).
 * Nested deeper than 64 levels it is refused: no evidence needs that, and unchecked it could hide one.
 */
export function storableJson<T>(v: T, field: string): T {
  const walk = (x: unknown, at: string, depth: number): void => {
    if (typeof x === 'string') storableText(x, at);
    else if (x && typeof x === 'object') {
      if (depth >= 64) fail(at, 'nests more than 64 levels deep');
      for (const [k, y] of Object.entries(x)) {
        storableText(k, `${at}/${k}`);
        walk(y, `${at}/${k}`, depth + 1);
      }
    }
  };
  walk(v, field, 0);
  return v;
}

/** Any control character (C0, DEL, C1: Unicode's Cc), in a field of one line. */
const CONTROL_IN_LINE = /\p{Cc}/u;
/** A control character other than tab, CR and LF, in free text (a text area keeps its line breaks). */
const CONTROL_IN_TEXT = /[^\P{Cc}\t\n\r]/u;

/**
 * What a field holds as a person's words: `text`, free text, where tab and line breaks are part of
 * what was written; `line`, a field of one line (a name, a reference, a public summary), where none of
 * them is. Either way, no other control character (BEL, ESC, a backspace, a C1 code) is anyone's
 * words: pasted from a terminal or sent by a broken client, it was stored as it came and shown to the
 * next reader (a case file, the public register, an inspection export) as nothing or as garbage.
 */
export type TextShape = 'text' | 'line';

/**
 * `invalid_request` naming `field` when `s` holds a control character its {@link TextShape} does not
 * take (`control_char`, its code point as `U+0007`); `s` otherwise. The one check every door's use
 * case calls (through {@link str}'s `shape`), so the API and the web forms refuse the same fields alike.
 */
export function plainText(s: string, field: string, shape: TextShape): string {
  const m = (shape === 'line' ? CONTROL_IN_LINE : CONTROL_IN_TEXT).exec(s);
  if (m) {
    const char = `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    const what = shape === 'line' ? 'is one line and must not contain control characters' : 'must not contain control characters other than tab and line breaks';
    fail(field, `${what} (${char} at character ${m.index + 1})`, { id: shape === 'line' ? 'control_char_line' : 'control_char', params: { char } });
  }
  return s;
}

/**
 * A string body field of `min`–`max` UTF-16 code units, and {@link storableText}: every text a caller
 * gives a use case is stored (text, jsonb) or sent somewhere, and a NUL or lone surrogate is never
 * anyone's words. One check here, so every door (HTTP, web forms, SMPP, CLI) refuses them alike.
 * `shape`: the field is a person's words, checked by {@link plainText} too.
 */
export function str(v: unknown, field: string, opts: { max?: number; min?: number; pattern?: RegExp; shape?: TextShape } = {}): string {
  if (typeof v !== 'string') fail(field, 'must be a string', { id: 'not_text' });
  const s = storableText(v as string, field);
  if (opts.shape) plainText(s, field, opts.shape);
  if (opts.min !== undefined && s.length < opts.min) fail(field, `must have at least ${opts.min} characters`, { id: 'too_short', params: { min: opts.min } });
  if (opts.max !== undefined && s.length > opts.max) fail(field, `must have at most ${opts.max} characters`, { id: 'too_long', params: { max: opts.max } });
  if (opts.pattern && !opts.pattern.test(s)) fail(field, `must match ${opts.pattern}`, { id: 'bad_pattern' });
  return s;
}

/**
 * The optional why of an act that need not give one (a hold's release, an action's lift, a baseline's
 * reset): absent or null, none; otherwise free text of at most 1000 characters, checked as
 * {@link str} with shape `text` (it goes into the act's audit record). The HTTP schema bounds it too,
 * but the use case is the one check every door passes.
 */
export function optionalReason(v: unknown, field = 'reason'): string | undefined {
  return v === undefined || v === null ? undefined : str(v, field, { max: 1000, shape: 'text' });
}

/**
 * A consent category given anywhere (a submission, a consent, a consent request, an SMPP credential's
 * default): Unicode NFKC, trimmed, 1–64 characters, not blank. Categories are compared exactly (a
 * consent covers a message of its own category only), and every one passes here before it is
 * recorded or compared, so each is held in one form: full-width `ｍａｒｋｅｔｉｎｇ` is `marketing`,
 * `营销　` (ideographic space) is `营销`. Otherwise a consent given under the one would not cover a
 * message sent under the other, which looks the same to the user and the provider. Case is kept
 * (`Promo` and `promo` stay two categories): only the width and compatibility forms an input method
 * produces are folded. A blank one names no type a user could have consented to, and one holding a
 * control character (a line break, a tab, ESC) inside it is refused as any field of one line is
 * ({@link plainText}, `control_char_line`).
 */
export function categoryField(v: unknown, field: string): string {
  // Checked as given first (bounds the work of NFKC), then as it will be stored: NFKC may lengthen
  // a string (`㍿` is four characters).
  const c = categoryForm(str(v, field, SUBMIT_LIMITS.category));
  if (!c) fail(field, 'must not be blank');
  // One line, checked after the trim (a trailing line break is harmless): the category is written
  // into the gateway's own consent request (“邀请您订阅“…”类商业短信”) and shown on every view.
  plainText(c, field, 'line');
  if (c.length > 64) fail(field, 'must have at most 64 characters', { id: 'too_long', params: { max: 64 } });
  return c;
}

/**
 * A keyset list's `limit` (a page's size) as every door gives it: `dflt` when absent, else an integer
 * from 1 to `max` (`invalid_request` naming `limit`). The HTTP schemas bound it too; the use case
 * checks for the doors that have none.
 */
export function pageLimit(limit: number | undefined, max: number, dflt: number): number {
  if (limit === undefined) return dflt;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new SmsguardError('invalid_request', `limit: must be an integer from 1 to ${max}`, {}, 'limit');
  return limit;
}

/**
 * A mainland China mobile number given to a use case (a path parameter, a filter, a body field),
 * normalised to E.164, or `invalid_msisdn` naming the field with the rule and article it comes from.
 */
export function msisdnField(raw: unknown, field: string, profile: Profile): string {
  const m = normalizeMsisdn(raw);
  if (!m) throw msisdnRefusal(field, profile);
  return m;
}

/**
 * The refusal {@link msisdnField} throws for `field`, for a use case that reports a bad number in a
 * list rather than refusing the request (a DND import's item, `msisdns/3`, read with
 * `normalizeMsisdn` as msisdnField reads it, without a throw per bad item of 100 000): the same code,
 * words, rule and article wherever a number is refused.
 */
export function msisdnRefusal(field: string, profile: Profile): SmsguardError {
  return new SmsguardError('invalid_msisdn', `${field} is not a mainland China mobile number ${MSISDN_FORMS}`, { rule: 'recipient.msisdn', article: profile.rules['recipient.msisdn']?.article, profile: profile.id }, field, { id: 'msisdn_not_mainland' });
}

const SPACE = /\s/;

/**
 * Whether a text holds anything besides spaces and signatures (`【示例】`). Walks from the start and
 * stops at the first such character, which in a real message is the one after its signature: no
 * allocation on the message path.
 */
export function hasContent(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '【') {
      const close = text.indexOf('】', i + 1);
      // an unclosed bracket is text, as is a bracket holding another opening one
      if (close < 0 || text.lastIndexOf('【', close) !== i) return true;
      i = close;
    } else if (!SPACE.test(ch)) return true;
  }
  return false;
}

/** What `registeredDelivery` may say: every receipt, none, or failures only (docs/SMPP.md). */
const RECEIPT_REQUESTS: readonly unknown[] = [true, false, 'failure'];

/**
 * A receipt request as given, or `invalid_request` naming the field: `"yes"`, `1` or `"true"` once
 * read as false, so a client that asked for receipts silently got none.
 */
function receiptRequestField(v: unknown, field: string): SubmitInput['registeredDelivery'] {
  if (!RECEIPT_REQUESTS.includes(v)) fail(field, 'must be true, false or "failure"');
  return v as SubmitInput['registeredDelivery'];
}

/**
 * The bounds of a submission's text fields, in characters (UTF-16 code units, as `str` counts): one
 * table for {@link validateSubmitInput} and the HTTP door's schema (src/http/schemas.ts), so the OpenAPI
 * document states the limits every door applies. `text`'s only protects memory: the profile's length
 * rule (500 characters) is the pipeline's.
 */
export const SUBMIT_LIMITS = {
  from: { min: 1, max: 21 },
  to: { min: 1, max: 32 },
  text: { min: 1, max: 10_000 },
  category: { min: 1, max: 64 },
  clientRef: { max: 128 },
  // date-times as parseTime reads them (a replacement's too)
  validUntil: { min: 1, max: 40 },
  scheduledAt: { min: 1, max: 40 },
  // a charged service's id (charged-services.ts)
  chargedServiceId: { min: 1, max: 64 },
} as const;

/** A date-time body field's bounds (parseTime), in characters: `2026-11-30T12:00:00.123456789+08:00` fits. */
export const TIME_FIELD_LIMITS = SUBMIT_LIMITS.validUntil;

/** The fields a message's client may send from any door, in its unknown-field answer's order (the ones a misspelt key is matched to). */
const SUBMIT_FIELDS_SAID = ['from', 'to', 'text', 'type', 'category', 'clientRef', 'registeredDelivery', 'validUntil', 'scheduledAt'] as const;
/**
 * From HTTP or the web, the SMPP door's fields below are unknown like any other (they used to be
 * taken there and then ignored, so a client sending them was not told).
 */
const CLIENT_SUBMIT_FIELDS_SAID = [...SUBMIT_FIELDS_SAID, 'chargedServiceId'] as const;
const CLIENT_SUBMIT_FIELDS: ReadonlySet<string> = new Set(CLIENT_SUBMIT_FIELDS_SAID);
/** A message's fields as an unknown-field answer lists them (every door: the SMPP door's charged service is TLV 0x1403). */
const SAID_CLIENT = 'unknown field (a message is {from, to, text, type, category?, clientRef?, registeredDelivery?, validUntil?, scheduledAt?, chargedServiceId?})';
/**
 * The fields the SMPP door's input may carry: also `clientPartIds`, `keptPartsKey` (a long message's
 * parts) and `dataCoding`, which that door builds from the PDU.
 */
const SMPP_SUBMIT_FIELDS: ReadonlySet<string> = new Set([...CLIENT_SUBMIT_FIELDS_SAID, 'clientPartIds', 'keptPartsKey', 'dataCoding']);

/**
 * ` (did you mean from?)` when unknown key `k` of `o` is near a field of `known` that `o` lacks
 * ({@link closestName}), appended to the refusal of `k`: a misspelt required field (`form`) is
 * refused as unknown before the one it stood for is missed, so the answer names both. Empty otherwise.
 */
function meantBy(k: string, o: Record<string, unknown>, known: Iterable<string>): string {
  const meant = closestName(k, [...known].filter((f) => !Object.prototype.hasOwnProperty.call(o, f)));
  return meant ? ` (did you mean ${meant}?)` : '';
}

/** `from`'s bounds and digits, made once: a spread and a regex literal here were two objects per message. */
const FROM_BOUNDS = { ...SUBMIT_LIMITS.from, pattern: /^\d+$/ };

/**
 * Validates a submission's shape; `prefix` names its position in a batch (`messages/3`). `smppDoor`:
 * the input was built by the SMPP door, which alone may carry a long message's parts and its
 * `dataCoding`.
 */
export function validateSubmitInput(input: unknown, prefix = '', smppDoor = false): SubmitInput {
  const p = prefix ? `${prefix}/` : '';
  if (!input || typeof input !== 'object' || Array.isArray(input)) fail(prefix || 'body', 'must be an object');
  const o = input as Record<string, unknown>;
  // A misspelt field was dropped in silence: `scheduleAt` sent the message at once, `validuntil`
  // kept it valid for ever, `registered_delivery` asked for no receipt.
  const fields = smppDoor ? SMPP_SUBMIT_FIELDS : CLIENT_SUBMIT_FIELDS;
  for (const k in o) if (!fields.has(k)) fail(`${p}${k}`, `${SAID_CLIENT}${meantBy(k, o, CLIENT_SUBMIT_FIELDS_SAID)}`);
  const from = str(o.from, `${p}from`, FROM_BOUNDS);
  const to = str(o.to, `${p}to`, SUBMIT_LIMITS.to);
  // The pipeline judges length against the profile; this bound only protects memory.
  // `str` refuses a lone surrogate (no UCS-2 or GSM encoding: it went out as a broken character)
  // and a NUL (it ends the text on many handsets and SMSCs): neither can reach a handset as written.
  const text = str(o.text, `${p}text`, SUBMIT_LIMITS.text);
  // Spaces and a signature alone say nothing to the recipient (an empty template, a client's bug).
  if (!hasContent(text)) fail(`${p}text`, 'has no content besides spaces or a signature');
  if (!isMessageType(o.type)) fail(`${p}type`, 'must be one of verification, notification, commercial, public_welfare');
  const out: SubmitInput = { from, to, text, type: o.type };
  // And in every other field: a NUL cannot be stored by PostgreSQL, and the store's refusal failed the
  // whole group commit, every other caller's messages in it with this one.
  if (o.category !== undefined && o.category !== null) out.category = categoryField(o.category, `${p}category`);
  if (out.type === 'commercial' && !out.category) fail(`${p}category`, 'is required when type is commercial');
  if (o.clientRef !== undefined && o.clientRef !== null) out.clientRef = str(o.clientRef, `${p}clientRef`, SUBMIT_LIMITS.clientRef);
  // every door: HTTP and the web as a field, SMPP as vendor TLV 0x1403 (src/smpp/server/translate.ts)
  if (o.chargedServiceId !== undefined && o.chargedServiceId !== null) out.chargedServiceId = str(o.chargedServiceId, `${p}chargedServiceId`, SUBMIT_LIMITS.chargedServiceId);
  if (o.registeredDelivery !== undefined) out.registeredDelivery = receiptRequestField(o.registeredDelivery, `${p}registeredDelivery`);
  if (o.clientPartIds !== undefined && o.clientPartIds !== null) {
    // a long message has at most 255 parts; SMPP message ids are at most 64 characters
    if (!Array.isArray(o.clientPartIds) || o.clientPartIds.length > 254) fail(`${p}clientPartIds`, 'must be an array of at most 254 message ids');
    out.clientPartIds = (o.clientPartIds as unknown[]).map((x, i) => str(x, `${p}clientPartIds/${i}`, { min: 1, max: 64 }));
  }
  if (o.keptPartsKey !== undefined && o.keptPartsKey !== null) out.keptPartsKey = str(o.keptPartsKey, `${p}keptPartsKey`, { min: 1, max: 512 });
  if (o.dataCoding !== undefined && o.dataCoding !== null) {
    // one octet (SMPP 3.4 §5.2.19)
    if (!Number.isInteger(o.dataCoding) || (o.dataCoding as number) < 0 || (o.dataCoding as number) > 255) fail(`${p}dataCoding`, 'must be an integer from 0 to 255');
    out.dataCoding = o.dataCoding as number;
  }
  // whether it is still ahead is the use case's to say (it has the clock)
  if (o.validUntil !== undefined && o.validUntil !== null) out.validUntil = parseTime(o.validUntil, `${p}validUntil`);
  if (o.scheduledAt !== undefined && o.scheduledAt !== null) out.scheduledAt = parseTime(o.scheduledAt, `${p}scheduledAt`);
  return out;
}

/**
 * An RFC 3339 date-time (ISO-8601 with its offset): what the HTTP schema's `format: date-time` takes.
 * `Date.parse` alone also took `"1"` (2001-01-01), `"Nov 30 2026"`, `"2026-11-30"` and a date-time
 * without offset, which it reads in the server's own time zone: evidence whose instant depended on
 * where the gateway runs.
 */
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * A day `YYYY-MM-DD` (its Asia/Shanghai midnight) or an RFC 3339 date-time, as epoch ms; NaN for
 * anything else, a day the month lacks included (`Date.parse` rolled 2026-02-30 over to 2 March). What
 * the commands' `--from`/`--to` and a regulator token's dates take.
 */
export function shanghaiDayOrTime(v: string): number {
  const d = /^(\d{4})-(\d\d)-(\d\d)$/.exec(v);
  if (!d) {
    try {
      return parseTime(v, 'date');
    } catch {
      return NaN;
    }
  }
  const ok = +d[2] >= 1 && +d[2] <= 12 && new Date(Date.UTC(+d[1], +d[2] - 1, +d[3])).getUTCDate() === +d[3];
  return ok ? Date.parse(`${v}T00:00:00+08:00`) : NaN;
}

/** What a replacement may change (src/app/replace-message.ts): its text, and optionally its times and receipt request. */
export interface ReplaceFields {
  text: string;
  /** null: the message loses its schedule (sent as soon as possible). */
  scheduledAt?: number | null;
  validUntil?: number;
  registeredDelivery?: SubmitInput['registeredDelivery'];
}

const REPLACE_FIELDS: ReadonlySet<string> = new Set(['text', 'scheduledAt', 'validUntil', 'registeredDelivery']);

/**
 * Validates a replacement's shape (HTTP `PATCH /v1/messages/{id}`): `text` required, the times as a
 * submission's (ISO-8601 with offset; absent: the message keeps its own; `scheduledAt` null: it loses
 * its schedule, `validUntil` null: kept), `registeredDelivery` as a submission's (absent: kept). Sender, recipient, type and category are the message's and
 * cannot be changed: naming one is an unknown field. The text's content is checked by the use case,
 * as a submission's.
 */
export function validateReplaceInput(input: unknown): ReplaceFields {
  if (!input || typeof input !== 'object' || Array.isArray(input)) fail('body', 'must be an object');
  const o = input as Record<string, unknown>;
  for (const k in o) if (!REPLACE_FIELDS.has(k)) fail(k, `unknown field (a replacement is {text, scheduledAt?, validUntil?, registeredDelivery?}; the sender, recipient, type and category stay the message's)${meantBy(k, o, REPLACE_FIELDS)}`);
  const out: ReplaceFields = { text: str(o.text, 'text', SUBMIT_LIMITS.text) };
  if (o.scheduledAt === null) out.scheduledAt = null;
  else if (o.scheduledAt !== undefined) out.scheduledAt = parseTime(o.scheduledAt, 'scheduledAt');
  if (o.validUntil !== undefined && o.validUntil !== null) out.validUntil = parseTime(o.validUntil, 'validUntil');
  if (o.registeredDelivery !== undefined) out.registeredDelivery = receiptRequestField(o.registeredDelivery, 'registeredDelivery');
  return out;
}

/** A date-time body field as epoch ms, or `invalid_request` naming it (also a day the month lacks, 2026-02-30). */
export function parseTime(v: unknown, field: string): number {
  const s = str(v, field, TIME_FIELD_LIMITS);
  const m = RFC3339.exec(s);
  const t = m ? Date.parse(s.replace(' ', 'T')) : NaN;
  if (!m || !Number.isFinite(t) || new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDate() !== +m[3] || +m[2] < 1 || +m[2] > 12) {
    throw new SmsguardError('invalid_request', `${field}: must be an ISO-8601 date-time with its offset (2026-11-30T12:00:00+08:00 or …Z)`, {}, field, { id: 'datetime_format' });
  }
  return t;
}

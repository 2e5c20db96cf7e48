/**
 * Text ⇄ short_message octets for the data_coding values smsguard speaks:
 * 0 → GSM 03.38 default alphabet, one septet per octet (SMPP carries it unpacked), with the
 *     extension table behind 0x1B;
 * 1 → IA5/ASCII; 3 → Latin-1; 8 → UCS-2 big-endian (UTF-16BE, so astral characters survive as pairs).
 * Chinese text travels as data_coding 8.
 */
import { DataCoding } from './constants.js';

// GSM 03.38 basic character set, index = septet value.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension table (after 0x1B escape).
const GSM_EXT: Record<number, string> = { 0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' };

const GSM_ENC = new Map<string, number>();
for (let i = 0; i < GSM_BASIC.length; i++) if (i !== 0x1b) GSM_ENC.set(GSM_BASIC[i], i);
const GSM_EXT_ENC = new Map<string, number>(Object.entries(GSM_EXT).map(([k, v]) => [v, Number(k)]));

/**
 * Code points whose one octet reads as the same character in GSM 03.38 (unpacked) and in ASCII /
 * Latin-1: printable ASCII but `$ @ [ \ ] ^ _ \` { | } ~`, which GSM 03.38 puts elsewhere (0x40 is
 * `¡` there, `@` is 0x00). Text sent under data_coding 0, which an ESME may read either way
 * (smsguard reads it as GSM 03.38, some ESMEs as ASCII), is correct for both only in these.
 */
const GSM_ASCII_ALIKE = new Uint8Array(0x80);
for (let c = 0x20; c < 0x7f; c++) if (GSM_BASIC[c] === String.fromCharCode(c)) GSM_ASCII_ALIKE[c] = 1;

/** True when the octet `code` reads as the same character in GSM 03.38 and ASCII (GSM_ASCII_ALIKE). */
export function readsAlikeInGsmAndAscii(code: number): boolean {
  return code < 0x80 && GSM_ASCII_ALIKE[code] === 1;
}

/**
 * The first `n` characters of `s` counted in code points: a surrogate pair (an emoji, a rare
 * ideograph) is one character, kept whole or not at all, never cut to a lone surrogate.
 */
export function firstCodePoints(s: string, n: number): string {
  if (s.length <= n) return s;
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    i += pair ? 2 : 1;
  }
  return s.slice(0, i);
}

/** True when every character of `text` has a GSM 03.38 encoding (basic or extension). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_ENC.has(ch) && !GSM_EXT_ENC.has(ch)) return false;
  return true;
}

/** GSM 03.38 unpacked octets; characters outside the alphabet become '?'. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const b = GSM_ENC.get(ch);
    if (b !== undefined) out.push(b);
    else {
      const e = GSM_EXT_ENC.get(ch);
      if (e !== undefined) out.push(0x1b, e);
      else out.push(0x3f);
    }
  }
  return Buffer.from(out);
}

/** Decodes unpacked GSM 03.38 octets (top bit ignored); an unknown escape reads as a space per 03.38. */
export function decodeGsm7(b: Buffer): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i] & 0x7f;
    if (c === 0x1b) {
      const n = i + 1 < b.length ? b[i + 1] & 0x7f : -1;
      i++;
      s += n >= 0 ? (GSM_EXT[n] ?? ' ') : '';
    } else s += GSM_BASIC[c];
  }
  return s;
}

/** UCS-2/UTF-16 big-endian octets. */
export function encodeUcs2(text: string): Buffer {
  const b = Buffer.from(text, 'utf16le');
  return b.swap16();
}

/**
 * Decodes UCS-2/UTF-16BE; an odd trailing octet, half a unit and no character, reads as U+FFFD (the
 * replacement character), so a text cut short shows it. It matters for what the client reads from an
 * SMSC (an MO cannot be refused back to the subscriber: it is recorded and forwarded with the mark,
 * and logged, `halfUcs2Unit`); the server refuses a submit whose UCS-2 octets are odd before it
 * decodes them, so a provider's text is never changed. Before 2026-12-07 the octet was dropped in
 * silence and the MO recorded and forwarded as if whole.
 */
export function decodeUcs2(b: Buffer): string {
  const n = b.length & ~1;
  const c = Buffer.allocUnsafe(n);
  b.copy(c, 0, 0, n);
  const text = c.swap16().toString('utf16le');
  return n === b.length ? text : text + '\ufffd';
}

/** The character set a data_coding's octets are in, as `decodeText` reads them. */
export type Alphabet = 'gsm7' | 'ucs2' | 'latin1';

/**
 * The alphabet of a data_coding value. 0x00–0x0F are SMPP 3.4's own (§5.2.19): 0 the default
 * alphabet (GSM 03.38 here), 8 UCS-2, the rest read as Latin-1 (1 IA5, 3 Latin-1, 2/4 octets). Above
 * them SMPP 3.4 defers to GSM 03.38 (3GPP TS 23.038 §4), whose coding groups carry a message class or
 * an indication beside the alphabet, and ESMEs use them (0xF0/0x10 flash text, 0x18 flash Chinese):
 * - 00x0 / 01x0 uncompressed (0x10–0x1F, 0x50–0x5F): bits 3–2 name it, 00 GSM 7-bit, 10 UCS-2, else octets;
 * - 1100 / 1101 message waiting (0xC0–0xDF): GSM 7-bit; 1110 (0xE0–0xEF): UCS-2;
 * - 1111 (0xF0–0xFF): bit 2 clear GSM 7-bit, set 8-bit data.
 * Anything else (compressed, reserved) reads as Latin-1, as every coding did before 2026-12-07, when
 * 0xF0–0xF3 text was read as Latin-1 (`@` as NUL) and 0x18 UCS-2 as mojibake.
 */
export function alphabetOf(dataCoding: number): Alphabet {
  if (dataCoding === DataCoding.DEFAULT) return 'gsm7';
  if (dataCoding === DataCoding.UCS2) return 'ucs2';
  if (dataCoding < 0x10) return 'latin1';
  const group = dataCoding >> 4;
  if (group === 0x1 || group === 0x5) {
    const bits = (dataCoding >> 2) & 3;
    return bits === 0 ? 'gsm7' : bits === 2 ? 'ucs2' : 'latin1';
  }
  if (group === 0xc || group === 0xd) return 'gsm7';
  if (group === 0xe) return 'ucs2';
  if (group === 0xf) return dataCoding & 0x04 ? 'latin1' : 'gsm7';
  return 'latin1';
}

/**
 * True when `octets` are UCS-2 (`alphabetOf`) and their number is odd: the last octet is half a
 * UTF-16 unit, no character. decodeText reads it as U+FFFD, so a server must refuse such a text
 * (ESME_RINVMSGLEN: the short_message / message_payload length is invalid for its coding) rather
 * than send a text other than the one submitted. Parts of a long message are judged whole: their
 * octets are joined before they are decoded, so a part may end inside a unit the next one completes.
 */
export function halfUcs2Unit(octets: Buffer, dataCoding: number): boolean {
  return (octets.length & 1) === 1 && alphabetOf(dataCoding) === 'ucs2';
}

/** Decodes short_message/message_payload octets by data_coding (`alphabetOf`). */
export function decodeText(octets: Buffer, dataCoding: number): string {
  switch (alphabetOf(dataCoding)) {
    case 'gsm7':
      return decodeGsm7(octets);
    case 'ucs2':
      return decodeUcs2(octets);
    default:
      return octets.toString('latin1', 0, octets.length);
  }
}

/** Encodes text in the given data_coding (0, 1, 3 or 8). */
export function encodeText(text: string, dataCoding: number): Buffer {
  switch (dataCoding) {
    case DataCoding.DEFAULT:
      return encodeGsm7(text);
    case DataCoding.UCS2:
      return encodeUcs2(text);
    default:
      return Buffer.from(text, 'latin1');
  }
}

/** The narrowest data_coding able to carry `text`: 0 (GSM-7) when it fits, else 8 (UCS-2). */
export function chooseDataCoding(text: string): number {
  return isGsm7(text) ? DataCoding.DEFAULT : DataCoding.UCS2;
}

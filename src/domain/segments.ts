/**
 * Message length and segment count per GSM 03.40 / SMPP practice: text that fits the GSM 7-bit
 * default alphabet goes as GSM-7 (160 per single SMS, 153 per concatenated part; extension-table
 * characters count double), anything else as UCS-2 (70 single, 67 concatenated), counted in UTF-16
 * code units because that is what UCS-2 carries.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€\f';
/**
 * Septets per UTF-16 code unit: 1 for the basic alphabet, 2 for the extension table, 0 for anything
 * GSM-7 cannot carry. Every character of both tables is in the BMP, so one code unit decides.
 * A table, not a Set of one-character strings: iterating a string by code point makes a string
 * per character, twice per message on the message path.
 */
const SEPTETS = new Uint8Array(0x10000);
for (const ch of GSM_BASIC) SEPTETS[ch.charCodeAt(0)] = 1;
for (const ch of GSM_EXT) SEPTETS[ch.charCodeAt(0)] = 2;

export type Encoding = 'gsm7' | 'ucs2';

export interface LengthInfo {
  /** Characters as a person counts them (code points). */
  chars: number;
  encoding: Encoding;
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  segments: number;
}

/** Length, encoding and segment count of `text` as it would travel. */
export function measure(text: string): LengthInfo {
  let septets = 0;
  let gsm = true;
  let chars = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    chars++;
    // A surrogate pair is one character (and never GSM-7); a lone surrogate counts as one too.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        gsm = false;
        continue;
      }
    }
    if (gsm) {
      const s = SEPTETS[c];
      if (s === 0) gsm = false;
      else septets += s;
    }
  }
  if (gsm) {
    const segments = septets <= 160 ? 1 : Math.ceil(septets / 153);
    return { chars, encoding: 'gsm7', units: septets, segments };
  }
  const units = text.length;
  const segments = units <= 70 ? 1 : Math.ceil(units / 67);
  return { chars, encoding: 'ucs2', units, segments };
}

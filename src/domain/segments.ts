/**
 * Message length and segment count per GSM 03.40 / SMPP practice: text that fits the GSM 7-bit
 * default alphabet goes as GSM-7 (160 per single SMS, 153 per concatenated part; extension-table
 * characters count double), anything else as UCS-2 (70 single, 67 concatenated), counted in UTF-16
 * code units because that is what UCS-2 carries.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = '^{}\\[~]|€\f';
const basic = new Set(GSM_BASIC);
const ext = new Set(GSM_EXT);

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
  for (const ch of text) {
    chars++;
    if (gsm) {
      if (basic.has(ch)) septets += 1;
      else if (ext.has(ch)) septets += 2;
      else gsm = false;
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

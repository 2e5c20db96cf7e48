/**
 * Splits a text for sending as concatenated short messages with a UDH (3GPP TS 23.040): GSM-7 in
 * 153 septets per part (160 single), UCS-2 in 67 UTF-16 units per part (70 single). A GSM escape
 * pair or a UTF-16 surrogate pair is never cut in half.
 */
import { DataCoding } from './constants.js';
import { encodeGsm7, encodeUcs2 } from './text.js';
import { buildConcatUdh } from './udh.js';

export interface Segment {
  /** short_message octets including the UDH when `udhi` is true. */
  shortMessage: Buffer;
  udhi: boolean;
}

/** Splits encoded text into parts of at most `max` octets, moving back one octet when a split would cut a pair. */
function chunk(octets: Buffer, max: number, unit: number, isPairStart: (b: Buffer, i: number) => boolean): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < octets.length) {
    let end = Math.min(octets.length, i + max);
    // the last unit of this part opens a pair whose second half would land in the next part
    if (end < octets.length && isPairStart(octets, end - unit)) end -= unit;
    out.push(octets.subarray(i, end));
    i = end;
  }
  return out;
}

/** Segments `text` in data_coding 0 or 8; `ref` is the concatenation reference to use (0–255 → 8-bit UDH). */
export function segmentText(text: string, dataCoding: number, ref: number): Segment[] {
  const ucs2 = dataCoding === DataCoding.UCS2;
  const octets = ucs2 ? encodeUcs2(text) : encodeGsm7(text);
  const single = ucs2 ? 140 : 160;
  if (octets.length <= single) return [{ shortMessage: octets, udhi: false }];
  // 8-bit UDH: 153 septets / 134 octets (67 chars); 16-bit: 152 / 132.
  const per = ucs2 ? (ref < 256 ? 134 : 132) : ref < 256 ? 153 : 152;
  const parts = ucs2
    ? chunk(octets, per, 2, (b, i) => (b[i] & 0xfc) === 0xd8) // high surrogate at last unit
    : chunk(octets, per, 1, (b, i) => b[i] === 0x1b); // escape as last septet
  return parts.map((p, k) => {
    const udh = buildConcatUdh({ ref, total: parts.length, seq: k + 1 });
    return { shortMessage: Buffer.concat([udh, p]), udhi: true };
  });
}

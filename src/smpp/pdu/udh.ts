/**
 * User data header (3GPP TS 23.040 §9.2.3.24) for concatenated messages: IEI 0x00 (8-bit reference)
 * and 0x08 (16-bit reference). Other IEs are skipped.
 */

export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
  /** Which IE carried it: 8-bit or 16-bit reference. */
  bits: 8 | 16;
}

export interface ParsedUdh {
  concat?: ConcatInfo;
  /** The user data after the header. */
  payload: Buffer;
}

/** Parses a UDH at the start of `sm`; returns undefined when the header is malformed. */
export function parseUdh(sm: Buffer): ParsedUdh | undefined {
  if (sm.length < 1) return undefined;
  const udhl = sm[0];
  if (1 + udhl > sm.length) return undefined;
  let concat: ConcatInfo | undefined;
  let i = 1;
  const end = 1 + udhl;
  while (i < end) {
    if (i + 2 > end) return undefined;
    const iei = sm[i];
    const len = sm[i + 1];
    const d = i + 2;
    if (d + len > end) return undefined;
    if (iei === 0x00 && len === 3) concat = { ref: sm[d], total: sm[d + 1], seq: sm[d + 2], bits: 8 };
    else if (iei === 0x08 && len === 4) concat = { ref: sm.readUInt16BE(d), total: sm[d + 2], seq: sm[d + 3], bits: 16 };
    i = d + len;
  }
  return { concat, payload: sm.subarray(end) };
}

/** Builds a concatenation UDH (8-bit reference when ref < 256 and bits unspecified). */
export function buildConcatUdh(c: { ref: number; total: number; seq: number; bits?: 8 | 16 }): Buffer {
  const bits = c.bits ?? (c.ref < 256 ? 8 : 16);
  if (bits === 8) return Buffer.from([5, 0x00, 3, c.ref & 0xff, c.total & 0xff, c.seq & 0xff]);
  return Buffer.from([6, 0x08, 4, (c.ref >> 8) & 0xff, c.ref & 0xff, c.total & 0xff, c.seq & 0xff]);
}

/** Helpers to read and build TLVs (optional parameters) without caring about their byte layout. */
import type { Tlv } from './types.js';

/** First TLV with this tag, or undefined. */
export function tlvGet(tlvs: readonly Tlv[], tag: number): Buffer | undefined {
  for (const t of tlvs) if (t.tag === tag) return t.value;
  return undefined;
}

/** Integer TLV (1, 2 or 4 octets, big-endian); undefined if absent or of another size. */
export function tlvInt(tlvs: readonly Tlv[], tag: number): number | undefined {
  const v = tlvGet(tlvs, tag);
  if (v === undefined) return undefined;
  if (v.length === 1) return v[0];
  if (v.length === 2) return v.readUInt16BE(0);
  if (v.length === 4) return v.readUInt32BE(0);
  return undefined;
}

/** C-Octet-string TLV (NUL terminator optional, as peers differ); undefined if absent. */
export function tlvString(tlvs: readonly Tlv[], tag: number): string | undefined {
  const v = tlvGet(tlvs, tag);
  if (v === undefined) return undefined;
  const nul = v.indexOf(0);
  return v.toString('latin1', 0, nul === -1 ? v.length : nul);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * C-Octet-string TLV read as UTF-8 (NUL terminator optional), for smsguard's own vendor TLVs, whose
 * values may be Chinese (a consent category `营销`): latin1 turned each such byte into a character of
 * its own, so the value matched nothing. Bytes that are not UTF-8 are read as latin1, as before (an
 * ESME that sent `café` in latin1 still sends the same category). Undefined if absent.
 */
export function tlvUtf8String(tlvs: readonly Tlv[], tag: number): string | undefined {
  const v = tlvGet(tlvs, tag);
  if (v === undefined) return undefined;
  const nul = v.indexOf(0);
  return utf8OrLatin1(nul === -1 ? v : v.subarray(0, nul));
}

/** Octets as UTF-8, or as latin1 when they are not UTF-8 (the vendor TLVs' reading, tlvUtf8String). */
export function utf8OrLatin1(b: Buffer): string {
  try {
    return UTF8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/** C-Octet-string TLV encoded as UTF-8, NUL-terminated (smsguard's vendor TLVs, tlvUtf8String). */
export function tlvUtf8CString(tag: number, s: string): Tlv {
  return { tag, value: Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]) };
}

export function tlvU8(tag: number, n: number): Tlv {
  return { tag, value: Buffer.from([n & 0xff]) };
}
export function tlvU16(tag: number, n: number): Tlv {
  const value = Buffer.allocUnsafe(2);
  value.writeUInt16BE(n & 0xffff, 0);
  return { tag, value };
}
/** C-Octet-string TLV, NUL-terminated as the spec asks. */
export function tlvCString(tag: number, s: string): Tlv {
  // allocUnsafe takes small buffers from Node's pool; Buffer.alloc made (and zeroed) one of its own
  // for every receipt's receipted_message_id
  const n = Buffer.byteLength(s, 'latin1');
  const value = Buffer.allocUnsafe(n + 1);
  value.write(s, 0, 'latin1');
  value[n] = 0;
  return { tag, value };
}
export function tlvOctets(tag: number, b: Buffer): Tlv {
  return { tag, value: b };
}

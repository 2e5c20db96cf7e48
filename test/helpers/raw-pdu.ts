/**
 * PDUs written byte by byte, for tests that must send what the codec would refuse to encode (an
 * over-long address, a TLV overrunning its PDU…) or check the wire as a peer sees it.
 */

/** One PDU: the 16-byte header (length, command id, status 0, sequence) and `body` as given. */
export function rawPdu(id: number, seq: number, body: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32BE(16 + body.length, 0);
  h.writeUInt32BE(id, 4);
  h.writeUInt32BE(seq, 12);
  return Buffer.concat([h, body]);
}

/** A C-octet string: `x` in Latin-1 and its NUL. */
export const cstr = (x: string): Buffer => Buffer.from(x + '\0', 'latin1');

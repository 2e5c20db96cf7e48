/**
 * Cuts a TCP byte stream into whole PDU frames. Memory is bounded: a command_length below 16 or
 * above `maxPduLength` is a fatal PduDecodeError (the stream cannot be resynchronised), so a peer
 * can never make us buffer more than one maximal PDU plus one read chunk.
 */
import { CommandStatus, HEADER_LENGTH } from './constants.js';
import { PduDecodeError } from './errors.js';

/** Largest PDU we accept by default: a submit_sm with a full 64 KiB message_payload fits. */
export const DEFAULT_MAX_PDU_LENGTH = 70_000;

export class FrameSplitter {
  private pending: Buffer | null = null;
  constructor(readonly maxPduLength = DEFAULT_MAX_PDU_LENGTH) {}

  /** Octets buffered towards an incomplete frame. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  /**
   * Feeds a chunk; calls `onFrame` for each whole frame (a view into the chunk where possible, so
   * consumers must copy what they keep past the call). Throws a fatal PduDecodeError on a bad length.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (len < HEADER_LENGTH || len > this.maxPduLength) {
        const seq = buf.length - off >= HEADER_LENGTH ? buf.readUInt32BE(off + 12) : 0;
        this.pending = null;
        throw new PduDecodeError(`command_length ${len} outside [${HEADER_LENGTH}, ${this.maxPduLength}]`, CommandStatus.ESME_RINVCMDLEN, seq, undefined, true);
      }
      if (buf.length - off < len) break;
      onFrame(buf.subarray(off, off + len));
      off += len;
    }
    if (off < buf.length) this.pending = Buffer.from(buf.subarray(off)); // copy: don't pin the whole chunk
  }
}

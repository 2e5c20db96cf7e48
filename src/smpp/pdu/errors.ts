import { CommandStatus } from './constants.js';

/**
 * Why a PDU could not be decoded. The session answers with generic_nack (or the request's resp)
 * carrying `commandStatus`; `fatal` errors (framing broken) cost the connection, nothing more.
 */
export class PduDecodeError extends Error {
  override readonly name = 'PduDecodeError';
  constructor(
    message: string,
    /** command_status to answer with (ESME_RINVCMDLEN, ESME_RINVCMDID, …). */
    readonly commandStatus: number = CommandStatus.ESME_RINVCMDLEN,
    /** sequence_number of the offending PDU when the header was readable, else 0. */
    readonly sequenceNumber = 0,
    /** command_id when the header was readable. */
    readonly commandId?: number,
    /** True when the byte stream cannot be resynchronised (bad command_length). */
    readonly fatal = false,
  ) {
    super(message);
  }
}

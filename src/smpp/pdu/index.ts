/** The pure SMPP 3.4 codec: PDUs, TLVs, text codings, UDH, receipts, framing, time strings. No I/O. */
export * from './constants.js';
export * from './types.js';
export * from './errors.js';
export * from './codec.js';
export * from './tlv.js';
export * from './text.js';
export * from './udh.js';
export * from './dlr.js';
export * from './frame.js';
export * from './segment.js';
export * from './smpp-time.js';

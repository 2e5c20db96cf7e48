/**
 * `message_status.registered_delivery` as both stores keep it: the SMPP registered_delivery value
 * (bits 1..0): 0 no receipt, 1 a receipt for every final status, 2 a receipt on failure only.
 */
import type { ReceiptRequest } from '../app/types.js';

export function receiptColumn(r: ReceiptRequest): 0 | 1 | 2 {
  return r === 'failure' ? 2 : r ? 1 : 0;
}

/** Also reads the PostgreSQL column's boolean from before migration 083. */
export function receiptFromColumn(v: number | boolean | null | undefined): ReceiptRequest {
  return v === 2 ? 'failure' : v === 1 || v === true;
}

/**
 * Egress: where accepted messages go upstream (the simulator SMSC, or carrier SMSCs over SMPP).
 * The delivery worker calls `submit`; the upstream reports receipts and MO through the callbacks
 * the worker registers with `onReceipt` / `onMo`.
 */
import type { OutboundMessage } from './store.js';

export type SubmitResult =
  | { ok: true; upstreamId: string }
  /** `retry`: transient (throttled, queue full, link down): try again later. */
  | { ok: false; retry: boolean; reason: string };

export interface DeliveryReceipt {
  upstreamId: string;
  /** SMPP message_state names: DELIVRD, UNDELIV, EXPIRED, REJECTD… */
  stat: string;
  err?: string;
  at: number;
}

export interface InboundMo {
  from: string;
  to: string;
  text: string;
}

export interface Egress {
  submit(msg: OutboundMessage): Promise<SubmitResult>;
  /**
   * Receipt handlers. An upstream that can acknowledge (SMPP deliver_sm_resp) does so only once every
   * handler's promise has resolved, and answers a temporary error (so the SMSC delivers it again)
   * when one rejects or takes too long: a receipt's status is recorded before the SMSC forgets it.
   */
  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<unknown>): void;
  /**
   * MO handlers. An upstream that can acknowledge (SMPP deliver_sm_resp) does so only once every
   * handler's promise has resolved, and answers a temporary error (so the SMSC delivers it again)
   * when one rejects or takes too long: an MO is recorded before the SMSC forgets it.
   */
  onMo(cb: (mo: InboundMo) => void | Promise<unknown>): void;
  close(): Promise<void>;
}

/**
 * The statuses of an MT message after acceptance. In the domain because the pure core builds on them
 * (the callback bodies in callback-payload.ts); src/app/types.ts re-exports the type for the doors.
 */

/**
 * Status of an MT message after acceptance, in the order they can happen. `rejected`: stopped in the
 * queue before it was sent, because what made it lawful to send had changed while it waited (the
 * number refused, the consent was withdrawn: src/app/send-time-check.ts); the status record names
 * the rule and article. `cancelled`: its sender cancelled it before it was sent (OutboxStore.cancel).
 */
export type MessageStatus = 'accepted' | 'submitted' | 'delivered' | 'undeliverable' | 'expired' | 'rejected_upstream' | 'failed' | 'rejected' | 'cancelled';

/** Charged messages (docs/REGULATION.md rule 8): a charge needs the number's confirmed subscription. */
import type { Stage } from '../types.js';

/**
 * A message naming a charged service (`Candidate.chargedServiceId`) passes only when the number holds a
 * live subscription of this sender to it, confirmed by the user's reply to smsguard's notice (service,
 * tariff, charging method, how to unsubscribe: src/app/charged-services.ts). The store reads that fact
 * in the decision's own transaction (`Facts.chargedSubscription`), so an opt-out or an unsubscription
 * is decided either wholly before or wholly after the message. Every other message skips.
 */
export const chargeConfirmed: Stage = {
  rule: 'charging.notice',
  codes: ['charge_not_confirmed'],
  run: ({ candidate, facts }) => {
    const serviceId = candidate.chargedServiceId;
    if (serviceId === undefined) return { outcome: 'skip' };
    if (facts.chargedSubscription) return { outcome: 'pass', note: facts.chargedSubscription };
    return {
      outcome: 'fail', code: 'charge_not_confirmed',
      message: `the number has not confirmed a subscription to charged service ${serviceId}: it must be told the service, tariff, charging method and how to unsubscribe, and reply Y (POST /v1/charged-services/${serviceId}/subscriptions)`,
    };
  },
};

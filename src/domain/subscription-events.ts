/**
 * The events a subscription record (kind `subscription`) is written with: its body's `event`, the
 * record's `type` column. One list for the store reading them back (consent-rows.ts) and the records
 * query checking a `type` filter (record-filter-values.ts).
 */
export const SUBSCRIPTION_EVENTS = [
  'consent_granted', 'consent_withdrawn', 'opt_out', 'dnd_added', 'consent_requested', 'consent_refused', 'consent_deemed_refused', 'opt_in',
  'consent_expired', 'consent_request_lapsed', 'consent_reply', 'relationship_ended',
  // a charged service's subscription (docs/CONSENT.md, "Charged services (rule 8)")
  'charged_subscription_started', 'charged_subscription_ended',
  // a number taken off the do-not-disturb list by an operator (DELETE /v1/dnd/{msisdn})
  'dnd_removed',
] as const;
export type SubscriptionEventKind = (typeof SUBSCRIPTION_EVENTS)[number];

-- An opt-out that ends a provider's relationship with a number now withdraws that number's live
-- consents from the provider (store/sqlite/consents.ts applyOptOut): the user's refusal supersedes what
-- they agreed before it, so once an operator lifts the opt-out only consents given after it count.
-- Before, those consents stayed live and governed again after a lift, while the subscriber view showed
-- the relationship ended by the opt-out. This applies the rule to opt-outs recorded earlier whose
-- relationship is still ended: the consents live at the end are withdrawn at its time (the opt-out's,
-- recorded as `opt_out` and `relationship_ended`; no record per consent can be added to the chained
-- months from here). A relationship reopened since by a consent recorded while the opt-out stood no
-- longer holds the opt-out's time: its earlier consents are left as they are (docs/CONSENT.md, limits).
UPDATE consents SET withdrawn_at = r.ended_at
  FROM subscription_relationships r
 WHERE r.content_provider_id = consents.content_provider_id AND r.msisdn = consents.msisdn
   AND r.end_reason = 'opt_out' AND r.ended_at IS NOT NULL
   AND consents.withdrawn_at IS NULL AND consents.granted_at <= r.ended_at AND consents.expires_at > r.ended_at;

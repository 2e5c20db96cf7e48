-- Same as the SQLite migration 098 (which says why): consents live when an opt-out ended the
-- relationship, and the relationship still ended, are withdrawn at the opt-out's time.
UPDATE consents c SET withdrawn_at = r.ended_at
  FROM subscription_relationships r
 WHERE r.content_provider_id = c.content_provider_id AND r.msisdn = c.msisdn
   AND r.end_reason = 'opt_out' AND r.ended_at IS NOT NULL
   AND c.withdrawn_at IS NULL AND c.granted_at <= r.ended_at AND c.expires_at > r.ended_at;

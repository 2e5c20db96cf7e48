-- The consent that governs a commercial message is now the live one granted last (the user's latest
-- agreement), not the one expiring last (docs/CONSENT.md, "Which consent governs"). consents_live
-- orders a number's consents of a category by grant time, then expiry, then id, so the decision walks
-- the index backwards and stops at the first live row: no sort per decision (ordering by grant time
-- on the old expiry-ordered index cost a temporary b-tree, ≈ 1.3 µs of a ≈ 4 µs statement). Same
-- columns, same size; still covering for the decision, and every other query that used it leads with
-- (content_provider_id, msisdn) as before. The rare look-up of the latest expired consent (the message
-- is refused anyway) sorts the few rows of its range.
DROP INDEX consents_live;
CREATE INDEX consents_live ON consents (content_provider_id, msisdn, category, granted_at, expires_at, id, withdrawn_at, freq_count, freq_per);

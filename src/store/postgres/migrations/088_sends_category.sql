-- Same rule as the SQLite migration 096: a commercial message's frequency counts every commercial send
-- of its category from its provider to its number in the period, whatever consent each went under
-- (counted per consent id, a consent recorded again started from zero). Each commercial send carries
-- its category; the count is one range of a partial index on commercial sends, which replaces the
-- per-consent one (nothing counts by consent id any more; consent_id stays on the row).
ALTER TABLE sends ADD COLUMN category text;
UPDATE sends s SET category = c.category FROM consents c WHERE c.id = s.consent_id AND s.consent_id IS NOT NULL;
CREATE INDEX sends_commercial_by_category ON sends (content_provider_id, msisdn, category, at) WHERE type = 'commercial';
DROP INDEX sends_by_consent;

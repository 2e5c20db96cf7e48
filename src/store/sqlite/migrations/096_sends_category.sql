-- A commercial message's frequency counts every commercial send of its category from its provider to
-- its number in the governing consent's period, whatever consent each went under (docs/CONSENT.md,
-- "Which consent governs"): counted per consent id, a consent recorded again (a later expiry, the
-- same terms) started from zero and the user's 1 a day became 1 a day per recording. Each commercial
-- send now carries its category, and sends_by_number orders by it before the time, so the count is one
-- index range (provider, number, 'commercial', category, at > period start) and never reads the table
-- or the consents. Verification sends carry NULL there (their count asks `category IS NULL`, still one
-- range). consent_id stays on the row (which consent a send went under) but leaves the index: nothing
-- counts by it any more.
ALTER TABLE sends ADD COLUMN category TEXT;
UPDATE sends SET category = (SELECT c.category FROM consents c WHERE c.id = sends.consent_id) WHERE consent_id IS NOT NULL;
DROP INDEX sends_by_number;
CREATE INDEX sends_by_number ON sends (content_provider_id, msisdn, type, category, at);

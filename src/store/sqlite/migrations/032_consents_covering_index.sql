-- The commercial decision reads a number's live consent on every message. A covering index answers
-- it without touching the consents table (which also holds the proof), and it serves every query
-- consents_lookup served (same leading columns), so it replaces it.
DROP INDEX consents_lookup;
CREATE INDEX consents_live ON consents (content_provider_id, msisdn, category, expires_at, withdrawn_at, id, granted_at, freq_count, freq_per);

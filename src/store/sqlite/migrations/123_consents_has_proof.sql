-- Whether a consent was recorded with proof, as a column the commercial decision reads from the
-- covering index consents_live: under a profile requiring proof (cn-2026) a consent recorded without
-- it (under cn-2015, before the operator switched) does not count (docs/CONSENT.md, "The proof
-- requirement"). The proof itself is JSON in the table row: reading it per decision would add a
-- table look-up to the one index read (commercial-facts.ts). Set on insert (consents.ts) and here
-- for the consents already stored: a proof is an object with at least one field ('{}' is none).
ALTER TABLE consents ADD COLUMN has_proof INTEGER NOT NULL DEFAULT 0;
UPDATE consents SET has_proof = 1 WHERE json_valid(proof) AND json_type(proof) = 'object' AND json(proof) <> '{}';
DROP INDEX consents_live;
CREATE INDEX consents_live ON consents (content_provider_id, msisdn, category, granted_at, expires_at, id, withdrawn_at, freq_count, freq_per, has_proof);

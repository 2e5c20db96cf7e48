-- A revoked signature's text may be registered again (to the same or another provider) by an admin:
-- the new registration is a new row, and the revoked one stays as it is, listed with when and why, so
-- a message its earlier holder queued before the revocation is still stopped at send time
-- (send-time-registry.ts reads the holder's own rows). The text is unique only among registrations
-- that stand (revoked_at IS NULL).
ALTER TABLE signatures DROP CONSTRAINT IF EXISTS signatures_signature_key;
CREATE UNIQUE INDEX IF NOT EXISTS signatures_standing ON signatures (signature) WHERE revoked_at IS NULL;
CREATE INDEX IF NOT EXISTS signatures_text ON signatures (signature);

-- A revoked signature's text may be registered again (to the same or another provider) by an admin:
-- the new registration is a new row, and the revoked one stays as it is, listed with when and why, so
-- a message its earlier holder queued before the revocation is still stopped at send time
-- (send-time-registry.ts reads the holder's own rows). The text is unique only among registrations
-- that stand (revoked_at IS NULL). SQLite cannot drop a column's UNIQUE, so the table is rebuilt;
-- no table references signatures.
CREATE TABLE signatures_new (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL REFERENCES content_providers(id),
  signature           TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at          INTEGER NOT NULL,
  revoked_at          INTEGER,
  revoked_reason      TEXT
);
INSERT INTO signatures_new (id, content_provider_id, signature, status, created_at, revoked_at, revoked_reason)
  SELECT id, content_provider_id, signature, status, created_at, revoked_at, revoked_reason FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_new RENAME TO signatures;
CREATE UNIQUE INDEX signatures_standing ON signatures (signature) WHERE revoked_at IS NULL;
CREATE INDEX signatures_text ON signatures (signature);
CREATE INDEX signatures_cp ON signatures (content_provider_id);

-- Kept Idempotency-Keys of the HTTP submit routes (README "Retrying safely"), as SQLite migration
-- 108: one row per content provider and key, written in the transaction that records the request's
-- decisions. The primary key is what makes two processes' requests with one key exclusive: the
-- second transaction's insert waits for the first's commit, then finds the key in use and rolls back
-- (idempotency.sql `keep`). Kept 24 hours (housekeeping prunes them by created_at).
CREATE TABLE idempotency_keys (
  content_provider_id text NOT NULL,
  idem_key text NOT NULL,
  request_hash text NOT NULL,
  created_at bigint NOT NULL,
  status smallint NOT NULL,
  body text NOT NULL,
  message_ids text[] NOT NULL,
  PRIMARY KEY (content_provider_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Kept Idempotency-Keys of the HTTP submit routes (README "Retrying safely"): one row per content
-- provider and key, written in the transaction that records the request's decisions, with the
-- request's hash (method, route, canonical body) and the answer given (status and JSON body as sent),
-- so a retry is answered again instead of decided again. Kept 24 hours (housekeeping prunes them by
-- created_at). message_ids: the recorded messages' ids, in order, as a JSON array.
CREATE TABLE idempotency_keys (
  content_provider_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  message_ids TEXT NOT NULL,
  PRIMARY KEY (content_provider_id, idem_key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Kept Idempotency-Keys (idempotency.ts, migration 099).

-- name: keep
-- In the decision's transaction. An expired row not yet pruned is replaced; a live one is left (no
-- row returned: the key is in use). A row another transaction inserted and has not committed makes
-- this wait for that commit (or rollback) first.
INSERT INTO idempotency_keys AS k (content_provider_id, idem_key, request_hash, created_at, status, body, message_ids)
VALUES ($1, $2, $3, $4, $5, $6, $7::text[])
ON CONFLICT (content_provider_id, idem_key) DO UPDATE SET request_hash = excluded.request_hash, created_at = excluded.created_at,
  status = excluded.status, body = excluded.body, message_ids = excluded.message_ids
WHERE k.created_at <= $8;

-- name: find
SELECT request_hash, created_at, status, body, message_ids FROM idempotency_keys WHERE content_provider_id = $1 AND idem_key = $2 AND created_at > $3;

-- name: prune
DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < $1 LIMIT $2);

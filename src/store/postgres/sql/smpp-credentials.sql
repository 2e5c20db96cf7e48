-- SMPP credentials (smpp-credentials.ts).

-- name: insert
INSERT INTO smpp_credentials (id, content_provider_id, system_id, password_hash, allowed_ips, max_binds, throughput, default_category, created_at, revoked_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: find
SELECT * FROM smpp_credentials WHERE system_id = $1 AND revoked_at IS NULL;

-- name: list
SELECT * FROM smpp_credentials WHERE content_provider_id = $1 ORDER BY created_at;

-- name: revoke
UPDATE smpp_credentials SET revoked_at = $3 WHERE content_provider_id = $1 AND system_id = $2 AND revoked_at IS NULL RETURNING *;

-- name: lastRevoked
SELECT * FROM smpp_credentials WHERE content_provider_id = $1 AND system_id = $2 ORDER BY revoked_at DESC, id DESC LIMIT 1;

-- name: liveIds
-- the credentials of an SMPP server's live binds, one query per check (primary key lookups)
SELECT id FROM smpp_credentials WHERE id = ANY($1::text[]) AND revoked_at IS NULL;

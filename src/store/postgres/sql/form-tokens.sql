-- The web forms' once-tokens (form-tokens.ts, migration 124). Times are wall-clock epoch ms.

-- name: claim
-- A new token, or one whose claim expired (claimed at or before $4), is taken; a live claim is left
-- as it is (no row returned). A claim another transaction inserted and has not committed makes this
-- wait for that commit (or rollback) first.
INSERT INTO form_tokens AS t (form, token, claimed_at, result) VALUES ($1, $2, $3, NULL)
ON CONFLICT (form, token) DO UPDATE SET claimed_at = excluded.claimed_at, result = NULL
WHERE t.claimed_at <= $4
RETURNING claimed_at;

-- name: find
SELECT result FROM form_tokens WHERE form = $1 AND token = $2 AND claimed_at > $3;

-- name: settle
UPDATE form_tokens SET result = $4 WHERE form = $1 AND token = $2 AND claimed_at = $3 AND result IS NULL;

-- name: release
DELETE FROM form_tokens WHERE form = $1 AND token = $2 AND claimed_at = $3 AND result IS NULL;

-- name: sweep
DELETE FROM form_tokens WHERE ctid IN (SELECT ctid FROM form_tokens WHERE claimed_at < $1 LIMIT $2);

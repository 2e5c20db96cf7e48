-- The web pages' sign-ins (web-sessions.ts, migration 126). Times are wall-clock epoch ms.

-- name: create
INSERT INTO web_sessions (id_hash, token_id, created_at, seen_at) VALUES ($1, $2, $3, $3);

-- name: find
SELECT token_id, created_at, seen_at FROM web_sessions WHERE id_hash = $1;

-- name: touch
UPDATE web_sessions SET seen_at = $2 WHERE id_hash = $1 AND seen_at < $2;

-- name: delete
DELETE FROM web_sessions WHERE id_hash = $1;

-- name: purge
-- A batch at a time (its ctids), so a purge of many holds no lock on the table for long; the rows it
-- deleted are returned (a row deleted meanwhile by another process is not), so each end is recorded once.
DELETE FROM web_sessions WHERE ctid IN (SELECT ctid FROM web_sessions WHERE seen_at < $1 OR created_at < $2 LIMIT $3)
  RETURNING id_hash, token_id, created_at, seen_at;

-- HTTP callbacks of content providers (callbacks.ts, migration 095). Times are epoch ms.

-- name: get
SELECT * FROM callback_settings WHERE content_provider_id = $1;

-- name: put
INSERT INTO callback_settings (content_provider_id, status_url, mo_url, secret, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (content_provider_id) DO UPDATE
   SET status_url = excluded.status_url, mo_url = excluded.mo_url, secret = excluded.secret, updated_at = excluded.updated_at;

-- name: list
SELECT * FROM callback_settings WHERE status_url IS NOT NULL OR mo_url IS NOT NULL ORDER BY content_provider_id;

-- name: insert
-- Every process of a scale-out hears each event: the first insert wins, the others are no-ops.
INSERT INTO callback_queue (event_id, content_provider_id, kind, body, created_at, due_at)
SELECT e, c, k, b, t, t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS x(e, c, k, b, t)
ON CONFLICT (event_id) DO NOTHING;

-- name: claim
-- SKIP LOCKED: a process claiming at the same instant takes the next rows instead of waiting for
-- these; the lease then keeps them this owner's until it runs out.
UPDATE callback_queue q SET owner = $1, lease_until = $2
  FROM (SELECT event_id FROM callback_queue
         WHERE failed_at IS NULL AND due_at <= $3 AND lease_until <= $3
         ORDER BY due_at, event_id LIMIT $4 FOR UPDATE SKIP LOCKED) AS f
 WHERE q.event_id = f.event_id
RETURNING q.event_id, q.content_provider_id, q.kind, q.body, q.created_at, q.due_at, q.attempts;

-- name: done
DELETE FROM callback_queue WHERE event_id = $1 AND owner = $2 AND failed_at IS NULL;

-- name: retry
UPDATE callback_queue SET owner = NULL, lease_until = 0, due_at = $3, attempts = $4, last_error = $5
 WHERE event_id = $1 AND owner = $2 AND failed_at IS NULL;

-- name: giveUp
UPDATE callback_queue SET owner = NULL, lease_until = 0, failed_at = $3, attempts = $4, last_error = $5
 WHERE event_id = $1 AND owner = $2 AND failed_at IS NULL;

-- name: failed
SELECT event_id, content_provider_id, kind, body, created_at, due_at, attempts, failed_at, last_error FROM callback_queue
 WHERE failed_at IS NOT NULL AND ($1::text IS NULL OR content_provider_id = $1)
   AND ($3::bigint IS NULL OR (failed_at, event_id) > ($3::bigint, $4::text))
 ORDER BY failed_at, event_id LIMIT $2;

-- name: requeue
-- Given-up rows sent again: due now with a fresh 24 h (created_at, the give-up counts from it);
-- $3 NULL: all of the provider's, else only those named.
UPDATE callback_queue SET owner = NULL, lease_until = 0, due_at = $2, created_at = $2, attempts = 0, failed_at = NULL, last_error = NULL
 WHERE failed_at IS NOT NULL AND content_provider_id = $1 AND ($3::text[] IS NULL OR event_id = ANY($3::text[]));

-- name: prune
DELETE FROM callback_queue q
 USING (SELECT event_id FROM callback_queue WHERE failed_at IS NOT NULL AND failed_at < $1 ORDER BY failed_at LIMIT $2 FOR UPDATE SKIP LOCKED) AS f
 WHERE q.event_id = f.event_id;

-- name: pending
SELECT count(*)::int AS n FROM callback_queue WHERE failed_at IS NULL AND ($1::text IS NULL OR content_provider_id = $1);

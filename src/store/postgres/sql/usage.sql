-- Usage counters (usage.ts, migration 097). The transactions that decide and move statuses fold
-- their upsert into statements they already send (messages.sql `writes`, outbox.sql `setStatuses`
-- and `cancel`); `add` is the upsert on its own, for an operator's review of a held message (rare).

-- name: add
-- One row per distinct (provider, day, key), sorted (usage-tally.ts): locks taken in one order.
INSERT INTO usage_counts AS c (content_provider_id, day, key, n)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
ON CONFLICT (content_provider_id, day, key) DO UPDATE SET n = c.n + excluded.n;

-- name: readAll
-- Byte order (COLLATE "C"), as SQLite sorts: the same rows in the same order from both stores.
SELECT content_provider_id, day, key, n FROM usage_counts WHERE day >= $1 AND day <= $2 ORDER BY content_provider_id COLLATE "C", day, key COLLATE "C";

-- name: readSome
SELECT content_provider_id, day, key, n FROM usage_counts
 WHERE content_provider_id = ANY($1::text[]) AND day >= $2 AND day <= $3 ORDER BY content_provider_id COLLATE "C", day, key COLLATE "C";

-- name: prune
DELETE FROM usage_counts WHERE ctid IN (SELECT ctid FROM usage_counts WHERE day < $1 LIMIT $2);

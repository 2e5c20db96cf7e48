-- Usage counters (usage.ts, migrations 097 and 102). The transactions that decide and move statuses
-- fold their upsert into statements they already send (messages.sql `writes`, outbox.sql
-- `setStatuses` and `cancel`); `add` is the upsert on its own, for an operator's review of a held
-- message (rare). Every upsert goes to its connection's shard (pg_backend_pid()): a backend runs one
-- transaction at a time, so no transaction waits for another on a counter row. Reads sum the shards.

-- name: add
-- One row per distinct (provider, day, key), sorted (usage-tally.ts).
INSERT INTO usage_counts AS c (content_provider_id, day, key, shard, n)
SELECT cp, d, k, pg_backend_pid(), n FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS x(cp, d, k, n)
ON CONFLICT (content_provider_id, day, key, shard) DO UPDATE SET n = c.n + excluded.n;

-- name: readAll
-- Byte order (COLLATE "C"), as SQLite sorts: the same rows in the same order from both stores.
SELECT content_provider_id, day, key, sum(n)::bigint AS n FROM usage_counts WHERE day >= $1 AND day <= $2
 GROUP BY content_provider_id, day, key ORDER BY content_provider_id COLLATE "C", day, key COLLATE "C";

-- name: readSome
SELECT content_provider_id, day, key, sum(n)::bigint AS n FROM usage_counts
 WHERE content_provider_id = ANY($1::text[]) AND day >= $2 AND day <= $3
 GROUP BY content_provider_id, day, key ORDER BY content_provider_id COLLATE "C", day, key COLLATE "C";

-- name: fold
-- Housekeeping: the shards of days before $1 (no transaction adds to them any more but a late status)
-- summed into shard 0, up to $2 (provider, day, key) at a time, in one statement: the figures read
-- the same before and after, and a day keeps one row per key instead of one per connection that
-- wrote it (a pool's connections come and go, each with a backend of its own). The rows are locked
-- in the order the transactions upsert theirs (usage-tally.ts: provider, day, key, byte order), so a
-- late status adding to two of them meanwhile cannot deadlock with this.
WITH pick AS (
  SELECT DISTINCT content_provider_id, day, key FROM usage_counts WHERE day < $1 AND shard <> 0 LIMIT $2
), locked AS (
  SELECT u.content_provider_id, u.day, u.key, u.shard FROM usage_counts u
    JOIN pick p ON u.content_provider_id = p.content_provider_id AND u.day = p.day AND u.key = p.key
   WHERE u.shard <> 0
   ORDER BY u.content_provider_id COLLATE "C", u.day COLLATE "C", u.key COLLATE "C", u.shard
     FOR UPDATE OF u
), gone AS (
  DELETE FROM usage_counts u USING locked l
   WHERE u.content_provider_id = l.content_provider_id AND u.day = l.day AND u.key = l.key AND u.shard = l.shard
  RETURNING u.content_provider_id, u.day, u.key, u.n
)
INSERT INTO usage_counts AS c (content_provider_id, day, key, shard, n)
SELECT content_provider_id, day, key, 0, sum(n) FROM gone GROUP BY content_provider_id, day, key
ON CONFLICT (content_provider_id, day, key, shard) DO UPDATE SET n = c.n + excluded.n;

-- name: prune
DELETE FROM usage_counts WHERE ctid IN (SELECT ctid FROM usage_counts WHERE day < $1 LIMIT $2);

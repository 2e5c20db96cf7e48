-- Usage counters (usage.ts, migrations 097 and 102). The transactions that decide and move statuses
-- fold their upsert into statements they already send (messages.sql `writes`, outbox.sql
-- `setStatuses` and `cancel`); `add` is the upsert on its own, for an operator's review of a held
-- message (rare). Every upsert goes to its connection's shard (pg_backend_pid()): a backend runs one
-- transaction at a time, so no transaction waits for another on a counter row. Reads sum the shards.
-- The OS reuses pids: a new backend whose pid is that of one gone adds to the old backend's row of
-- a counter. Harmless: a shard is a partial sum, not an identity (the read and the folds only ever
-- add shards up), and two live backends never share a pid, so a row still has one writer at a time
-- (the old backend's transactions are over: nothing of theirs holds the row).

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

-- name: foldGone
-- Housekeeping: today's and yesterday's shards (days from $1 on, still written to) of backends that
-- are gone, summed into shard 0, up to $2 (provider, day, key) at a time, in one statement. Under
-- connection churn (a pool's idle connections closing after 5 minutes, restarts, many processes) a
-- counter of the day otherwise gains a row per backend that ever added to it, and every read sums
-- them all. Live backends' shards are left alone: their writers keep upserting them without waiting
-- on this statement (and this statement does not wait on their open transactions).
-- "Gone": its pid is not a backend of this database now (pg_stat_activity, read once per statement).
-- That test need not be exact for the figures to stay so; it only keeps the fold off busy rows:
-- - a pid reused by a new backend after the test (or one that connected after it was read) may be
--   adding to a row this folds. The rows are locked (FOR UPDATE, in the writers' order, as `fold`)
--   before they are deleted: an upsert that got there first is waited for and its committed figure
--   is the one deleted and summed (READ COMMITTED re-reads the newest version of a locked row); one
--   that comes after waits for this statement and then, finding the row gone, inserts a new shard
--   row. Either way each addition is counted once, in shard 0 or in the new row.
-- - a backend dying mid-transaction: its transaction is rolled back (PostgreSQL aborts it and
--   releases its locks before the backend leaves pg_stat_activity; a crash restarts the server and
--   recovery discards it), so only its committed figures are in its rows; should this statement
--   meet one of its locks, it waits for the rollback and sums the committed figure.
-- - this statement failing or its backend dying: nothing of it commits, the shards stay as they were.
WITH live AS (
  SELECT pid FROM pg_stat_activity WHERE datname = current_database()
), pick AS (
  SELECT DISTINCT u.content_provider_id, u.day, u.key FROM usage_counts u
   WHERE u.day >= $1 AND u.shard <> 0 AND NOT EXISTS (SELECT 1 FROM live WHERE live.pid = u.shard) LIMIT $2
), locked AS (
  SELECT u.content_provider_id, u.day, u.key, u.shard FROM usage_counts u
    JOIN pick p ON u.content_provider_id = p.content_provider_id AND u.day = p.day AND u.key = p.key
   WHERE u.shard <> 0 AND NOT EXISTS (SELECT 1 FROM live WHERE live.pid = u.shard)
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

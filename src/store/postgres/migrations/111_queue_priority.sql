-- smsguard: no-transaction
-- Delivery lanes (src/domain/priority.ts): a queued message's priority, from its type, set by the
-- insert that queues it. Claims and the relay take due messages lane by lane (0 first), each lane
-- first due, first out, so a verification code is not sent after a commercial backlog queued before
-- it. Rows queued before this migration: a commercial one is known by its category (migration 092),
-- the others go in the middle lane (their type is in the records, not here).
-- Applied while the gateways of the earlier version keep queueing (a rolling upgrade): outside a
-- transaction, one statement at a time (db.ts, migrateLive), so that `message_status` is never held
-- from the ALTER to the end; each statement safe to run again should a later one fail.
-- Metadata only (a constant default): the table is not rewritten.
ALTER TABLE message_status ADD COLUMN IF NOT EXISTS priority smallint NOT NULL DEFAULT 1;
-- One statement per status, each through its partial index (the due one, migration 001; the held
-- one, 106): an IN list would read every status row ever kept.
UPDATE message_status SET priority = 2 WHERE status = 'accepted' AND category IS NOT NULL AND priority <> 2;
UPDATE message_status SET priority = 2 WHERE status = 'held' AND category IS NOT NULL AND priority <> 2;
-- One range per lane (priority = p AND due_at <= now, in (due_at, enqueued_seq) order): each lane's
-- branch of the claim reads its due rows in order and stops, never sorting the queue nor walking
-- rows scheduled for later. Replaces the due index. Built CONCURRENTLY: it reads every status row
-- kept, and a plain CREATE INDEX would stop every write to the queue for that long. A build that
-- failed part-way leaves an invalid index of that name, which IF NOT EXISTS would keep: dropped first.
DROP INDEX CONCURRENTLY IF EXISTS message_status_lane;
CREATE INDEX CONCURRENTLY message_status_lane ON message_status (priority, due_at, enqueued_seq) WHERE status = 'accepted';
DROP INDEX CONCURRENTLY IF EXISTS message_status_due;

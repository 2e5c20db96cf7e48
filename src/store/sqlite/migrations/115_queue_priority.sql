-- Delivery lanes (src/domain/priority.ts): a queued message's priority, from its type, set by the
-- insert that queues it. The claim takes due messages lane by lane (0 first), each lane first due,
-- first out, so a verification code is not sent after a commercial backlog queued before it.
-- Rows queued before this migration: a commercial one is known by its category (migration 101),
-- the others go in the middle lane (their type is in the records, not here).
ALTER TABLE message_status ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
-- One statement per status, each through its partial index (the due one, migration 001; the held
-- one, 112): an IN list would read every status row ever kept.
UPDATE message_status SET priority = 2 WHERE status = 'accepted' AND category IS NOT NULL;
UPDATE message_status SET priority = 2 WHERE status = 'held' AND category IS NOT NULL;
-- One range per lane (priority = ? AND due_at <= ?): the claim reads each lane's due rows in order
-- and stops, never sorting the queue nor walking rows scheduled for later. Replaces the due index.
DROP INDEX message_status_due;
CREATE INDEX message_status_lane ON message_status (priority, due_at) WHERE status = 'accepted';

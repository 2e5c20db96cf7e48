-- smsguard: no-transaction
-- Two columns, one migration (the one number this change was given).
-- Applied while the gateways of the earlier version keep queueing (a rolling upgrade), as 111 is:
-- outside a transaction, one statement at a time (db.ts, migrateLive). In one transaction the first
-- ALTER waited for its lock with no limit, every queue write queued behind it, and then held
-- `message_status` exclusively until the second had its lock on `consents`. Each statement is safe
-- to run again should the other fail.

-- Same as the SQLite migration 125: where a queued commercial message's frequency count stands once
-- the send-time check has carried it to a later period (ConsentStore.carryFrequencyCount); NULL until
-- the first carry. Without it a message carried once and held over another period boundary found its
-- count gone from where it was taken ('absent') and went out uncounted in the third period.
-- Nullable without a default: adding it rewrites nothing.
ALTER TABLE message_status ADD COLUMN IF NOT EXISTS counted_at bigint;

-- Same as the SQLite migration 125: whether a consent was withdrawn at the user's request (DELETE
-- /v1/consents/{id} with proof); such a withdrawal blocks a new request for its category
-- (consent.no-repeat). A constant default: adding it rewrites nothing (PostgreSQL 11+).
ALTER TABLE consents ADD COLUMN IF NOT EXISTS withdrawn_by_user boolean NOT NULL DEFAULT false;

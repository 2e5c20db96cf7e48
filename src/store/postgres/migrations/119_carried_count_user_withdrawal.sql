-- Two columns, one migration (the one number this change was given).

-- Same as the SQLite migration 125: where a queued commercial message's frequency count stands once
-- the send-time check has carried it to a later period (ConsentStore.carryFrequencyCount); NULL until
-- the first carry. Without it a message carried once and held over another period boundary found its
-- count gone from where it was taken ('absent') and went out uncounted in the third period.
-- Nullable without a default: adding it rewrites nothing.
ALTER TABLE message_status ADD COLUMN counted_at bigint;

-- Same as the SQLite migration 125: whether a consent was withdrawn at the user's request (DELETE
-- /v1/consents/{id} with proof); such a withdrawal blocks a new request for its category
-- (consent.no-repeat). A constant default: adding it rewrites nothing (PostgreSQL 11+).
ALTER TABLE consents ADD COLUMN withdrawn_by_user boolean NOT NULL DEFAULT false;

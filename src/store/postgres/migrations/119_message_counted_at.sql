-- Same as the SQLite migration 125: where a queued commercial message's frequency count stands once
-- the send-time check has carried it to a later period (ConsentStore.carryFrequencyCount); NULL until
-- the first carry. Without it a message carried once and held over another period boundary found its
-- count gone from where it was taken ('absent') and went out uncounted in the third period.
-- Nullable without a default: adding it rewrites nothing.
ALTER TABLE message_status ADD COLUMN counted_at bigint;

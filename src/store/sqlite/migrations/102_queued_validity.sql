-- A queued message's validity (its sender's SMPP validity_period or HTTP validUntil, epoch ms): not
-- sent after it (status `expired`, src/app/send-time-check.ts), and the carrier is given it too.
-- NULL: no limit (every message queued before this migration).
ALTER TABLE message_status ADD COLUMN valid_until INTEGER;

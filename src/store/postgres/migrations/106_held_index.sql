-- The review queue (docs/CONTENT.md): held messages are listed oldest first, and a sweep looks for
-- those whose hold is over (their validity, else the maximum hold) every few seconds. Without an
-- index both read every status row; held ones are few.
CREATE INDEX IF NOT EXISTS message_status_held ON message_status (submitted_at, id) WHERE status = 'held';

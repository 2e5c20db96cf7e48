-- Same as the SQLite migration 101: a queued commercial message's category, so that what may change
-- while it waits (the number's opt-out, the consent withdrawn or expired, the sending hours) is
-- judged again before it is sent (src/app/send-time-check.ts). NULL for every other type, and for
-- messages queued before this migration (they are sent as decided; the records hold their type and
-- category). Nullable without a default: adding it rewrites nothing.
ALTER TABLE message_status ADD COLUMN category text;

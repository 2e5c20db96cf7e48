-- smsguard: no-transaction
-- The smsguard vendor TLVs an acknowledged earlier part of a long message gave (0x1400, 0x1401,
-- 0x1403): a set's attributes are the set's, whichever part gave them (SQLite migration 131 says why).
-- NULL: the part gave none (and every part kept before this migration). Applied while gateways of
-- the earlier version keep parts (every long message's earlier parts are written here as they come):
-- outside a transaction, each statement waiting for its lock a second at a time (db.ts, migrateLive),
-- safe to run again. Metadata only (no default): the table is not rewritten.
ALTER TABLE provider_parts ADD COLUMN IF NOT EXISTS message_type text;
ALTER TABLE provider_parts ADD COLUMN IF NOT EXISTS category text;
ALTER TABLE provider_parts ADD COLUMN IF NOT EXISTS charged_service_id text;

-- A queued (or held) message's clientRef, the sender's own reference: its status events carry it
-- (AppEvents messageStatus, heldRejected), so the HTTP status callback that repeats it needs no read
-- of the submission record per status (src/app/callback-worker.ts). '' when the sender gave none;
-- NULL only in rows queued before this migration, for which the callback worker still reads the
-- record. As SQLite migration 105.
ALTER TABLE message_status ADD COLUMN client_ref text;

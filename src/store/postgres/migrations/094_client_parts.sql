-- The ids the SMPP server handed a content provider for the earlier parts of a long message it sent
-- in parts, each to the message it became, so query_sm and cancel_sm may name the message by any
-- part's id (src/store/sqlite/migrations/103_client_parts.sql says why). Written with the decision,
-- in its transaction, only for a submission that has such ids; a row goes once its message's status
-- row has gone (prune), or past the same cut for a refused message.
CREATE TABLE client_parts (
  content_provider_id text NOT NULL,
  part_id text NOT NULL,
  message_id text NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (content_provider_id, part_id)
);
CREATE INDEX client_parts_at ON client_parts (at);

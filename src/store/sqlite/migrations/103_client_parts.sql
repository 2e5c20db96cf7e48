-- The ids the SMPP server handed a content provider for the earlier parts of a long message it sent
-- in parts (SubmissionItem.clientPartIds), each to the message it became. They were kept only in the
-- message's record body, which nothing can search by part id: query_sm and cancel_sm by an earlier
-- part's id answered ESME_RQUERYFAIL / ESME_RCANCELFAIL, where a real ESME (Kannel, Net::SMPP) may
-- name the message by any part's id. Written with the decision, in its transaction, only for a
-- submission that has such ids; keyed by provider (a part id is only unique per provider's sender,
-- and another provider's part id must name nothing). A row goes once its message's status row has
-- gone (prune), or past the same cut for a refused message (which never had one). Messages decided
-- before this migration are not found by their part ids.
CREATE TABLE client_parts (
  content_provider_id TEXT NOT NULL,
  part_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (content_provider_id, part_id)
) WITHOUT ROWID;
CREATE INDEX client_parts_at ON client_parts (at);

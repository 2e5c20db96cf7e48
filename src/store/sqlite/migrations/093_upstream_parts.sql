-- The SMSC's id of each part of a long message, filed with its `submitted` status, and each part's
-- receipt as it comes. Before, the parts' ids and the receipts of earlier parts lived only in the
-- SMPP client's memory: after a restart a later part's receipt matched nothing and the message stayed
-- `submitted`. Now a part's receipt is acknowledged to the SMSC once it is recorded here, and the
-- message's status moves when every part has one. Rows go with the message's status rows (prune).
CREATE TABLE upstream_parts (
  upstream_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  status TEXT,
  detail TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (upstream_id, message_id)
) WITHOUT ROWID;
CREATE INDEX upstream_parts_message ON upstream_parts (message_id, part);
CREATE INDEX upstream_parts_at ON upstream_parts (at);

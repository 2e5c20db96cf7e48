-- The SMSC's id of each part of a long message, filed with its `submitted` status, and each part's
-- receipt as it comes (src/store/sqlite/migrations/093_upstream_parts.sql says why). Any process's
-- delivery worker may take a part's receipt; the message's status row is locked before the parts are
-- counted, so the last part's receipt sees every other one.
CREATE TABLE upstream_parts (
  upstream_id text NOT NULL,
  message_id text NOT NULL,
  part integer NOT NULL,
  parts integer NOT NULL,
  status text,
  detail text,
  at bigint NOT NULL,
  PRIMARY KEY (upstream_id, message_id)
);
CREATE INDEX upstream_parts_message ON upstream_parts (message_id, part);
CREATE INDEX upstream_parts_at ON upstream_parts (at);

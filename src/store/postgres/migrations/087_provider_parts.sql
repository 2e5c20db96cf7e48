-- The parts of a content provider's long message acknowledged before the set was whole (SQLite
-- migration 095 says why).
CREATE TABLE provider_parts (
  set_key text NOT NULL,
  seq integer NOT NULL,
  total integer NOT NULL,
  octets bytea NOT NULL,
  data_coding integer NOT NULL,
  part_id text NOT NULL,
  registered_delivery integer NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (set_key, seq)
);

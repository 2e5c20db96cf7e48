-- The parts of a long MO kept until every part of the set is here (SQLite migration 094 says why).
CREATE TABLE mo_parts (
  set_key text NOT NULL,
  seq integer NOT NULL,
  total integer NOT NULL,
  text_json text NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (set_key, seq)
);
CREATE INDEX mo_parts_at ON mo_parts (at);

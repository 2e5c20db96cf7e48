-- Inspection filters without parsing JSON (issue 6's record columns, as in SQLite): sending port (MT)
-- or port reached (MO), message type / subscription event / audit action, decision, and the rule of
-- a rejection. Added on the partitioned parent, so every month partition gets them.
ALTER TABLE records ADD COLUMN port text, ADD COLUMN type text, ADD COLUMN decision text, ADD COLUMN rule text;
CREATE INDEX records_port ON records (port, seq) WHERE port IS NOT NULL;
CREATE INDEX records_rule ON records (rule, seq) WHERE rule IS NOT NULL;
CREATE INDEX records_kind ON records (kind, seq);

-- Ordered rule lists that decided messages; MT records refer to them by id (src/store/verdict-codec.ts).
CREATE TABLE pipelines (
  id    text PRIMARY KEY,
  rules jsonb NOT NULL
);

-- The last seq of each month written by a transaction whose main-file commit happened. Records commit
-- to their month file just before the main file (src/store/sqlite/records-writer.ts, "Commit order"),
-- so a crash or a failed main commit in between leaves records above this mark: the writer finds them
-- (holding the main write lock) and appends an audit record saying they took no effect.
-- -1: a month written before this column (its history is not known; set at its next write).
ALTER TABLE records_months ADD COLUMN committed_seq INTEGER;
UPDATE records_months SET committed_seq = -1;

-- The seq ranges found above a mark (what the audit records say), so that a message whose submission
-- record is among them reads as never accepted (GET /v1/messages/{id} answers 404), as its sender was told.
CREATE TABLE records_uncommitted (
  month    TEXT NOT NULL,
  from_seq INTEGER NOT NULL,
  to_seq   INTEGER NOT NULL,
  PRIMARY KEY (month, from_seq)
) WITHOUT ROWID;

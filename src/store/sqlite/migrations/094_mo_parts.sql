-- The parts of a long MO kept until every part of the set is here. Before, the SMPP client kept them
-- in its memory and acknowledged each earlier part to the SMSC at once: a restart between the parts
-- lost those the SMSC had already forgotten. Now each part is acknowledged once it is kept here, and
-- the set is dropped once its MO is recorded. Each part's text is decoded at the door and kept as a
-- JSON string: a surrogate pair split between two UCS-2 parts survives (UTF-8 text would not keep
-- the lone halves).
CREATE TABLE mo_parts (
  set_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  total INTEGER NOT NULL,
  text_json TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (set_key, seq)
) WITHOUT ROWID;
CREATE INDEX mo_parts_at ON mo_parts (at);

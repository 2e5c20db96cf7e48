-- The parts of a content provider's long message that the SMPP server acknowledged before the set was
-- whole (it must: an ESME whose window is smaller than the set would stall otherwise). They lived only
-- in the server's memory: a restart between the parts lost the earlier ones, though their sender had
-- its ESME_ROK. Now each earlier part is kept here before it is acknowledged, the server reopens the
-- sets at start, and a set is dropped once decided, refused or expired. Octets as received: the text
-- is decoded only when the set is whole (a character may span two parts).
CREATE TABLE provider_parts (
  set_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  total INTEGER NOT NULL,
  octets BLOB NOT NULL,
  data_coding INTEGER NOT NULL,
  part_id TEXT NOT NULL,
  registered_delivery INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (set_key, seq)
) WITHOUT ROWID;

-- Which gateway process has a receiver/transceiver bind of which content provider, until when
-- (src/ports/smpp-deliveries.ts announceReceivers): with receipts fanned out to every process, the
-- processes without the bind leave them to the one that has it instead of keeping a second copy.
CREATE TABLE smpp_receivers (
  owner TEXT NOT NULL,
  content_provider_id TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (owner, content_provider_id)
) WITHOUT ROWID;

-- Which gateway process has a receiver/transceiver bind of which content provider, until when
-- (src/ports/smpp-deliveries.ts announceReceivers; same number as the SQLite migration): with
-- receipts fanned out over NATS to every ingress process, the processes without the bind leave them
-- to the one that has it instead of keeping a second copy.
CREATE TABLE smpp_receivers (
  owner               text NOT NULL,
  content_provider_id text NOT NULL,
  until               bigint NOT NULL,
  PRIMARY KEY (owner, content_provider_id)
);

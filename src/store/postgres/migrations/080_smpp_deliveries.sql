-- deliver_sm waiting for a content provider's ESME (receipts, MO) while it has no receiver bind or did
-- not take them (src/ports/smpp-deliveries.ts; same number as the SQLite migration). Rows are leased
-- to one gateway process at a time (owner, lease_until) and leave when delivered or expired.
CREATE TABLE smpp_deliveries (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- insertion order = delivery order
  content_provider_id text NOT NULL,
  kind                text NOT NULL,      -- receipt | mo
  key                 text NOT NULL,      -- identity within the provider (dedupe)
  pdu                 bytea NOT NULL,     -- the encoded deliver_sm
  msisdn              text NOT NULL,
  created_at          bigint NOT NULL,
  due_at              bigint NOT NULL,
  attempts            integer NOT NULL DEFAULT 0,
  owner               text,
  lease_until         bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX smpp_deliveries_key ON smpp_deliveries (content_provider_id, key);
CREATE INDEX smpp_deliveries_cp ON smpp_deliveries (content_provider_id, id);
CREATE INDEX smpp_deliveries_created ON smpp_deliveries (created_at);

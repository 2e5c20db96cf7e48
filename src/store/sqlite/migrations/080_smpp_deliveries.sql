-- deliver_sm waiting for a content provider's ESME (receipts, MO) while it has no receiver bind or did
-- not take them (src/ports/smpp-deliveries.ts). Small and short-lived: rows leave when delivered or
-- expire after the configured age.
CREATE TABLE smpp_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- insertion order = delivery order
  content_provider_id TEXT NOT NULL,
  kind TEXT NOT NULL,                    -- receipt | mo
  key TEXT NOT NULL,                     -- identity within the provider (dedupe)
  pdu BLOB NOT NULL,                     -- the encoded deliver_sm
  msisdn TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  owner TEXT,                            -- lease holder (gateway process)
  lease_until INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX smpp_deliveries_key ON smpp_deliveries (content_provider_id, key);
CREATE INDEX smpp_deliveries_cp ON smpp_deliveries (content_provider_id, id);
CREATE INDEX smpp_deliveries_created ON smpp_deliveries (created_at);

-- Per-provider digest chains over each month's hash chain (the SQLite twin is its migration 114;
-- src/domain/provider-chain.ts, docs/RECORDS.md "Completeness of one provider's export"): what lets the recipient of one provider's
-- export check that nothing of the provider's was left out. Advanced off the message path whenever
-- heads are signed, reading only the month's linked records after `covered_seq`; nothing is written per record.
-- One row per month and provider: its digest after `count` records, the last at `last_seq`.
CREATE TABLE IF NOT EXISTS records_provider_digests (
  month               text    NOT NULL,
  content_provider_id text    NOT NULL,
  last_seq            bigint NOT NULL,
  count               bigint NOT NULL,
  digest              bytea    NOT NULL,
  PRIMARY KEY (month, content_provider_id)
);

-- How far each month's records were folded into the digests above (records of no provider included).
CREATE TABLE IF NOT EXISTS records_provider_cursor (
  month       text PRIMARY KEY,
  covered_seq bigint NOT NULL
);

-- Signed provider heads, as GET /v1/records/heads?contentProviderId= publishes them and exports carry
-- them. Kept after their month is purged, as chain heads are.
CREATE TABLE IF NOT EXISTS records_provider_heads (
  month               text    NOT NULL,
  content_provider_id text    NOT NULL,
  last_seq            bigint NOT NULL,
  count               bigint NOT NULL,
  digest              text    NOT NULL,
  signed_at           bigint NOT NULL,
  key_id              text    NOT NULL,
  public_key          text    NOT NULL,
  signature           text    NOT NULL,
  PRIMARY KEY (content_provider_id, month, signed_at, last_seq)
);

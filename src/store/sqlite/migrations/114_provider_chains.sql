-- Per-provider digest chains over each month's hash chain (src/domain/provider-chain.ts,
-- docs/RECORDS.md "Completeness of one provider's export"): what lets the recipient of one provider's
-- export check that nothing of the provider's was left out. Advanced off the message path whenever
-- heads are signed, reading only the month's records after `covered_seq`; nothing is written per record.
-- One row per month and provider: its digest after `count` records, the last at `last_seq`.
CREATE TABLE records_provider_digests (
  month               TEXT    NOT NULL,
  content_provider_id TEXT    NOT NULL,
  last_seq            INTEGER NOT NULL,
  count               INTEGER NOT NULL,
  digest              BLOB    NOT NULL,
  PRIMARY KEY (month, content_provider_id)
) WITHOUT ROWID;

-- How far each month's records were folded into the digests above (records of no provider included).
CREATE TABLE records_provider_cursor (
  month       TEXT PRIMARY KEY,
  covered_seq INTEGER NOT NULL
);

-- Signed provider heads, as GET /v1/records/heads?contentProviderId= publishes them and exports carry
-- them. Kept after their month is purged, as chain heads are.
CREATE TABLE records_provider_heads (
  month               TEXT    NOT NULL,
  content_provider_id TEXT    NOT NULL,
  last_seq            INTEGER NOT NULL,
  count               INTEGER NOT NULL,
  digest              TEXT    NOT NULL,
  signed_at           INTEGER NOT NULL,
  key_id              TEXT    NOT NULL,
  public_key          TEXT    NOT NULL,
  signature           TEXT    NOT NULL,
  PRIMARY KEY (content_provider_id, month, signed_at, last_seq)
);

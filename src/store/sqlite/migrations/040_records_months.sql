-- Statutory records laid out by month (issue 6). The single `records` table becomes one table per
-- Asia/Shanghai calendar month, `records_YYYY_MM`, created by src/store/sqlite/records-writer.ts on
-- first use, so that purging a month past retention is a DROP TABLE, not millions of DELETEs, and every
-- month is its own hash chain. Rows of the old table are moved (and chained) by the writer on open;
-- `records` becomes a read-only view over every month for ad-hoc inspection with the sqlite3 shell.
DROP TRIGGER IF EXISTS records_no_update;
DROP INDEX IF EXISTS records_msisdn;
DROP INDEX IF EXISTS records_cp;
DROP INDEX IF EXISTS records_ref;
DROP INDEX IF EXISTS records_at;
ALTER TABLE records RENAME TO records_legacy;

-- One row per month table ever created. at_monotonic = 0 once a record arrived with an earlier `at`
-- than the month's last one (a clock step back): time filters then cannot bound the seq range.
CREATE TABLE records_months (
  month        TEXT PRIMARY KEY,
  created_at   INTEGER NOT NULL,
  at_monotonic INTEGER NOT NULL DEFAULT 1,
  -- counts per kind, JSON, computed once when the month is sealed (after it ended)
  kinds        TEXT,
  sealed_at    INTEGER,
  purged_at    INTEGER,
  first_seq    INTEGER,
  last_seq     INTEGER
);

-- Records kept past their month's purge: subscription records of relationships that have not ended
-- long enough ago, and records under a legal hold. They form their own chain (`retained`), rebuilt
-- and re-signed at each purge; orig_hash is the record's hash in its month's chain.
CREATE TABLE records_retained (
  seq                 INTEGER PRIMARY KEY,
  id                  TEXT NOT NULL,
  at                  INTEGER NOT NULL,
  kind                TEXT NOT NULL,
  content_provider_id TEXT,
  msisdn              TEXT,
  ref                 TEXT,
  port                TEXT,
  type                TEXT,
  decision            TEXT,
  rule                TEXT,
  body                TEXT NOT NULL,
  hash                BLOB NOT NULL,
  month               TEXT NOT NULL,
  orig_hash           BLOB NOT NULL
);
CREATE INDEX records_retained_msisdn ON records_retained (msisdn, seq) WHERE msisdn IS NOT NULL;
CREATE INDEX records_retained_cp ON records_retained (content_provider_id, seq) WHERE content_provider_id IS NOT NULL;
CREATE INDEX records_retained_ref ON records_retained (ref) WHERE ref IS NOT NULL;

-- Signed chain heads, as published by GET /v1/records/heads. Kept after their month is purged.
CREATE TABLE records_heads (
  chain      TEXT NOT NULL,
  first_seq  INTEGER NOT NULL,
  last_seq   INTEGER NOT NULL,
  count      INTEGER NOT NULL,
  hash       TEXT NOT NULL,
  signed_at  INTEGER NOT NULL,
  key_id     TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature  TEXT NOT NULL,
  PRIMARY KEY (chain, signed_at, last_seq)
);

-- Legal holds: matching records are kept past retention until the hold is released.
CREATE TABLE record_holds (
  id                  TEXT PRIMARY KEY,
  msisdn              TEXT,
  content_provider_id TEXT,
  reason              TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  created_by          TEXT NOT NULL,
  released_at         INTEGER,
  released_by         TEXT,
  CHECK ((msisdn IS NULL) <> (content_provider_id IS NULL))
);

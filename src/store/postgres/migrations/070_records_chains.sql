-- Tamper evidence, retention and legal holds for the PostgreSQL records (issue 8; the SQLite twin is
-- its migration 040). Each Asia/Shanghai month's records form a hash chain in seq order, with the
-- same canonical bytes as SQLite (src/domain/hash-chain.ts). Several processes insert at once and
-- seqs commit out of order, so records are not chained as they are inserted: a linker (one process at
-- a time, src/store/postgres/records-linker.ts) links committed records into their month's chain
-- once no seq below them can still commit. See docs/SCALING.md.

-- One link per record, apart from the records so that they stay strictly append-only (no UPDATE, no
-- second tuple version, no churn in their eight indexes): a narrow row per record, list-partitioned
-- by month so that a month's purge drops its links with its records. pos is the 1-based position in
-- the month's chain (seqs have gaps: a rolled-back insert still drew one); the key leads with seq so
-- that a record finds its link by seq alone.
CREATE TABLE records_links (
  month text   NOT NULL,
  seq   bigint NOT NULL,
  pos   bigint NOT NULL,
  hash  bytea  NOT NULL,
  PRIMARY KEY (seq, month)
) PARTITION BY LIST (month);

-- One row per month chain ever started: its tip (what the next link extends), the per-kind counts
-- once the month is sealed (after it ended), and when it was purged. A purged month keeps its row.
CREATE TABLE records_months (
  month      text   PRIMARY KEY,
  first_seq  bigint,
  last_seq   bigint,
  count      bigint NOT NULL DEFAULT 0,
  hash       bytea,
  kinds      jsonb,
  sealed_at  bigint,
  purged_at  bigint,
  purged_first_seq bigint,
  purged_last_seq  bigint
);

-- Records kept past their month's purge (subscription records of relationships that have not ended
-- long enough ago, records under a legal hold): the `retained` chain, rebuilt and re-signed at each
-- purge; orig_hash is the record's hash in its month's chain. The body stays jsonb, so its text is
-- the bytes its month's chain covered.
CREATE TABLE records_retained (
  seq                 bigint PRIMARY KEY,
  id                  text   NOT NULL,
  at                  bigint NOT NULL,
  kind                text   NOT NULL,
  content_provider_id text,
  msisdn              text,
  ref                 text,
  body                jsonb  NOT NULL,
  port                text,
  type                text,
  decision            text,
  rule                text,
  hash                bytea  NOT NULL,
  month               text   NOT NULL,
  orig_hash           bytea  NOT NULL
);
CREATE INDEX records_retained_msisdn ON records_retained (msisdn, seq) WHERE msisdn IS NOT NULL;
CREATE INDEX records_retained_cp ON records_retained (content_provider_id, seq) WHERE content_provider_id IS NOT NULL;
CREATE INDEX records_retained_ref ON records_retained (ref) WHERE ref IS NOT NULL;
CREATE INDEX records_retained_at ON records_retained (at);

-- Every record a query may return: the live months and the retained ones (a held record stays
-- readable after its month is purged, as on SQLite).
CREATE VIEW records_all AS
  SELECT seq, id, at, kind, content_provider_id, msisdn, ref, body, port, type, decision, rule FROM records
  UNION ALL
  SELECT seq, id, at, kind, content_provider_id, msisdn, ref, body, port, type, decision, rule FROM records_retained;

-- Signed chain heads, as published by GET /v1/records/heads. Kept after their month is purged.
CREATE TABLE records_heads (
  chain      text   NOT NULL,
  first_seq  bigint NOT NULL,
  last_seq   bigint NOT NULL,
  count      bigint NOT NULL,
  hash       text   NOT NULL,
  signed_at  bigint NOT NULL,
  key_id     text   NOT NULL,
  public_key text   NOT NULL,
  signature  text   NOT NULL,
  PRIMARY KEY (chain, signed_at, last_seq)
);

-- Legal holds: matching records are kept past retention until the hold is released.
CREATE TABLE record_holds (
  id                  text PRIMARY KEY,
  msisdn              text,
  content_provider_id text,
  reason              text   NOT NULL,
  created_at          bigint NOT NULL,
  created_by          text   NOT NULL,
  released_at         bigint,
  released_by         text,
  CHECK ((msisdn IS NULL) <> (content_provider_id IS NULL))
);

-- The linker's horizon. Every INSERT into records takes this lock, shared, before it draws its first
-- seq (a BEFORE STATEMENT trigger fires before the first row's DEFAULT nextval), and holds it until
-- its transaction ends. The linker reads the sequence, then waits until every transaction that held
-- the lock at that moment has ended: every seq up to what it read has then committed or never will,
-- so it can link in seq order without ever seeing a lower seq commit later. Shared holders never
-- wait for each other, and the linker never takes the lock, so writers are never blocked by it.
CREATE FUNCTION records_link_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtextextended(current_schema() || '.records_link', 0));
  RETURN NULL;
END $$;
CREATE TRIGGER records_link_guard BEFORE INSERT ON records
  FOR EACH STATEMENT EXECUTE FUNCTION records_link_guard();

-- smsguard PostgreSQL schema v1. Append-only: never edit a shipped file, add the next number.
-- Times are epoch milliseconds (bigint) as in the SQLite adapter, so the core sees one shape.
-- Everything is created in the connection's search_path (one schema per deployment or test run).

CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE content_providers (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  credit_code    text NOT NULL UNIQUE,
  license_number text,
  status         text NOT NULL CHECK (status IN ('active', 'suspended')),
  created_at     bigint NOT NULL
);

CREATE TABLE signatures (
  id                  text PRIMARY KEY,
  content_provider_id text NOT NULL REFERENCES content_providers(id),
  signature           text NOT NULL UNIQUE,
  status              text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at          bigint NOT NULL
);
CREATE INDEX signatures_cp ON signatures (content_provider_id);

CREATE TABLE ports (
  number              text PRIMARY KEY,
  content_provider_id text NOT NULL REFERENCES content_providers(id),
  kind                text NOT NULL CHECK (kind IN ('service', 'commercial', 'public_welfare')),
  created_at          bigint NOT NULL
);
CREATE INDEX ports_cp ON ports (content_provider_id);

CREATE TABLE tokens (
  id         text PRIMARY KEY,
  hash       text NOT NULL UNIQUE,
  role       text NOT NULL,
  subject    text,
  label      text NOT NULL,
  scope      jsonb NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  revoked_at bigint
);

-- The statutory record (Art. 20): append-only, one row per submission, status change, MO,
-- subscription event and audit entry. Declaratively partitioned by month (Asia/Shanghai calendar
-- months, UTC+8, no DST), so the statutory purge of a month is DETACH + DROP of one partition and
-- never a DELETE. Partitions are created on demand by records_partition_for(at) (see below).
CREATE SEQUENCE records_seq AS bigint;
CREATE TABLE records (
  seq                 bigint NOT NULL DEFAULT nextval('records_seq'),
  id                  text   NOT NULL,
  at                  bigint NOT NULL,
  kind                text   NOT NULL,
  content_provider_id text,
  msisdn              text,
  ref                 text,
  body                jsonb  NOT NULL,
  PRIMARY KEY (at, seq)
) PARTITION BY RANGE (at);
-- Keyset pagination is newest-first on seq; every inspection filter has an index ending in seq, so
-- a page is a merge of per-partition index scans that stops after `limit` rows.
CREATE INDEX records_seq_idx ON records (seq);
CREATE INDEX records_msisdn ON records (msisdn, seq) WHERE msisdn IS NOT NULL;
CREATE INDEX records_cp ON records (content_provider_id, seq) WHERE content_provider_id IS NOT NULL;
CREATE INDEX records_ref ON records (ref) WHERE ref IS NOT NULL;

CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'records are append-only (purge is DROP of a month partition)';
END $$;
CREATE TRIGGER records_no_update BEFORE UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION records_append_only();

-- Creates (if missing) the month partition that holds epoch-ms `p_at`; returns its name. Runs in
-- its own short transaction (the adapter calls it before the insert that needs it), serialised by
-- an advisory lock so that two processes creating the same month never collide.
CREATE FUNCTION records_partition_for(p_at bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m    timestamp := date_trunc('month', to_timestamp(p_at / 1000.0) AT TIME ZONE 'Asia/Shanghai');
  lo   bigint := (extract(epoch FROM (m AT TIME ZONE 'Asia/Shanghai')) * 1000)::bigint;
  hi   bigint := (extract(epoch FROM ((m + interval '1 month') AT TIME ZONE 'Asia/Shanghai')) * 1000)::bigint;
  name text := 'records_' || to_char(m, 'YYYYMM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || '.records_partition', 0));
    IF to_regclass(name) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF records FOR VALUES FROM (%s) TO (%s)', name, lo, hi);
      EXCEPTION WHEN duplicate_table THEN
        -- Another process created it between our look and our lock (catalog snapshots lag locks).
        NULL;
      END;
    END IF;
  END IF;
  RETURN name;
END $$;

-- Operational state (not statutory): frequency counters, the egress queue, consents.
CREATE TABLE sends (
  content_provider_id text   NOT NULL,
  msisdn              text   NOT NULL,
  type                text   NOT NULL,
  consent_id          text,
  at                  bigint NOT NULL
);
CREATE INDEX sends_by_number ON sends (content_provider_id, msisdn, type, at);
CREATE INDEX sends_by_consent ON sends (consent_id, at) WHERE consent_id IS NOT NULL;

-- Accepted MT messages: current status, and the durable egress queue (status 'accepted' and due),
-- one row per message as in the SQLite adapter (a separate queue table costs an insert and a delete
-- per message). `due_at`: earliest next attempt; `leased_until`: an egress worker holds it (shared
-- across processes, unlike SQLite's in-memory leases); `published_at`: last hand-over to the message
-- bus (NATS relay), NULL when never.
CREATE TABLE message_status (
  id                  text    PRIMARY KEY,
  content_provider_id text    NOT NULL,
  msisdn              text    NOT NULL,
  from_port           text    NOT NULL,
  -- the text to send; cleared once the message has left (the record keeps it)
  text                text    NOT NULL,
  registered_delivery boolean NOT NULL,
  attempts            integer NOT NULL DEFAULT 0,
  due_at              bigint  NOT NULL,
  submitted_at        bigint  NOT NULL,
  status              text    NOT NULL,
  upstream_id         text,
  updated_at          bigint  NOT NULL,
  leased_until        bigint,
  published_at        bigint,
  enqueued_seq        bigserial
);
CREATE INDEX message_status_due ON message_status (due_at, enqueued_seq) WHERE status = 'accepted';
CREATE INDEX message_status_upstream ON message_status (upstream_id) WHERE upstream_id IS NOT NULL;

CREATE TABLE consents (
  id                  text PRIMARY KEY,
  content_provider_id text    NOT NULL,
  msisdn              text    NOT NULL,
  category            text    NOT NULL,
  freq_count          integer NOT NULL,
  freq_per            text    NOT NULL,
  granted_at          bigint  NOT NULL,
  expires_at          bigint  NOT NULL,
  channel             text    NOT NULL,
  proof               jsonb   NOT NULL,
  withdrawn_at        bigint
);
CREATE INDEX consents_lookup ON consents (content_provider_id, msisdn, category, expires_at);

CREATE TABLE optouts (
  content_provider_id text   NOT NULL,
  msisdn              text   NOT NULL,
  at                  bigint NOT NULL,
  PRIMARY KEY (content_provider_id, msisdn)
);

CREATE TABLE dnd (
  msisdn text PRIMARY KEY,
  at     bigint NOT NULL,
  source text NOT NULL
);

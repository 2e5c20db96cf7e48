-- smsguard schema v1. Migrations are append-only: never edit a shipped file, add the next number.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE content_providers (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  credit_code    TEXT NOT NULL UNIQUE,
  license_number TEXT,
  status         TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
  created_at     INTEGER NOT NULL
);

CREATE TABLE signatures (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL REFERENCES content_providers(id),
  signature           TEXT NOT NULL UNIQUE,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at          INTEGER NOT NULL
);

CREATE TABLE ports (
  number              TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL REFERENCES content_providers(id),
  kind                TEXT NOT NULL CHECK (kind IN ('service', 'commercial', 'public_welfare')),
  created_at          INTEGER NOT NULL
);

CREATE TABLE tokens (
  id         TEXT PRIMARY KEY,
  hash       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL,
  subject    TEXT,
  label      TEXT NOT NULL,
  scope      TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

-- The statutory record (Art. 20): append-only. Every submission (accepted or rejected), status
-- change, MO, subscription event and audit entry is one row; nothing is updated in place.
CREATE TABLE records (
  seq                 INTEGER PRIMARY KEY,
  id                  TEXT NOT NULL,
  at                  INTEGER NOT NULL,
  kind                TEXT NOT NULL,
  content_provider_id TEXT,
  msisdn              TEXT,
  ref                 TEXT,
  body                TEXT NOT NULL
);
CREATE INDEX records_msisdn ON records (msisdn, seq) WHERE msisdn IS NOT NULL;
CREATE INDEX records_cp ON records (content_provider_id, seq) WHERE content_provider_id IS NOT NULL;
CREATE INDEX records_ref ON records (ref) WHERE ref IS NOT NULL;
CREATE INDEX records_at ON records (at);
CREATE TRIGGER records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

-- Operational state (not statutory): counters for frequency rules, the egress queue, consents.
CREATE TABLE sends (
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  type                TEXT NOT NULL,
  consent_id          TEXT,
  at                  INTEGER NOT NULL
);
CREATE INDEX sends_by_number ON sends (content_provider_id, msisdn, type, at);
CREATE INDEX sends_by_consent ON sends (consent_id, at) WHERE consent_id IS NOT NULL;

-- Accepted MT messages: current status, and the durable egress queue (status 'accepted' and due).
-- One row per message rather than a separate queue table: a queue insert and delete per message
-- was a third of the write cost on the message path.
CREATE TABLE message_status (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  from_port           TEXT NOT NULL,
  -- the text to send; cleared once the message has left (the record keeps it)
  text                TEXT NOT NULL,
  registered_delivery INTEGER NOT NULL,
  attempts            INTEGER NOT NULL DEFAULT 0,
  due_at              INTEGER NOT NULL,
  submitted_at        INTEGER NOT NULL,
  status              TEXT NOT NULL,
  upstream_id         TEXT,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX message_status_due ON message_status (due_at) WHERE status = 'accepted';
CREATE INDEX message_status_upstream ON message_status (upstream_id) WHERE upstream_id IS NOT NULL;

CREATE TABLE consents (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  category            TEXT NOT NULL,
  freq_count          INTEGER NOT NULL,
  freq_per            TEXT NOT NULL,
  granted_at          INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  channel             TEXT NOT NULL,
  proof               TEXT NOT NULL,
  withdrawn_at        INTEGER
);
CREATE INDEX consents_lookup ON consents (content_provider_id, msisdn, category, expires_at);

CREATE TABLE optouts (
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  at                  INTEGER NOT NULL,
  PRIMARY KEY (content_provider_id, msisdn)
);

CREATE TABLE dnd (
  msisdn TEXT PRIMARY KEY,
  at     INTEGER NOT NULL,
  source TEXT NOT NULL
);

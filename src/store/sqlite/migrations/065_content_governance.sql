-- Content governance (docs/CONTENT.md): templates and their review, per-provider content settings,
-- signature review log, early-warning alerts and the automatic actions they caused.

CREATE TABLE content_templates (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL REFERENCES content_providers(id),
  signature           TEXT NOT NULL,
  type                TEXT NOT NULL CHECK (type IN ('verification', 'notification', 'commercial', 'public_welfare')),
  body                TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  -- machine-check violations found at submission (JSON array); an operator sees them when reviewing
  violations          TEXT NOT NULL DEFAULT '[]',
  reason              TEXT,
  created_at          INTEGER NOT NULL,
  reviewed_at         INTEGER,
  reviewed_by         TEXT
);
CREATE INDEX content_templates_cp ON content_templates (content_provider_id, status);

CREATE TABLE content_settings (
  content_provider_id TEXT PRIMARY KEY REFERENCES content_providers(id),
  templates           TEXT NOT NULL CHECK (templates IN ('required', 'preferred', 'off')),
  link_domains        TEXT NOT NULL DEFAULT '[]',
  updated_at          INTEGER NOT NULL
);

CREATE TABLE signature_reviews (
  id                  TEXT PRIMARY KEY,
  signature_id        TEXT NOT NULL,
  content_provider_id TEXT NOT NULL,
  decision            TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  reason              TEXT,
  at                  INTEGER NOT NULL,
  actor               TEXT NOT NULL
);

CREATE TABLE early_warning_alerts (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  rule                TEXT NOT NULL,
  metric              TEXT NOT NULL,
  scope               TEXT NOT NULL,
  key                 TEXT NOT NULL,
  severity            TEXT NOT NULL,
  value               REAL NOT NULL,
  threshold           REAL NOT NULL,
  figures             TEXT NOT NULL,
  window_start        INTEGER NOT NULL,
  at                  INTEGER NOT NULL,
  action              TEXT NOT NULL,
  action_id           TEXT
);
CREATE INDEX early_warning_alerts_at ON early_warning_alerts (at);
CREATE INDEX early_warning_alerts_cp ON early_warning_alerts (content_provider_id, at);

CREATE TABLE early_warning_actions (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  scope               TEXT NOT NULL,
  key                 TEXT NOT NULL,
  action              TEXT NOT NULL,
  rule                TEXT NOT NULL,
  figures             TEXT NOT NULL,
  at                  INTEGER NOT NULL,
  lifted_at           INTEGER,
  lifted_by           TEXT
);

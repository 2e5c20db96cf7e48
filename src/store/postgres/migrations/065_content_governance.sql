-- Content governance (docs/CONTENT.md): templates and their review, per-provider content settings,
-- signature review log, early-warning alerts and the automatic actions they caused.

CREATE TABLE content_templates (
  id                  text PRIMARY KEY,
  content_provider_id text NOT NULL REFERENCES content_providers(id),
  signature           text NOT NULL,
  type                text NOT NULL CHECK (type IN ('verification', 'notification', 'commercial', 'public_welfare')),
  body                text NOT NULL,
  status              text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  violations          jsonb NOT NULL DEFAULT '[]',
  reason              text,
  created_at          bigint NOT NULL,
  reviewed_at         bigint,
  reviewed_by         text
);
CREATE INDEX content_templates_cp ON content_templates (content_provider_id, status);

CREATE TABLE content_settings (
  content_provider_id text PRIMARY KEY REFERENCES content_providers(id),
  templates           text NOT NULL CHECK (templates IN ('required', 'preferred', 'off')),
  link_domains        jsonb NOT NULL DEFAULT '[]',
  updated_at          bigint NOT NULL
);

CREATE TABLE signature_reviews (
  id                  text PRIMARY KEY,
  signature_id        text NOT NULL,
  content_provider_id text NOT NULL,
  decision            text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  reason              text,
  at                  bigint NOT NULL,
  actor               text NOT NULL
);

CREATE TABLE early_warning_alerts (
  id                  text PRIMARY KEY,
  content_provider_id text NOT NULL,
  rule                text NOT NULL,
  metric              text NOT NULL,
  scope               text NOT NULL,
  key                 text NOT NULL,
  severity            text NOT NULL,
  value               double precision NOT NULL,
  threshold           double precision NOT NULL,
  figures             jsonb NOT NULL,
  window_start        bigint NOT NULL,
  at                  bigint NOT NULL,
  action              jsonb NOT NULL,
  action_id           text
);
CREATE INDEX early_warning_alerts_at ON early_warning_alerts (at);
CREATE INDEX early_warning_alerts_cp ON early_warning_alerts (content_provider_id, at);

CREATE TABLE early_warning_actions (
  id                  text PRIMARY KEY,
  content_provider_id text NOT NULL,
  scope               text NOT NULL,
  key                 text NOT NULL,
  action              jsonb NOT NULL,
  rule                text NOT NULL,
  figures             jsonb NOT NULL,
  at                  bigint NOT NULL,
  lifted_at           bigint,
  lifted_by           text
);

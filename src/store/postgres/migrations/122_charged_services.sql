-- Re-runnable (IF NOT EXISTS), as the migrations before it: a schema rolled back to an earlier
-- version in place (the live-queue migration tests) runs it again over its own tables.
-- Same as the SQLite migration 128: charged services (docs/REGULATION.md rule 8), the notice a
-- subscription is asked with (a consent request naming its service) and confirmed subscriptions.
CREATE TABLE IF NOT EXISTS charged_services (
  id                  text PRIMARY KEY,
  content_provider_id text    NOT NULL,
  name                text    NOT NULL,
  port                text    NOT NULL,
  amount_fen          integer NOT NULL CHECK (amount_fen > 0),
  per                 text    NOT NULL CHECK (per IN ('message', 'month')),
  created_at          bigint  NOT NULL
);
CREATE INDEX IF NOT EXISTS charged_services_provider ON charged_services (content_provider_id, created_at);

-- Nullable without a default: adding it rewrites nothing.
ALTER TABLE consent_requests ADD COLUMN IF NOT EXISTS charged_service_id text;

CREATE TABLE IF NOT EXISTS charged_subscriptions (
  id                  text PRIMARY KEY,
  service_id          text   NOT NULL,
  content_provider_id text   NOT NULL,
  msisdn              text   NOT NULL,
  started_at          bigint NOT NULL,
  ended_at            bigint,
  end_reason          text,
  proof               jsonb  NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS charged_subscriptions_live ON charged_subscriptions (service_id, msisdn) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS charged_subscriptions_number ON charged_subscriptions (content_provider_id, msisdn) WHERE ended_at IS NULL;

-- Charged services (docs/REGULATION.md rule 8: before charging, the user is told the service, the
-- tariff, the charging method and how to unsubscribe; docs/CONSENT.md, "Charged services (rule 8)").

-- The registry: one row per service a content provider charges for, sent from one of its ports.
CREATE TABLE charged_services (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  name                TEXT NOT NULL,
  port                TEXT NOT NULL,
  amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
  per                 TEXT NOT NULL CHECK (per IN ('message', 'month')),
  created_at          INTEGER NOT NULL
);
CREATE INDEX charged_services_provider ON charged_services (content_provider_id, created_at);

-- A subscription's notice is a consent request (the same one-open-question rule, reply handling and
-- expiry) that names the service it asks about; NULL for every ordinary consent request.
ALTER TABLE consent_requests ADD COLUMN charged_service_id TEXT;

-- A confirmed subscription: its id is the notice's (the consent request's), its proof the user's
-- reply. Ended by the provider (DELETE), or by the user's opt-out from the provider.
CREATE TABLE charged_subscriptions (
  id                  TEXT PRIMARY KEY,
  service_id          TEXT NOT NULL,
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  started_at          INTEGER NOT NULL,
  ended_at            INTEGER,
  end_reason          TEXT,
  proof               TEXT NOT NULL
);
CREATE UNIQUE INDEX charged_subscriptions_live ON charged_subscriptions (service_id, msisdn) WHERE ended_at IS NULL;
CREATE INDEX charged_subscriptions_number ON charged_subscriptions (content_provider_id, msisdn) WHERE ended_at IS NULL;

-- Consent requests, per-signature opt-outs, and the subscription relationship (issue 3).
-- Operational state; every change is also an append-only subscription record.

-- One row per consent request; status moves pending → granted | refused | deemed_refused | lapsed once.
CREATE TABLE consent_requests (
  id                  TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  port                TEXT NOT NULL,
  category            TEXT NOT NULL,
  freq_count          INTEGER NOT NULL,
  freq_per            TEXT NOT NULL,
  duration_days       INTEGER NOT NULL,
  text                TEXT NOT NULL,
  message_id          TEXT NOT NULL,
  -- 0 until the carrying system message is queued (a crash in between is repaired at sweeper start).
  message_sent        INTEGER NOT NULL DEFAULT 0,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'refused', 'deemed_refused', 'lapsed')),
  created_at          INTEGER NOT NULL,
  -- The reply window closes here; the sweeper resolves pending requests whose deadline passed.
  deadline_at         INTEGER NOT NULL,
  resolved_at         INTEGER,
  consent_id          TEXT,
  profile             TEXT NOT NULL
);
CREATE INDEX consent_requests_due ON consent_requests (deadline_at) WHERE status = 'pending';
CREATE INDEX consent_requests_number ON consent_requests (msisdn, content_provider_id, created_at);
CREATE INDEX consent_requests_unsent ON consent_requests (created_at) WHERE message_sent = 0;

-- Which signature an opt-out answered ('*' = unknown, i.e. all of the provider's signatures), so a
-- profile or operator can scope opt-outs per signature. `optouts` keeps one row per provider.
CREATE TABLE optout_signatures (
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  signature           TEXT NOT NULL,
  at                  INTEGER NOT NULL,
  PRIMARY KEY (content_provider_id, msisdn, signature)
);
INSERT INTO optout_signatures (content_provider_id, msisdn, signature, at) SELECT content_provider_id, msisdn, '*', at FROM optouts;

-- The service relationship between a number and a provider: starts with a consent, ends when the last
-- consent is withdrawn or expires or the number opts out. Subscription records are kept until the
-- profile's months after `ended_at` (the retention job purges; this table says when).
CREATE TABLE subscription_relationships (
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  started_at          INTEGER NOT NULL,
  ended_at            INTEGER,
  end_reason          TEXT,
  PRIMARY KEY (content_provider_id, msisdn)
);
CREATE INDEX subscription_relationships_ended ON subscription_relationships (ended_at) WHERE ended_at IS NOT NULL;

-- Consents whose expiry has been recorded (as a subscription record) are not swept again.
ALTER TABLE consents ADD COLUMN expiry_recorded INTEGER NOT NULL DEFAULT 0;
CREATE INDEX consents_unexpired ON consents (expires_at) WHERE expiry_recorded = 0 AND withdrawn_at IS NULL;

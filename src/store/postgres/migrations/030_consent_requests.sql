-- Consent requests, per-signature opt-outs, and the subscription relationship (issue 3; same
-- number as the SQLite migration). Operational state; every change is also a subscription record.
CREATE TABLE consent_requests (
  id                  text PRIMARY KEY,
  content_provider_id text    NOT NULL,
  msisdn              text    NOT NULL,
  port                text    NOT NULL,
  category            text    NOT NULL,
  freq_count          integer NOT NULL,
  freq_per            text    NOT NULL,
  duration_days       integer NOT NULL,
  text                text    NOT NULL,
  message_id          text    NOT NULL,
  -- false until the carrying system message is queued (a crash in between is repaired at sweeper start).
  message_sent        boolean NOT NULL DEFAULT false,
  status              text    NOT NULL CHECK (status IN ('pending', 'granted', 'refused', 'deemed_refused', 'lapsed')),
  created_at          bigint  NOT NULL,
  deadline_at         bigint  NOT NULL,
  resolved_at         bigint,
  consent_id          text,
  profile             text    NOT NULL
);
CREATE INDEX consent_requests_due ON consent_requests (deadline_at) WHERE status = 'pending';
CREATE INDEX consent_requests_number ON consent_requests (msisdn, content_provider_id, created_at);
CREATE INDEX consent_requests_port ON consent_requests (msisdn, port, created_at) WHERE status = 'pending';
CREATE INDEX consent_requests_unsent ON consent_requests (created_at) WHERE NOT message_sent;

CREATE TABLE optout_signatures (
  content_provider_id text   NOT NULL,
  msisdn              text   NOT NULL,
  signature           text   NOT NULL,
  at                  bigint NOT NULL,
  PRIMARY KEY (content_provider_id, msisdn, signature)
);
INSERT INTO optout_signatures (content_provider_id, msisdn, signature, at) SELECT content_provider_id, msisdn, '*', at FROM optouts;

CREATE TABLE subscription_relationships (
  content_provider_id text   NOT NULL,
  msisdn              text   NOT NULL,
  started_at          bigint NOT NULL,
  ended_at            bigint,
  end_reason          text,
  PRIMARY KEY (content_provider_id, msisdn)
);
CREATE INDEX subscription_relationships_ended ON subscription_relationships (ended_at) WHERE ended_at IS NOT NULL;

ALTER TABLE consents ADD COLUMN expiry_recorded boolean NOT NULL DEFAULT false;
CREATE INDEX consents_unexpired ON consents (expires_at) WHERE NOT expiry_recorded AND withdrawn_at IS NULL;
CREATE INDEX consents_number ON consents (msisdn, content_provider_id);

-- subscription_relationships is only ever reached by its key: as a WITHOUT ROWID table the key is the
-- table, and the separate primary-key index (about 50 bytes per consenting number) disappears.
CREATE TABLE subscription_relationships_v2 (
  content_provider_id TEXT NOT NULL,
  msisdn              TEXT NOT NULL,
  started_at          INTEGER NOT NULL,
  ended_at            INTEGER,
  end_reason          TEXT,
  PRIMARY KEY (content_provider_id, msisdn)
) WITHOUT ROWID;
INSERT INTO subscription_relationships_v2 SELECT content_provider_id, msisdn, started_at, ended_at, end_reason FROM subscription_relationships;
DROP TABLE subscription_relationships;
ALTER TABLE subscription_relationships_v2 RENAME TO subscription_relationships;
CREATE INDEX subscription_relationships_ended ON subscription_relationships (ended_at) WHERE ended_at IS NOT NULL;

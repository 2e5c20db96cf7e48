-- Usage figures per content provider (src/domain/usage.ts, README "Usage"): one row per provider,
-- Asia/Shanghai day (YYYY-MM-DD) and key (`accepted`, `rejected:<code>`, `segments`, `delivered`…),
-- added to by the transactions that decide and move statuses, one upsert per distinct row per
-- transaction (folded into their existing statements). As SQLite migration 106.
CREATE TABLE usage_counts (
  content_provider_id text NOT NULL,
  day text NOT NULL,
  key text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (content_provider_id, day, key)
);
-- Housekeeping prunes by day across providers.
CREATE INDEX usage_counts_day ON usage_counts (day);

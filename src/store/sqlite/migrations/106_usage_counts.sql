-- Usage figures per content provider (src/domain/usage.ts, README "Usage"): one row per provider,
-- Asia/Shanghai day (YYYY-MM-DD) and key (`accepted`, `rejected:<code>`, `segments`, `delivered`…),
-- added to by the transactions that decide and move statuses, one upsert per distinct row per
-- transaction. WITHOUT ROWID: the key is the row, and reads go by provider then day.
CREATE TABLE usage_counts (
  content_provider_id TEXT NOT NULL,
  day TEXT NOT NULL,
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (content_provider_id, day, key)
) WITHOUT ROWID;
-- Housekeeping prunes by day across providers.
CREATE INDEX usage_counts_day ON usage_counts (day);

-- Usage counters split per database connection (usage.ts, docs/SCALING.md "Usage counters under
-- contention"). With one row per (provider, day, key) every transaction of one provider upserted the
-- same rows and held their locks from its write statement to its commit, so concurrent decisions of
-- one provider, in one process or several, ran one after the other there (measured: 82 % of the
-- running time of two writers waiting on these rows). Each upsert now goes to the row of its own
-- backend (`shard` = pg_backend_pid()); a backend runs one transaction at a time, so no two
-- transactions touch one row at once. Reads sum the shards. Existing rows are shard 0.
ALTER TABLE usage_counts ADD COLUMN shard integer NOT NULL DEFAULT 0;
ALTER TABLE usage_counts DROP CONSTRAINT usage_counts_pkey;
ALTER TABLE usage_counts ADD PRIMARY KEY (content_provider_id, day, key, shard);

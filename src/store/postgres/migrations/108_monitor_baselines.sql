-- The early-warning monitor's baselines kept across restarts (src/app/baseline-keeper.ts,
-- docs/CONTENT.md "Baselines kept across restarts"): without them a restarted gateway judges volume
-- and score drift only after minBaselineBuckets, and learns whatever it sees first (a campaign under
-- way) as normal. One row per scope and key, replaced every minute or so by any process (each computes
-- the same baseline from the shared counts); reset_at marks the newest operator reset, which the
-- other processes read every round and apply, and which a process still holding the older baseline
-- cannot overwrite.
CREATE TABLE IF NOT EXISTS monitor_baselines (
  scope               text NOT NULL,
  key                 text NOT NULL,
  content_provider_id text NOT NULL,
  mean                double precision NOT NULL,
  variance            double precision NOT NULL,
  completed           integer NOT NULL,
  score_mean          double precision NOT NULL,
  score_n             integer NOT NULL,
  reset_at            bigint NOT NULL DEFAULT 0,
  saved_at            bigint NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS monitor_baselines_reset ON monitor_baselines (reset_at) WHERE reset_at > 0;

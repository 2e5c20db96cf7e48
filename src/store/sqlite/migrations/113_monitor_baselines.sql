-- The early-warning monitor's baselines kept across restarts (src/app/baseline-keeper.ts,
-- docs/CONTENT.md "Baselines kept across restarts"): without them a restarted gateway judges volume
-- and score drift only after minBaselineBuckets, and learns whatever it sees first (a campaign under
-- way) as normal. One row per scope and key, replaced every minute or so; reset_at marks the newest
-- operator reset (a process still holding the older baseline cannot write it back).
CREATE TABLE monitor_baselines (
  scope               TEXT NOT NULL,
  key                 TEXT NOT NULL,
  content_provider_id TEXT NOT NULL,
  mean                REAL NOT NULL,
  variance            REAL NOT NULL,
  completed           INTEGER NOT NULL,
  score_mean          REAL NOT NULL,
  score_n             INTEGER NOT NULL,
  reset_at            INTEGER NOT NULL DEFAULT 0,
  saved_at            INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);

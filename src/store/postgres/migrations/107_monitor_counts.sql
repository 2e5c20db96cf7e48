-- The early-warning monitor's counts shared between gateway processes (src/app/monitor-share.ts,
-- docs/CONTENT.md "Several processes"). monitor_counts: each process's own counts per key and bucket
-- (absolute, upserted every second or so; a bucket index is the app clock's ms / the policy's bucketMs);
-- monitor_members: processes judging messages, with a wall-clock lease (a throttle's rate is split
-- between them); monitor_quiet: which process raised a rule's alert on a key for a window, so one
-- window raises one alert and one action for the deployment.
CREATE TABLE IF NOT EXISTS monitor_counts (
  member              text NOT NULL,
  scope               text NOT NULL,
  key                 text NOT NULL,
  idx                 bigint NOT NULL,
  content_provider_id text NOT NULL,
  submitted           integer NOT NULL,
  accepted            integer NOT NULL,
  rejected            integer NOT NULL,
  opt_outs            integer NOT NULL,
  complaints          integer NOT NULL,
  prohibited          integer NOT NULL,
  score_sum           double precision NOT NULL,
  score_n             integer NOT NULL,
  PRIMARY KEY (member, scope, key, idx)
);
CREATE INDEX IF NOT EXISTS monitor_counts_idx ON monitor_counts (idx);

CREATE TABLE IF NOT EXISTS monitor_members (
  member     text PRIMARY KEY,
  seen_until bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS monitor_quiet (
  scope     text NOT NULL,
  key       text NOT NULL,
  rule      text NOT NULL,
  until_idx bigint NOT NULL,
  PRIMARY KEY (scope, key, rule)
);

-- HTTP callbacks of content providers (src/ports/store.ts CallbackStore): where each wants its
-- status and MO events, and the secret they are signed with (kept as is: HMAC needs it), and the
-- durable queue of events to POST (rows leave once sent; given-up rows are pruned by housekeeping).
CREATE TABLE callback_settings (
  content_provider_id TEXT PRIMARY KEY,
  status_url TEXT,
  mo_url TEXT,
  secret TEXT,
  updated_at INTEGER NOT NULL
);
CREATE TABLE callback_queue (
  event_id TEXT PRIMARY KEY,             -- `<messageId>:<status>`, `mo:<id>`: a repeat is ignored
  content_provider_id TEXT NOT NULL,
  kind TEXT NOT NULL,                    -- status | mo
  body TEXT NOT NULL,                    -- the JSON exactly as POSTed
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  owner TEXT,                            -- lease holder (gateway process)
  lease_until INTEGER NOT NULL DEFAULT 0,
  failed_at INTEGER,                     -- given up (kept for inspection until pruned)
  last_error TEXT
);
CREATE INDEX callback_queue_due ON callback_queue (due_at) WHERE failed_at IS NULL;
CREATE INDEX callback_queue_failed ON callback_queue (failed_at) WHERE failed_at IS NOT NULL;

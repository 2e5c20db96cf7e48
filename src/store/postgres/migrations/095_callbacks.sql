-- HTTP callbacks of content providers (src/ports/store.ts CallbackStore): where each wants its
-- status and MO events, and the secret they are signed with (kept as is: HMAC needs it), and the
-- durable queue of events to POST, leased to one gateway process at a time (owner, lease_until).
-- As SQLite migration 104.
CREATE TABLE callback_settings (
  content_provider_id text PRIMARY KEY,
  status_url          text,
  mo_url              text,
  secret              text,
  updated_at          bigint NOT NULL
);
CREATE TABLE callback_queue (
  event_id            text PRIMARY KEY,   -- `<messageId>:<status>`, `mo:<id>`: a repeat is ignored
  content_provider_id text NOT NULL,
  kind                text NOT NULL,      -- status | mo
  body                text NOT NULL,      -- the JSON exactly as POSTed
  created_at          bigint NOT NULL,
  due_at              bigint NOT NULL,
  attempts            integer NOT NULL DEFAULT 0,
  owner               text,
  lease_until         bigint NOT NULL DEFAULT 0,
  failed_at           bigint,             -- given up (kept for inspection until pruned)
  last_error          text
);
CREATE INDEX callback_queue_due ON callback_queue (due_at) WHERE failed_at IS NULL;
CREATE INDEX callback_queue_failed ON callback_queue (failed_at) WHERE failed_at IS NOT NULL;

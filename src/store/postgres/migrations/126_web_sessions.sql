-- Re-runnable (IF NOT EXISTS), as the migrations before it: a schema rolled back to an earlier
-- version in place (the live-queue migration tests) runs it again over its own tables.
-- Same as the SQLite migration 132: the web pages' sign-ins (src/app/web-sessions.ts,
-- ports/web-sessions.ts), shared by every process on the schema, so a sign-in made through one
-- process is honoured by another and a sign-out through any ends it for all. `id_hash` is the
-- SHA-256 of the random session id in the `sg_session` cookie; `token_id` the token it was opened
-- with, checked still live on every request.
CREATE TABLE IF NOT EXISTS web_sessions (
  id_hash    text   PRIMARY KEY,
  token_id   text   NOT NULL,
  created_at bigint NOT NULL,
  seen_at    bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS web_sessions_seen ON web_sessions (seen_at);
CREATE INDEX IF NOT EXISTS web_sessions_created ON web_sessions (created_at);

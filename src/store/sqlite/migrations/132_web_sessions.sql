-- The web pages' sign-ins (src/app/web-sessions.ts, ports/web-sessions.ts): one row per signed-in
-- browser. `id_hash` is the SHA-256 of the random session id in its `sg_session` cookie (the id
-- itself, and the person's token, are never stored); `token_id` the token it was opened with, checked
-- still live on every request. Same as the PostgreSQL migration 126.
CREATE TABLE web_sessions (
  id_hash    TEXT PRIMARY KEY,
  token_id   TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
);
CREATE INDEX web_sessions_seen ON web_sessions (seen_at);
CREATE INDEX web_sessions_created ON web_sessions (created_at);

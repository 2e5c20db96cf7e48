-- The web forms' once-tokens (src/web/form-once.ts, ports/form-tokens.ts): one row per posted
-- rendering of a form that adds something, so a repeat gets the first post's answer. `token` is a
-- digest of the form's token; `result` the first post's sealed answer, NULL while it is acting.
-- Same as the PostgreSQL migration 124.
CREATE TABLE form_tokens (
  form       TEXT NOT NULL,
  token      TEXT NOT NULL,
  claimed_at INTEGER NOT NULL,
  result     TEXT,
  PRIMARY KEY (form, token)
);
CREATE INDEX form_tokens_claimed ON form_tokens (claimed_at);

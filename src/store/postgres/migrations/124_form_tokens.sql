-- Re-runnable (IF NOT EXISTS), as the migrations before it: a schema rolled back to an earlier
-- version in place (the live-queue migration tests) runs it again over its own tables.
-- Same as the SQLite migration 130: the web forms' once-tokens (src/web/form-once.ts,
-- ports/form-tokens.ts), shared by every process on the schema, so a form's repeat that reaches
-- another process than its first post gets the first's answer instead of acting again. `token` is
-- a digest of the form's token; `result` the first post's sealed answer, NULL while it is acting.
CREATE TABLE IF NOT EXISTS form_tokens (
  form       text   NOT NULL,
  token      text   NOT NULL,
  claimed_at bigint NOT NULL,
  result     text,
  PRIMARY KEY (form, token)
);
CREATE INDEX IF NOT EXISTS form_tokens_claimed ON form_tokens (claimed_at);

-- SMPP credentials per content provider (issue 4; same number as the SQLite migration). Password
-- hashed with scrypt (src/app/secrets.ts).
CREATE TABLE smpp_credentials (
  id                  text PRIMARY KEY,
  content_provider_id text NOT NULL,
  system_id           text NOT NULL,
  password_hash       text NOT NULL,
  allowed_ips         jsonb,
  max_binds           integer,
  throughput          double precision,
  created_at          bigint NOT NULL,
  revoked_at          bigint
);
CREATE UNIQUE INDEX smpp_credentials_system_id ON smpp_credentials (system_id) WHERE revoked_at IS NULL;
CREATE INDEX smpp_credentials_cp ON smpp_credentials (content_provider_id);

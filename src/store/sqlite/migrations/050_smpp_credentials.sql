-- SMPP credentials per content provider (issue 4). Password hashed with scrypt (src/app/secrets.ts).
CREATE TABLE smpp_credentials (
  id TEXT PRIMARY KEY,
  content_provider_id TEXT NOT NULL,
  system_id TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  allowed_ips TEXT,            -- JSON array or NULL
  max_binds INTEGER,
  throughput REAL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX smpp_credentials_system_id ON smpp_credentials (system_id) WHERE revoked_at IS NULL;
CREATE INDEX smpp_credentials_cp ON smpp_credentials (content_provider_id);

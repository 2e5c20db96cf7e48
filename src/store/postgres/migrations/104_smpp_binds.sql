-- Live SMPP binds of every gateway process (src/store/postgres/smpp-binds.ts), so a credential's
-- max_binds and throughput hold across processes sharing this database (docs/SMPP.md). Each row is
-- one bind, leased by its process's heartbeat: a killed process's rows lapse, a clean unbind deletes
-- its row. Not http_processes: a process counts per credential here, only for the binds it holds.
-- Times are wall-clock epoch ms.
CREATE TABLE IF NOT EXISTS smpp_binds (
  id            text PRIMARY KEY,
  member        text NOT NULL,
  credential_id text NOT NULL,
  seen_until    bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS smpp_binds_credential ON smpp_binds (credential_id, seen_until);
CREATE INDEX IF NOT EXISTS smpp_binds_member ON smpp_binds (member);

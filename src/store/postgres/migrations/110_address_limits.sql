-- The public doors' per-address limits counted for the deployment (src/app/address-window.ts,
-- src/store/postgres/address-limits.ts): 20 complaints a minute without a token, 10 wrong references
-- or access codes in 15 minutes at the status lookup, whichever process the address reaches. One row
-- per limit and address, overwritten when a later window begins; rows of ended windows are deleted
-- by the complaint sweeper's rounds.
CREATE TABLE IF NOT EXISTS address_limits (
  limit_name   text NOT NULL,
  address      text NOT NULL,
  window_start bigint NOT NULL,
  window_end   bigint NOT NULL,
  n            integer NOT NULL,
  PRIMARY KEY (limit_name, address)
);
CREATE INDEX IF NOT EXISTS address_limits_end ON address_limits (window_end);

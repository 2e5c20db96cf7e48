-- Egress partition ownership for the NATS JetStream pipeline (src/queue). Each recipient-number
-- partition (subject smsguard.mt.<p>) has at most one live owner: egress processes heartbeat as
-- members and take a fair share of partitions under expiring leases, so a killed worker's partitions
-- move to the survivors within one lease.
CREATE TABLE queue_members (
  id         text PRIMARY KEY,
  seen_until bigint NOT NULL
);

CREATE TABLE queue_partitions (
  partition   integer PRIMARY KEY,
  owner       text,
  lease_until bigint NOT NULL DEFAULT 0
);

-- Egress partition leases (partitions.ts). Times are wall-clock epoch ms.

-- name: seed
INSERT INTO queue_partitions (partition) SELECT generate_series(0, $1::int - 1) ON CONFLICT DO NOTHING;

-- name: heartbeat
-- $3: the lanes' subjects this process consumes (migration 112).
INSERT INTO queue_members (id, seen_until, lanes) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET seen_until = excluded.seen_until, lanes = excluded.lanes;

-- name: fleetLanes
-- The fewest lanes' subjects a live egress process consumes (relay.ts): below 3 while a process of
-- an earlier version is live. None live: $2 (whoever starts next reads them all: an earlier version
-- refuses to start on this schema).
SELECT coalesce(min(lanes), $2::int)::int AS n FROM queue_members WHERE seen_until > $1;

-- name: live
SELECT count(*)::int AS n FROM queue_members WHERE seen_until > $1;

-- name: prune
DELETE FROM queue_members WHERE seen_until < $1::bigint - 60000;

-- name: renew
UPDATE queue_partitions SET lease_until = $2 WHERE owner = $1 AND partition < $3 RETURNING partition;

-- name: release
UPDATE queue_partitions SET owner = NULL, lease_until = 0 WHERE owner = $1 AND partition = ANY($2::int[]);

-- name: take
UPDATE queue_partitions q SET owner = $1, lease_until = $3
  FROM (SELECT partition FROM queue_partitions
         WHERE partition < $5 AND (owner IS NULL OR lease_until <= $2)
         ORDER BY partition LIMIT $4 FOR UPDATE SKIP LOCKED) AS f
 WHERE q.partition = f.partition
RETURNING q.partition;

-- name: leave
UPDATE queue_partitions SET owner = NULL, lease_until = 0 WHERE owner = $1;

-- name: forget
DELETE FROM queue_members WHERE id = $1;

-- Per-address window counts of the public doors (address-limits.ts). Times are wall-clock epoch ms.

-- name: hit
-- One statement: concurrent hits on the same row queue on its lock and each returns its own count.
-- A later window replaces the row's; an earlier one (a lagging clock) counts in the stored window.
INSERT INTO address_limits AS t (limit_name, address, window_start, window_end, n) VALUES ($1, $2, $3, $4, 1)
ON CONFLICT (limit_name, address) DO UPDATE SET
  n = CASE WHEN excluded.window_start > t.window_start THEN 1 ELSE t.n + 1 END,
  window_start = GREATEST(t.window_start, excluded.window_start),
  window_end = GREATEST(t.window_end, excluded.window_end)
RETURNING n;

-- name: count
SELECT n FROM address_limits WHERE limit_name = $1 AND address = $2 AND window_start >= $3;

-- name: prune
DELETE FROM address_limits WHERE window_end <= $1;

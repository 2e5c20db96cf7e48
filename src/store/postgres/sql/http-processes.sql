-- HTTP-serving processes (http-processes.ts). Times are wall-clock epoch ms.

-- name: beat
INSERT INTO http_processes (id, seen_until) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seen_until = excluded.seen_until;

-- name: others
SELECT count(*)::int AS n FROM http_processes WHERE seen_until > $1 AND id <> $2;

-- name: prune
DELETE FROM http_processes WHERE seen_until < $1::bigint - 60000;

-- name: leave
DELETE FROM http_processes WHERE id = $1;

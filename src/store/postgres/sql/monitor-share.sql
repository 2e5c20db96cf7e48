-- The early-warning monitor's shared counts (monitor-share.ts). Leases are wall-clock epoch ms.

-- name: put
INSERT INTO monitor_counts (member, scope, key, idx, content_provider_id, submitted, accepted, rejected, opt_outs, complaints, prohibited, score_sum, score_n)
SELECT $1, s, k, i, c, n1, n2, n3, n4, n5, n6, ss, sn
  FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::float8[], $13::int[])
    AS x(s, k, i, c, n1, n2, n3, n4, n5, n6, ss, sn)
ON CONFLICT (member, scope, key, idx) DO UPDATE SET
  content_provider_id = excluded.content_provider_id, submitted = excluded.submitted, accepted = excluded.accepted,
  rejected = excluded.rejected, opt_outs = excluded.opt_outs, complaints = excluded.complaints,
  prohibited = excluded.prohibited, score_sum = excluded.score_sum, score_n = excluded.score_n;

-- name: others
SELECT scope, key, idx::float8 AS idx, min(content_provider_id) AS cp,
       sum(submitted)::int AS submitted, sum(accepted)::int AS accepted, sum(rejected)::int AS rejected,
       sum(opt_outs)::int AS opt_outs, sum(complaints)::int AS complaints, sum(prohibited)::int AS prohibited,
       sum(score_sum)::float8 AS score_sum, sum(score_n)::int AS score_n
  FROM monitor_counts WHERE member <> $1 AND idx >= $2 GROUP BY scope, key, idx;

-- name: prune
DELETE FROM monitor_counts WHERE idx < $1;

-- name: mark
INSERT INTO monitor_members (member, seen_until) VALUES ($1, $2) ON CONFLICT (member) DO UPDATE SET seen_until = excluded.seen_until;

-- name: members
SELECT count(*)::int AS n FROM monitor_members WHERE seen_until > $1 AND member <> $2;

-- name: pruneMembers
DELETE FROM monitor_members WHERE seen_until < $1::bigint - 60000;

-- name: claim
INSERT INTO monitor_quiet (scope, key, rule, until_idx) VALUES ($1, $2, $3, $5)
ON CONFLICT (scope, key, rule) DO UPDATE SET until_idx = excluded.until_idx WHERE monitor_quiet.until_idx < $4
RETURNING 1 AS ok;

-- name: leave
DELETE FROM monitor_members WHERE member = $1;

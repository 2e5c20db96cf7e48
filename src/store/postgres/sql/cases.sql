-- Complaint cases, events, measures, credit entries, monthly volume (cases.ts). Dynamic filters
-- (listCases, measures, listEntries, transition patches) are assembled in cases.ts from column names.

-- name: insertEvent
INSERT INTO case_events (id, case_id, at, kind, from_state, to_state, actor, actor_id, reason, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: byId
SELECT * FROM cases WHERE id = $1;

-- name: byRef
SELECT * FROM cases WHERE reference = $1;

-- name: byExt
SELECT * FROM cases WHERE external_ref = $1;

-- name: events
SELECT * FROM case_events WHERE case_id = $1 ORDER BY seq;

-- name: insertMeasure
INSERT INTO case_measures (id, case_id, content_provider_id, kind, at, actor_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: overdue
SELECT * FROM cases
 WHERE (state = 'received' AND forward_due_at <= $1) OR (state IN ('forwarded', 'investigating') AND answer_due_at <= $1)
 ORDER BY seq LIMIT $2;

-- name: escalatedOverdue
-- Mirrors escalatedOverdueReason and overdueEntryKey (src/domain/case.ts); the dedup key is unique, indexed.
SELECT * FROM cases c
 WHERE c.state = 'escalated' AND (
      (c.forwarded_at IS NULL AND c.forward_due_at <= $1
        AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.dedup_key = 'case:' || c.id || ':forward-overdue'))
   OR (c.forwarded_at IS NOT NULL AND c.content_provider_id IS NOT NULL AND c.answer_due_at <= $1
        AND (c.answered_at IS NULL OR c.answered_at >= c.answer_due_at)
        AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.dedup_key = 'case:' || c.id || ':overdue')))
 ORDER BY c.seq LIMIT $2;

-- name: casesOf
SELECT * FROM cases WHERE content_provider_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY seq;

-- name: countCasesOf
SELECT count(*)::int AS total,
       count(*) FILTER (WHERE state <> 'withdrawn' AND coalesce(finding, '') <> 'unfounded')::int AS counted,
       count(*) FILTER (WHERE finding IN ('confirmed', 'partly_confirmed'))::int AS confirmed,
       count(DISTINCT msisdn) FILTER (WHERE state <> 'withdrawn' AND coalesce(finding, '') <> 'unfounded')::int AS complainants,
       count(DISTINCT msisdn) FILTER (WHERE finding IN ('confirmed', 'partly_confirmed'))::int AS confirmed_complainants
  FROM cases WHERE content_provider_id = $1 AND created_at >= $2 AND created_at < $3;

-- name: insertCredit
INSERT INTO credit_entries (id, subject_type, subject_id, kind, at, actor_id, amount_yuan, notes, public_summary, summary_template, evidence, dedup_key, published_at, published_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (dedup_key) DO NOTHING;

-- name: creditById
SELECT * FROM credit_entries WHERE id = $1;

-- name: publish
UPDATE credit_entries SET published_at = $1, published_by = $2 WHERE id = $3 AND published_at IS NULL AND withdrawn_at IS NULL;

-- name: withdraw
UPDATE credit_entries SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3 WHERE id = $4 AND withdrawn_at IS NULL RETURNING *;

-- name: addVolume
INSERT INTO cp_monthly_volume (content_provider_id, month, type, accepted, rejected)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
ON CONFLICT (content_provider_id, month, type)
DO UPDATE SET accepted = cp_monthly_volume.accepted + excluded.accepted, rejected = cp_monthly_volume.rejected + excluded.rejected;

-- name: volume
SELECT * FROM cp_monthly_volume WHERE content_provider_id = $1 AND month >= $2 AND month <= $3 ORDER BY month, type;

-- name: rejectedBy
SELECT content_provider_id, sum(rejected)::bigint AS rejected FROM cp_monthly_volume WHERE month = $1 GROUP BY content_provider_id ORDER BY content_provider_id;

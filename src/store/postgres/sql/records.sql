-- Statutory records: the only queries that touch the `records` table (see records-writer.ts).

-- name: ensurePartition
SELECT records_partition_for($1::bigint) AS name;

-- name: appendMany
INSERT INTO records (id, at, kind, content_provider_id, msisdn, ref, body, port, type, decision, rule)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[]);

-- name: registerPipeline
INSERT INTO pipelines (id, rules) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING;

-- name: pipelineRules
SELECT rules FROM pipelines WHERE id = $1;

-- name: byRef
-- records_all: the live months and the records retained past their month's purge (migration 070).
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, body FROM records_all WHERE ref = $1 ORDER BY seq;

-- name: byRefs
-- byRef for a page of the message list (at most 100 refs), through the same ref index.
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, body FROM records_all WHERE ref = ANY($1::text[]) ORDER BY seq;

-- name: byMsisdnKind
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, body FROM records_all
 WHERE msisdn = $1 AND kind = $2 ORDER BY seq;

-- name: months
-- Month partitions of records, oldest first, with their bounds (epoch ms).
SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'records'::regclass
 ORDER BY c.relname;

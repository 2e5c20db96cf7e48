-- Hash chains, heads, holds and purge of the statutory records (records-linker.ts, records-archive.ts).
-- Queries on one month partition name it, and are built in the TypeScript.

-- name: linkerLock
SELECT pg_advisory_lock(hashtextextended(current_schema() || '.records_linker', 0));

-- name: linkerTryLock
SELECT pg_try_advisory_lock(hashtextextended(current_schema() || '.records_linker', 0)) AS ok;

-- name: linkerUnlock
SELECT pg_advisory_unlock(hashtextextended(current_schema() || '.records_linker', 0));

-- name: horizon
-- The last seq drawn by anyone (sequences are not transactional: this is the live value).
SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS s FROM records_seq;

-- name: insertHolders
-- Transactions holding the shared insert lock (migration 070) right now. A bigint advisory key shows
-- in pg_locks as classid = high half, objid = low half, objsubid = 1.
WITH k AS (SELECT hashtextextended(current_schema() || '.records_link', 0) AS k)
SELECT coalesce(array_agg(l.virtualtransaction), '{}') AS vx
  FROM pg_locks l, k
 WHERE l.locktype = 'advisory' AND l.objsubid = 1
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.classid = ((k.k >> 32) & 4294967295)::oid AND l.objid = (k.k & 4294967295)::oid;

-- name: stillHolding
WITH k AS (SELECT hashtextextended(current_schema() || '.records_link', 0) AS k)
SELECT count(*)::int AS n
  FROM pg_locks l, k
 WHERE l.locktype = 'advisory' AND l.objsubid = 1
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.classid = ((k.k >> 32) & 4294967295)::oid AND l.objid = (k.k & 4294967295)::oid
   AND l.virtualtransaction = ANY($1::text[]);

-- name: startMonth
-- A month's chain row; a month purged earlier whose partition came back (a late record) starts again
-- from its genesis.
INSERT INTO records_months (month) VALUES ($1)
ON CONFLICT (month) DO UPDATE SET first_seq = NULL, last_seq = NULL, count = 0, hash = NULL, kinds = NULL, sealed_at = NULL, purged_at = NULL
 WHERE records_months.purged_at IS NOT NULL;

-- name: tip
SELECT last_seq, count, hash FROM records_months WHERE month = $1;

-- name: insertLinks
INSERT INTO records_links (month, seq, pos, hash)
SELECT $1, s, p, decode(h, 'hex') FROM unnest($2::bigint[], $3::bigint[], $4::text[]) AS u(s, p, h);

-- name: moveTip
UPDATE records_months SET first_seq = coalesce(first_seq, $2), last_seq = $3, count = $4, hash = $5 WHERE month = $1;

-- name: months
SELECT c.relname AS name
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'records'::regclass
 ORDER BY c.relname;

-- name: chainRows
SELECT month, first_seq, last_seq, count, hash, kinds FROM records_months WHERE purged_at IS NULL AND count > 0 ORDER BY month;

-- name: retainedInfo
SELECT min(seq) AS first_seq, max(seq) AS last_seq, count(*)::int AS count, min(at) AS min_at, max(at) AS max_at,
       (SELECT hash FROM records_retained ORDER BY seq DESC LIMIT 1) AS hash
  FROM records_retained;

-- name: retainedKinds
SELECT kind, count(*)::int AS n FROM records_retained GROUP BY kind;

-- name: retainedKindsOf
SELECT kind, count(*)::int AS n FROM records_retained WHERE seq = ANY($1::bigint[]) GROUP BY kind;

-- name: scanRetained
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body::text AS body, hash, month, orig_hash
  FROM records_retained WHERE seq > $1 ORDER BY seq LIMIT $2;

-- name: heads
SELECT chain, first_seq, last_seq, count, hash, signed_at, key_id, public_key, signature FROM records_heads ORDER BY chain, signed_at, last_seq;

-- name: addHead
INSERT INTO records_heads (chain, first_seq, last_seq, count, hash, signed_at, key_id, public_key, signature)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING;

-- name: sealedKinds
SELECT kinds FROM records_months WHERE month = $1;

-- name: seal
UPDATE records_months SET kinds = $2, sealed_at = $3 WHERE month = $1 AND kinds IS NULL;

-- name: addHold
INSERT INTO record_holds (id, msisdn, content_provider_id, reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6);

-- name: releaseHold
UPDATE record_holds SET released_at = $2, released_by = $3 WHERE id = $1 AND released_at IS NULL RETURNING *;

-- name: holds
SELECT * FROM record_holds ORDER BY created_at, id;

-- name: activeHolds
SELECT * FROM record_holds WHERE released_at IS NULL ORDER BY created_at, id;

-- name: dndListed
SELECT 1 FROM dnd WHERE msisdn = $1;

-- name: consentEnds
SELECT withdrawn_at, expires_at FROM consents WHERE content_provider_id = $1 AND msisdn = $2;

-- name: optoutAt
SELECT at FROM optouts WHERE content_provider_id = $1 AND msisdn = $2;

-- name: relationship
SELECT ended_at FROM subscription_relationships WHERE content_provider_id = $1 AND msisdn = $2;

-- name: lastContact
-- A message sent or a subscription event between the two extends the relationship.
SELECT max(at) AS at FROM records_all
 WHERE msisdn = $1 AND content_provider_id IS NOT DISTINCT FROM $2 AND kind IN ('mt', 'subscription');

-- name: scanProviderRetained
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body::text AS body, hash, month, orig_hash
  FROM records_retained WHERE content_provider_id = $1 AND at >= $2 AND at < $3 AND seq > $4 ORDER BY seq LIMIT $5;

-- name: scanProviderLive
-- Bounds on `at` prune month partitions. Links are looked up per month afterwards (linksOf).
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body::text AS body
  FROM records
 WHERE content_provider_id = $1 AND at >= $2 AND at < $3 AND seq > $4 ORDER BY seq LIMIT $5;

-- name: countProvider
SELECT count(*)::int AS n FROM records_all WHERE content_provider_id = $1 AND at >= $2 AND at < $3;

-- name: markPurged
UPDATE records_months SET purged_at = $2, purged_first_seq = $3, purged_last_seq = $4 WHERE month = $1;

-- name: retainedForRechain
SELECT seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body::text AS body, month, orig_hash
  FROM records_retained ORDER BY seq;

-- name: setRetainedHashes
UPDATE records_retained r SET hash = decode(u.h, 'hex') FROM unnest($1::bigint[], $2::text[]) AS u(s, h) WHERE r.seq = u.s;

-- name: pruneRetained
DELETE FROM records_retained WHERE seq <> ALL($1::bigint[]);

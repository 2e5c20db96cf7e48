-- deliver_sm waiting for a content provider's ESME (smpp-deliveries.ts). Times are epoch ms.

-- name: insert
INSERT INTO smpp_deliveries (content_provider_id, kind, key, pdu, msisdn, created_at, due_at, attempts)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::bigint[], $7::bigint[], $8::int[])
ON CONFLICT (content_provider_id, key) DO NOTHING;

-- name: due
SELECT DISTINCT content_provider_id AS cp FROM smpp_deliveries
 WHERE content_provider_id = ANY($1::text[]) AND due_at <= $2 AND lease_until <= $2;

-- name: claim
-- SKIP LOCKED: a process claiming at the same instant takes the next rows instead of waiting for
-- these; the lease then keeps them this owner's until it runs out.
UPDATE smpp_deliveries d SET owner = $2, lease_until = $3
  FROM (SELECT id FROM smpp_deliveries
         WHERE content_provider_id = $1 AND due_at <= $4 AND lease_until <= $4
         ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED) AS f
 WHERE d.id = f.id
RETURNING d.id, d.content_provider_id, d.kind, d.key, d.pdu, d.msisdn, d.created_at, d.due_at, d.attempts;

-- name: remove
DELETE FROM smpp_deliveries WHERE id = ANY($1::bigint[]);

-- name: retry
UPDATE smpp_deliveries SET owner = NULL, lease_until = 0, due_at = $3, attempts = $4 WHERE id = $1 AND owner = $2;

-- name: release
UPDATE smpp_deliveries SET owner = NULL, lease_until = 0 WHERE owner = $1;

-- name: expire
DELETE FROM smpp_deliveries d
 USING (SELECT id FROM smpp_deliveries WHERE created_at < $1 ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) AS f
 WHERE d.id = f.id
RETURNING d.id, d.content_provider_id, d.kind, d.msisdn, d.created_at, d.attempts;

-- name: count
SELECT count(*)::int AS n FROM smpp_deliveries WHERE $1::text IS NULL OR content_provider_id = $1;

-- name: announce
-- One statement: other processes never see this owner's list half replaced.
WITH gone AS (
  DELETE FROM smpp_receivers
   WHERE (owner = $1 AND NOT (content_provider_id = ANY($2::text[]))) OR (owner <> $1 AND until <= $3)
)
INSERT INTO smpp_receivers (owner, content_provider_id, until) SELECT $1, unnest($2::text[]), $4
ON CONFLICT (owner, content_provider_id) DO UPDATE SET until = excluded.until;

-- name: elsewhere
SELECT DISTINCT content_provider_id AS cp FROM smpp_receivers WHERE owner <> $1 AND until > $2;

-- name: keepParts
INSERT INTO provider_parts (set_key, seq, total, octets, data_coding, part_id, registered_delivery, at, message_type, category, charged_service_id)
SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bytea[], $5::int[], $6::text[], $7::int[], $8::bigint[], $9::text[], $10::text[], $11::text[])
ON CONFLICT (set_key, seq) DO NOTHING;

-- name: dropParts
DELETE FROM provider_parts WHERE set_key = ANY($1::text[]) RETURNING set_key, seq;

-- name: takeWholeSet
-- Of processes asking at once, the first DELETE takes every row; the others, waiting on its row
-- locks, find them gone and take none.
DELETE FROM provider_parts WHERE set_key = $1 AND (SELECT count(*) FROM provider_parts WHERE set_key = $1) = $2
RETURNING set_key, seq, total, octets, data_coding, part_id, registered_delivery, at, message_type, category, charged_service_id;

-- name: openParts
SELECT set_key, seq, total, octets, data_coding, part_id, registered_delivery, at, message_type, category, charged_service_id FROM provider_parts ORDER BY at, set_key, seq;

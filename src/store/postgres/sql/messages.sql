-- MT submissions: the atomic decide-and-record path (messages.ts).

-- name: facts
-- Every fact a batch needs, in one round trip (after the locks: a statement's snapshot is taken when
-- it starts, so this must be a statement of its own, after the lock statement). Each part probes per
-- key (LATERAL / EXISTS): never a scan of a whole table.
--   $1 providers, $2 ports, $3/$4 (provider, number) pairs for verification counts, $5 since,
--   $6/$7 pairs for opt-outs (and their signatures), $8 numbers for do-not-disturb, $9/$10/$11 consent triples, $12 since.
WITH live_consents AS (
  SELECT c.id, c.content_provider_id, c.msisdn, c.category, c.granted_at, c.expires_at, c.freq_count, c.freq_per,
         -- recorded with proof (a profile requiring it counts no other: pipeline consentHeld); '{}' is none
         (jsonb_typeof(c.proof) = 'object' AND c.proof <> '{}'::jsonb) AS has_proof
    FROM unnest($9::text[], $10::text[], $11::text[]) AS k(cp, m, cat)
   CROSS JOIN LATERAL (SELECT * FROM consents WHERE content_provider_id = k.cp AND msisdn = k.m AND category = k.cat AND withdrawn_at IS NULL) AS c
)
SELECT
  -- revoked: the signatures an operator took back, with when (the refusal says so; migration 103);
  -- a text revoked more than once (registered again in between, migration 105): the latest
  (SELECT coalesce(json_agg(json_build_object('id', c.id, 'status', c.status, 'signatures',
            coalesce((SELECT array_agg(s.signature) FROM signatures s WHERE s.content_provider_id = c.id AND s.status = 'approved' AND s.revoked_at IS NULL), '{}'),
            'revoked', (SELECT json_object_agg(r.signature, r.at) FROM (SELECT s.signature, max(s.revoked_at) AS at FROM signatures s WHERE s.content_provider_id = c.id AND s.revoked_at IS NOT NULL GROUP BY s.signature) AS r))), '[]')
     FROM content_providers c WHERE c.id = ANY($1::text[])) AS senders,
  (SELECT coalesce(json_agg(json_build_object('number', p.number, 'ownerId', p.content_provider_id, 'kind', p.kind, 'retiredAt', p.retired_at)), '[]')
     FROM ports p WHERE p.number = ANY($2::text[])) AS ports,
  (SELECT coalesce(json_agg(json_build_object('cp', k.cp, 'm', k.m, 'at', s.at)), '[]')
     FROM unnest($3::text[], $4::text[]) AS k(cp, m)
    CROSS JOIN LATERAL (SELECT at FROM sends WHERE content_provider_id = k.cp AND msisdn = k.m AND type = 'verification' AND at > $5) AS s) AS verif,
  -- The opted-out pairs, each with the signatures its refusals answered ('*': unknown, all), which a
  -- per-signature scope needs (docs/CONSENT.md, "Scope"); read only for a pair that opted out, as
  -- SQLite does (commercial-facts.ts), by the primary key of optout_signatures.
  (SELECT coalesce(json_agg(json_build_object('cp', k.cp, 'm', k.m, 'signatures',
            (SELECT coalesce(array_agg(s.signature ORDER BY s.signature), '{}') FROM optout_signatures s
              WHERE s.content_provider_id = k.cp AND s.msisdn = k.m))), '[]')
     FROM unnest($6::text[], $7::text[]) AS k(cp, m)
    WHERE EXISTS (SELECT 1 FROM optouts o WHERE o.content_provider_id = k.cp AND o.msisdn = k.m)) AS optouts,
  (SELECT coalesce(json_agg(d.msisdn), '[]') FROM dnd d WHERE d.msisdn = ANY($8::text[])) AS dnd,
  (SELECT coalesce(json_agg(c), '[]') FROM live_consents c) AS consents,
  -- Every commercial send of the category, under whichever consent (its frequency counts them all:
  -- docs/CONSENT.md, "Which consent governs"), through sends_commercial_by_category (migration 088).
  (SELECT coalesce(json_agg(json_build_object('cp', k.cp, 'm', k.m, 'cat', k.cat, 'at', s.at)), '[]')
     FROM unnest($9::text[], $10::text[], $11::text[]) AS k(cp, m, cat)
    CROSS JOIN LATERAL (SELECT at FROM sends WHERE content_provider_id = k.cp AND msisdn = k.m AND type = 'commercial' AND category = k.cat AND at > $12) AS s) AS category_sends;

-- name: chargedSubscriptions
-- A batch's charged messages (rule 8): each (service, provider, number)'s live subscription, by the
-- partial unique index charged_subscriptions_live (migration 122). Run only for a batch with a message
-- naming a service, after the locks like `facts` (an opt-out ends subscriptions under the same lock).
SELECT k.svc, k.cp, k.m, s.id
  FROM unnest($1::text[], $2::text[], $3::text[]) AS k(svc, cp, m)
  JOIN charged_subscriptions s ON s.service_id = k.svc AND s.msisdn = k.m AND s.content_provider_id = k.cp AND s.ended_at IS NULL;

-- name: writes
-- The batch's records, frequency counters and queue rows in one statement (one round trip). $24: the
-- counters' categories (a commercial send's, NULL for verification), and $25 the queue rows' (a
-- commercial message's, judged again before it is sent: migration 092), $26 their validity
-- (migration 093, NULL: none), $27 their schedule (NULL: due at once; src/domain/schedule.ts), $28
-- their clientRef ('' for none: migration 096), added last so the others keep their numbers.
-- $33: the queue rows' delivery lanes (migration 111, src/domain/priority.ts). $34: their charged
-- service (migration 123, NULL but for a charged message): judged again before it is sent.
-- $29-$32: the batch's usage counters (usage.ts, migrations 097 and 102), one row per distinct
-- (provider, day, key), sorted, in this connection's shard (no other transaction waits on it): the
-- upsert rides in this statement, no round trip of its own.
WITH r AS (
  INSERT INTO records (id, at, kind, content_provider_id, msisdn, ref, body, port, type, decision, rule)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[])
), s AS (
  INSERT INTO sends (content_provider_id, msisdn, type, consent_id, category, at)
  SELECT * FROM unnest($12::text[], $13::text[], $14::text[], $15::text[], $24::text[], $16::bigint[])
), u AS (
  INSERT INTO usage_counts AS uc (content_provider_id, day, key, shard, n)
  SELECT cp, d, k, pg_backend_pid(), n FROM unnest($29::text[], $30::text[], $31::text[], $32::bigint[]) AS x(cp, d, k, n)
  ON CONFLICT (content_provider_id, day, key, shard) DO UPDATE SET n = uc.n + excluded.n
)
INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at, category, valid_until, client_ref, priority, charged_service_id)
SELECT i, cp, m, f, t, rd, 0, coalesce(du, at), at, 'accepted', at, cat, vu, cr, pr, chs
  FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::smallint[], $23::bigint[], $25::text[], $26::bigint[], $27::bigint[], $28::text[], $33::smallint[], $34::text[]) AS u(i, cp, f, m, t, rd, at, cat, vu, du, cr, pr, chs);

-- name: enqueue
-- $8: the messages' categories (migration 092; NULL but for a commercial message). A system message
-- has no clientRef: '' (migration 096). $9: their delivery lanes (migration 111).
INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at, category, client_ref, priority)
SELECT i, cp, m, f, t, rd, 0, at, at, 'accepted', at, cat, '', pr
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::bigint[], $8::text[], $9::smallint[]) AS u(i, cp, f, m, t, rd, at, cat, pr);

-- name: pruneStatuses
-- Housekeeping: up to $2 status rows that are no longer work, last changed before $1. SKIP LOCKED:
-- rows another transaction holds are simply left for the next run.
DELETE FROM message_status WHERE id IN (
  SELECT id FROM message_status WHERE updated_at < $1 AND status NOT IN ('accepted', 'held') LIMIT $2 FOR UPDATE SKIP LOCKED);

-- name: pruneSends
-- Housekeeping: up to $2 frequency-counter rows older than $1 (no rule reads that far back).
DELETE FROM sends WHERE ctid IN (SELECT ctid FROM sends WHERE at < $1 LIMIT $2);

-- name: pruneVerificationSends
-- Housekeeping: up to $2 verification counter rows older than $1 (their rules look back a day),
-- through the partial index on their time (migration 082).
DELETE FROM sends WHERE ctid IN (SELECT ctid FROM sends WHERE type = 'verification' AND at < $1 LIMIT $2);

-- name: pruneParts
-- A long message's parts (outbox.sql) go with its status row's age.
DELETE FROM upstream_parts WHERE ctid IN (SELECT ctid FROM upstream_parts WHERE at < $1 LIMIT $2);

-- name: fileClientParts
-- A long message's earlier part ids, each naming it (migration 094), in the decision's transaction:
-- $1 providers, $2 part ids, $3 message ids, $4 times. A part id already on file for the provider
-- keeps its first message (ids are unique per sending process: never, in practice).
INSERT INTO client_parts (content_provider_id, part_id, message_id, at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
ON CONFLICT DO NOTHING;

-- name: messageOfPart
SELECT message_id FROM client_parts WHERE content_provider_id = $1 AND part_id = $2;

-- name: pruneClientParts
-- A long message's part ids go with its status row (pruned just before, or never there: refused).
DELETE FROM client_parts WHERE (content_provider_id, part_id) IN (
  SELECT content_provider_id, part_id FROM client_parts c
   WHERE at < $1 AND NOT EXISTS (SELECT 1 FROM message_status s WHERE s.id = c.message_id) LIMIT $2);

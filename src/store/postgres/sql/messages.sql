-- MT submissions: the atomic decide-and-record path (messages.ts).

-- name: lockNumbers
-- Transaction-scoped advisory locks, one per (content provider, number), taken in ascending key
-- order so that two batches sharing numbers can never deadlock.
SELECT pg_advisory_xact_lock(k) FROM (
  SELECT DISTINCT hashtextextended('smsguard.number:' || x, 0) AS k FROM unnest($1::text[]) AS x ORDER BY 1
) AS s;

-- name: verificationSends
-- LATERAL: one index probe per (provider, number), never a scan of the whole table (a plain join
-- on unnest() lets the planner pick a hash join over every send).
SELECT k.cp AS content_provider_id, k.m AS msisdn, s.at
  FROM unnest($1::text[], $2::text[]) AS k(cp, m)
 CROSS JOIN LATERAL (SELECT at FROM sends WHERE content_provider_id = k.cp AND msisdn = k.m AND type = 'verification' AND at > $3) AS s;

-- name: optouts
SELECT k.cp AS content_provider_id, k.m AS msisdn
  FROM unnest($1::text[], $2::text[]) AS k(cp, m)
 WHERE EXISTS (SELECT 1 FROM optouts o WHERE o.content_provider_id = k.cp AND o.msisdn = k.m);

-- name: dnd
SELECT msisdn FROM dnd WHERE msisdn = ANY($1::text[]);

-- name: consents
SELECT c.id, c.content_provider_id, c.msisdn, c.category, c.granted_at, c.expires_at, c.freq_count, c.freq_per
  FROM unnest($1::text[], $2::text[], $3::text[]) AS k(cp, m, cat)
 CROSS JOIN LATERAL (SELECT * FROM consents WHERE content_provider_id = k.cp AND msisdn = k.m AND category = k.cat AND withdrawn_at IS NULL) AS c;

-- name: consentSends
SELECT k.id AS consent_id, s.at
  FROM unnest($1::text[]) AS k(id)
 CROSS JOIN LATERAL (SELECT at FROM sends WHERE consent_id = k.id AND at > $2) AS s;

-- name: insertSends
INSERT INTO sends (content_provider_id, msisdn, type, consent_id, at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]);

-- name: enqueue
INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at)
SELECT i, cp, m, f, t, rd, 0, at, at, 'accepted', at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[]) AS u(i, cp, f, m, t, rd, at);

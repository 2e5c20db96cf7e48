-- MT submissions: the atomic decide-and-record path (messages.ts).

-- name: lockNumbers
-- Transaction-scoped advisory locks, one per (content provider, number), taken in ascending key
-- order so that two batches sharing numbers can never deadlock.
SELECT pg_advisory_xact_lock(k) FROM (
  SELECT DISTINCT hashtextextended('smsguard.number:' || x, 0) AS k FROM unnest($1::text[]) AS x ORDER BY 1
) AS s;

-- name: verificationSends
SELECT s.content_provider_id, s.msisdn, s.at
  FROM sends s JOIN unnest($1::text[], $2::text[]) AS k(cp, m) ON s.content_provider_id = k.cp AND s.msisdn = k.m
 WHERE s.type = 'verification' AND s.at > $3;

-- name: optouts
SELECT o.content_provider_id, o.msisdn
  FROM optouts o JOIN unnest($1::text[], $2::text[]) AS k(cp, m) ON o.content_provider_id = k.cp AND o.msisdn = k.m;

-- name: dnd
SELECT msisdn FROM dnd WHERE msisdn = ANY($1::text[]);

-- name: consents
SELECT c.id, c.content_provider_id, c.msisdn, c.category, c.granted_at, c.expires_at, c.freq_count, c.freq_per
  FROM consents c JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(cp, m, cat)
    ON c.content_provider_id = k.cp AND c.msisdn = k.m AND c.category = k.cat
 WHERE c.withdrawn_at IS NULL;

-- name: consentSends
SELECT consent_id, at FROM sends WHERE consent_id = ANY($1::text[]) AND at > $2;

-- name: insertSends
INSERT INTO sends (content_provider_id, msisdn, type, consent_id, at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]);

-- name: enqueue
INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at)
SELECT i, cp, m, f, t, rd, 0, at, at, 'accepted', at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[]) AS u(i, cp, f, m, t, rd, at);

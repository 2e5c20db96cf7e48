-- Consents, consent requests, opt-outs, do-not-disturb, subscription relationships (consents.ts).

-- name: insertConsent
INSERT INTO consents (id, content_provider_id, msisdn, category, freq_count, freq_per, granted_at, expires_at, channel, proof, withdrawn_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL);

-- name: getConsent
SELECT * FROM consents WHERE id = $1;

-- name: withdraw
UPDATE consents SET withdrawn_at = $3, withdrawn_by_user = $4 WHERE id = $1 AND content_provider_id = $2 AND withdrawn_at IS NULL
RETURNING msisdn, category;

-- name: withdrawLive
-- An opt-out that ends the relationship withdraws every live consent of the provider for the number
-- (docs/CONSENT.md, "Refusal"): the user's refusal supersedes what they agreed before it.
UPDATE consents SET withdrawn_at = $3 WHERE content_provider_id = $1 AND msisdn = $2 AND withdrawn_at IS NULL AND expires_at > $3
RETURNING id, category, granted_at;

-- name: startRelationship
INSERT INTO subscription_relationships (content_provider_id, msisdn, started_at, ended_at, end_reason) VALUES ($1, $2, $3, NULL, NULL)
ON CONFLICT (content_provider_id, msisdn) DO UPDATE
   SET started_at = CASE WHEN subscription_relationships.ended_at IS NULL THEN subscription_relationships.started_at ELSE excluded.started_at END,
       ended_at = NULL, end_reason = NULL;

-- name: openRelationship
SELECT 1 FROM subscription_relationships WHERE content_provider_id = $1 AND msisdn = $2 AND ended_at IS NULL FOR UPDATE;

-- name: endRelationship
UPDATE subscription_relationships SET ended_at = $1, end_reason = $2 WHERE content_provider_id = $3 AND msisdn = $4 AND ended_at IS NULL;

-- name: liveConsents
SELECT count(*)::int AS n FROM consents WHERE content_provider_id = $1 AND msisdn = $2 AND withdrawn_at IS NULL AND expires_at > $3;

-- name: optOut
INSERT INTO optouts (content_provider_id, msisdn, at) VALUES ($1, $2, $3)
ON CONFLICT (content_provider_id, msisdn) DO UPDATE SET at = excluded.at;

-- name: optOutSignature
INSERT INTO optout_signatures (content_provider_id, msisdn, signature, at) VALUES ($1, $2, $3, $4)
ON CONFLICT (content_provider_id, msisdn, signature) DO UPDATE SET at = excluded.at;

-- name: isOptedOut
SELECT 1 FROM optouts WHERE content_provider_id = $1 AND msisdn = $2;

-- name: liftOptOut
DELETE FROM optouts WHERE content_provider_id = $1 AND msisdn = $2;

-- name: liftOptOutSignatures
DELETE FROM optout_signatures WHERE content_provider_id = $1 AND msisdn = $2;

-- name: dnd
SELECT at, source FROM dnd WHERE msisdn = $1;

-- name: addDnd
INSERT INTO dnd (msisdn, at, source) SELECT DISTINCT m, $2::bigint, $3 FROM unnest($1::text[]) AS m
ON CONFLICT DO NOTHING RETURNING msisdn;

-- name: dndPage
-- A page of the do-not-disturb list (ConsentStore.listDnd): strictly past ($1, $2), the previous page's
-- last entry or the start (keysetLowerBound), in (at, msisdn) order, $3 entries at most: a walk on
-- dnd_listed (migration 128).
SELECT msisdn, at, source FROM dnd WHERE (at, msisdn) > ($1::bigint, $2::text) ORDER BY at, msisdn LIMIT $3;

-- name: removeDnd
DELETE FROM dnd WHERE msisdn = $1 RETURNING at, source;

-- name: insertRequest
INSERT INTO consent_requests (id, content_provider_id, msisdn, port, category, freq_count, freq_per, duration_days, text, message_id, status, created_at, deadline_at, resolved_at, consent_id, profile, charged_service_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12, NULL, NULL, $13, $14);

-- name: request
SELECT * FROM consent_requests WHERE id = $1;

-- name: requestForUpdate
SELECT * FROM consent_requests WHERE id = $1 FOR UPDATE;

-- name: pendingFor
SELECT * FROM consent_requests WHERE content_provider_id = $1 AND msisdn = $2 AND status = 'pending' ORDER BY created_at DESC LIMIT 1;

-- name: pendingAtPort
SELECT * FROM consent_requests WHERE msisdn = $1 AND port = $2 AND status = 'pending' ORDER BY created_at DESC LIMIT 1;

-- name: latestAtPort
SELECT * FROM consent_requests WHERE msisdn = $1 AND port = $2 ORDER BY created_at DESC, id DESC LIMIT 1;

-- name: markLateReply
-- A late reply answered once (migration 129): only a closed request, only the first time; the row
-- lock it takes makes a second late reply racing it wait, then find it set.
UPDATE consent_requests SET late_reply_at = $1 WHERE id = $2 AND status <> 'pending' AND late_reply_at IS NULL
RETURNING content_provider_id, msisdn;

-- name: pendingOfProvider
SELECT * FROM consent_requests WHERE content_provider_id = $1 AND msisdn = $2 AND status = 'pending' ORDER BY created_at, id FOR UPDATE;

-- name: refused
SELECT * FROM consent_requests WHERE content_provider_id = $1 AND msisdn = $2 AND status IN ('refused', 'deemed_refused') ORDER BY created_at;

-- name: withdrawnByUser
SELECT id, category, withdrawn_at FROM consents WHERE content_provider_id = $1 AND msisdn = $2 AND withdrawn_by_user ORDER BY withdrawn_at;

-- name: grantedWithProof
SELECT id, category, granted_at, proof FROM consents WHERE content_provider_id = $1 AND msisdn = $2 AND jsonb_typeof(proof) = 'object' AND proof <> '{}'::jsonb;

-- name: resolve
UPDATE consent_requests SET status = $1, resolved_at = $2, consent_id = $3 WHERE id = $4 AND status = 'pending';

-- name: due
SELECT * FROM consent_requests WHERE status = 'pending' AND deadline_at <= $1 ORDER BY deadline_at LIMIT $2;

-- name: markSent
UPDATE consent_requests SET message_sent = true WHERE id = $1;

-- name: unsent
SELECT * FROM consent_requests WHERE NOT message_sent ORDER BY created_at LIMIT $1;

-- name: expiring
-- SKIP LOCKED: two sweepers in two processes record each expiry once.
SELECT * FROM consents WHERE NOT expiry_recorded AND withdrawn_at IS NULL AND expires_at <= $1
 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED;

-- name: markExpired
UPDATE consents SET expiry_recorded = true WHERE id = ANY($1::text[]);

-- name: subscriberConsents
SELECT * FROM consents WHERE msisdn = $1 AND ($2::text IS NULL OR content_provider_id = $2) ORDER BY granted_at;

-- name: subscriberRequests
SELECT * FROM consent_requests WHERE msisdn = $1 AND ($2::text IS NULL OR content_provider_id = $2) ORDER BY created_at;

-- name: subscriberOptOuts
SELECT content_provider_id, at FROM optouts WHERE msisdn = $1 AND ($2::text IS NULL OR content_provider_id = $2) ORDER BY at;

-- name: subscriberOptOutSignatures
SELECT content_provider_id, signature FROM optout_signatures WHERE msisdn = $1 AND ($2::text IS NULL OR content_provider_id = $2) ORDER BY at;

-- name: subscriberRelationships
SELECT * FROM subscription_relationships WHERE msisdn = $1 AND ($2::text IS NULL OR content_provider_id = $2) ORDER BY started_at;

-- name: sendTimeFacts
-- ConsentStore.sendTimeFacts: for each queued commercial message about to be sent ($1/$2/$3:
-- provider, number, category), in input order, what may have changed since it was accepted: the
-- opt-out with the signatures it answered, do-not-disturb, and the unwithdrawn consents of the
-- category, of which consents.ts picks the governing one as a decision does (pickConsent; the
-- decision's facts query in messages.sql reads the same rows). One round trip for the batch; each
-- part probes per key (primary keys, consents_lookup), never a scan.
SELECT EXISTS (SELECT 1 FROM optouts o WHERE o.content_provider_id = k.cp AND o.msisdn = k.m) AS opted,
       (SELECT coalesce(array_agg(s.signature ORDER BY s.signature), '{}') FROM optout_signatures s
         WHERE s.content_provider_id = k.cp AND s.msisdn = k.m) AS signatures,
       EXISTS (SELECT 1 FROM dnd d WHERE d.msisdn = k.m) AS dnd,
       (SELECT coalesce(json_agg(json_build_object('id', c.id, 'category', c.category, 'grantedAt', c.granted_at, 'expiresAt', c.expires_at,
                 'count', c.freq_count, 'per', c.freq_per, 'hasProof', jsonb_typeof(c.proof) = 'object' AND c.proof <> '{}'::jsonb)), '[]')
          FROM consents c WHERE c.content_provider_id = k.cp AND c.msisdn = k.m AND c.category = k.cat AND c.withdrawn_at IS NULL) AS consents
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(cp, m, cat, n)
 ORDER BY k.n;

-- name: withdrawnConsents
-- The (provider, number, category) triples with no unwithdrawn consent at all (their commercial
-- messages are refused consent_missing, at a decision or at send time): each one's consent withdrawn
-- last, which the refusal names (pipeline consentHeld; readWithdrawnConsents in consents.ts). Run only
-- for such triples: a decision's after the locks like `facts` (messages.ts), the send-time check's as
-- sendTimeFacts is read. By consents_lookup.
SELECT k.cp, k.m, k.cat, w.id, w.withdrawn_at, w.withdrawn_by_user
  FROM unnest($1::text[], $2::text[], $3::text[]) AS k(cp, m, cat)
 CROSS JOIN LATERAL (SELECT id, withdrawn_at, withdrawn_by_user FROM consents
                      WHERE content_provider_id = k.cp AND msisdn = k.m AND category = k.cat AND withdrawn_at IS NOT NULL
                      ORDER BY withdrawn_at DESC, id DESC LIMIT 1) AS w;

-- Charged services (rule 8) and their confirmed subscriptions (migration 122).

-- name: insertService
INSERT INTO charged_services (id, content_provider_id, name, port, amount_fen, per, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: service
SELECT * FROM charged_services WHERE id = $1;

-- name: servicesOf
SELECT * FROM charged_services WHERE content_provider_id = $1 ORDER BY created_at, id;

-- name: services
SELECT * FROM charged_services ORDER BY created_at, id;

-- name: insertSubscription
INSERT INTO charged_subscriptions (id, service_id, content_provider_id, msisdn, started_at, ended_at, end_reason, proof) VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6);

-- name: liveSubscription
SELECT * FROM charged_subscriptions WHERE service_id = $1 AND msisdn = $2 AND ended_at IS NULL;

-- name: liveSubscriptionsOf
SELECT * FROM charged_subscriptions WHERE content_provider_id = $1 AND msisdn = $2 AND ended_at IS NULL ORDER BY started_at, id FOR UPDATE;

-- name: endSubscription
UPDATE charged_subscriptions SET ended_at = $1, end_reason = $2 WHERE id = $3 AND ended_at IS NULL;

-- name: liveChargedSubscriptions
-- The send-time check's (rule 8, src/app/send-time-check.ts): for each queued charged message, the
-- number's live subscription of its sender to the service (charged_subscriptions_live), or NULL; one
-- row per item, in input order.
SELECT s.id
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(svc, cp, m, n)
  LEFT JOIN charged_subscriptions s ON s.service_id = k.svc AND s.msisdn = k.m AND s.content_provider_id = k.cp AND s.ended_at IS NULL
 ORDER BY k.n;

-- name: subscriptionsOf
-- One service's subscriptions, live and ended, a keyset page in (started_at, id) order strictly past
-- ($2, $3) and started before $4 (a regulator token's dates; else the largest time); $5 rows at most.
-- ($2, $3) is the page's last row, or the window's start with id '' (keysetLowerBound): both bounds
-- are the walk's on charged_subscriptions_service (migration 123), which no longer starts at the
-- service's first subscription.
SELECT * FROM charged_subscriptions
 WHERE service_id = $1 AND (started_at, id) > ($2::bigint, $3::text) AND started_at < $4::bigint
 ORDER BY started_at, id LIMIT $5;

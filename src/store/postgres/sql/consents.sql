-- Consents, opt-outs, do-not-disturb (consents.ts).

-- name: insertConsent
INSERT INTO consents (id, content_provider_id, msisdn, category, freq_count, freq_per, granted_at, expires_at, channel, proof, withdrawn_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL);

-- name: getConsent
SELECT * FROM consents WHERE id = $1;

-- name: withdraw
UPDATE consents SET withdrawn_at = $3 WHERE id = $1 AND content_provider_id = $2 AND withdrawn_at IS NULL
RETURNING msisdn, category;

-- name: optOut
INSERT INTO optouts (content_provider_id, msisdn, at) VALUES ($1, $2, $3)
ON CONFLICT (content_provider_id, msisdn) DO UPDATE SET at = excluded.at;

-- name: isOptedOut
SELECT 1 FROM optouts WHERE content_provider_id = $1 AND msisdn = $2;

-- name: addDnd
INSERT INTO dnd (msisdn, at, source) SELECT DISTINCT m, $2::bigint, $3 FROM unnest($1::text[]) AS m
ON CONFLICT DO NOTHING RETURNING msisdn;

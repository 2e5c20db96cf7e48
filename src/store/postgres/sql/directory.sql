-- Providers, signatures, ports, tokens.

-- name: insertCp
INSERT INTO content_providers (id, name, credit_code, license_number, status, created_at, http_throughput) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: insertApiKey
INSERT INTO tokens (id, hash, role, subject, label, scope, created_at) VALUES ($1, $2, 'content-provider', $3, 'api key', '{}', $4);

-- name: getCp
SELECT * FROM content_providers WHERE id = $1;

-- name: listCps
SELECT * FROM content_providers ORDER BY created_at, id;

-- name: setCpStatus
UPDATE content_providers SET status = $2 WHERE id = $1;

-- name: setCpHttpThroughput
UPDATE content_providers SET http_throughput = $2 WHERE id = $1;

-- name: signatureOwner
-- Only a standing registration binds the text (migrations 105, 117): a revoked one, or a rejected
-- application, gives way.
SELECT content_provider_id FROM signatures WHERE signature = $1 AND revoked_at IS NULL AND status <> 'rejected';

-- name: standingSignatures
-- Every text that stands (migration 117's index), for the lookalike check of a new registration.
SELECT content_provider_id, signature FROM signatures WHERE revoked_at IS NULL AND status <> 'rejected';

-- name: latestRevokedSignature
SELECT * FROM signatures WHERE signature = $1 AND revoked_at IS NOT NULL ORDER BY revoked_at DESC, id DESC LIMIT 1;

-- name: insertSignature
INSERT INTO signatures (id, content_provider_id, signature, status, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: setSignatureStatus
-- A revoked signature is never reviewed back to life (migration 103).
UPDATE signatures SET status = $2 WHERE id = $1 AND revoked_at IS NULL;

-- name: getSignature
SELECT * FROM signatures WHERE id = $1;

-- name: revokeSignature
-- Only one standing: a second revocation keeps the first's time and reason (and records nothing).
UPDATE signatures SET revoked_at = $3, revoked_reason = $4 WHERE id = $1 AND content_provider_id = $2 AND revoked_at IS NULL RETURNING signature, status;

-- name: getSignatureOf
SELECT * FROM signatures WHERE id = $1 AND content_provider_id = $2;

-- name: listSignatures
SELECT * FROM signatures WHERE content_provider_id = $1 ORDER BY created_at, id;

-- name: insertPort
INSERT INTO ports (number, content_provider_id, kind, created_at) VALUES ($1, $2, $3, $4);

-- name: retiredPortForUpdate
SELECT * FROM ports WHERE number = $1 AND retired_at IS NOT NULL FOR UPDATE;

-- name: takeOverPort
-- A retired number registered again: the row is the new holder's (the earlier tenure is in the records).
UPDATE ports SET content_provider_id = $2, kind = $3, created_at = $4, retired_at = NULL, retired_reason = NULL WHERE number = $1 AND retired_at IS NOT NULL;

-- name: retirePort
UPDATE ports SET retired_at = $2, retired_reason = $3 WHERE number = $1 AND retired_at IS NULL RETURNING content_provider_id, kind, created_at;

-- name: getPort
SELECT * FROM ports WHERE number = $1;

-- name: listPorts
SELECT * FROM ports ORDER BY number;

-- name: listPortsOf
SELECT * FROM ports WHERE content_provider_id = $1 ORDER BY number;

-- name: insertToken
INSERT INTO tokens (id, hash, role, subject, label, scope, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: findToken
SELECT * FROM tokens WHERE hash = $1 AND revoked_at IS NULL;

-- name: countTokens
SELECT count(*)::int AS n FROM tokens WHERE role = $1 AND revoked_at IS NULL;

-- name: getToken
SELECT * FROM tokens WHERE id = $1;

-- name: listTokens
SELECT * FROM tokens WHERE ($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR subject = $2) ORDER BY created_at, id;

-- name: revokeToken
UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL;

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
SELECT content_provider_id FROM signatures WHERE signature = $1;

-- name: insertSignature
INSERT INTO signatures (id, content_provider_id, signature, status, created_at) VALUES ($1, $2, $3, $4, $5);

-- name: setSignatureStatus
UPDATE signatures SET status = $2 WHERE id = $1;

-- name: listSignatures
SELECT * FROM signatures WHERE content_provider_id = $1 ORDER BY created_at, id;

-- name: insertPort
INSERT INTO ports (number, content_provider_id, kind, created_at) VALUES ($1, $2, $3, $4);

-- name: getPort
SELECT number, content_provider_id, kind, created_at FROM ports WHERE number = $1;

-- name: listPorts
SELECT number, content_provider_id, kind, created_at FROM ports ORDER BY number;

-- name: listPortsOf
SELECT number, content_provider_id, kind, created_at FROM ports WHERE content_provider_id = $1 ORDER BY number;

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

-- Key/value settings.

-- name: get
SELECT value FROM settings WHERE key = $1;

-- name: put
INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: claim
-- A value set once and kept (the first writer wins; the others read it): the deployment's id on the bus.
INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING;

-- name: where
SELECT current_database() AS database, current_schema() AS schema;

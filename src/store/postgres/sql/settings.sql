-- Key/value settings.

-- name: get
SELECT value FROM settings WHERE key = $1;

-- name: put
INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

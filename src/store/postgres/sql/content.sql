-- Content governance (src/store/postgres/content.ts).

-- name: insertTemplate
INSERT INTO content_templates (id, content_provider_id, signature, type, body, status, violations, reason, created_at, reviewed_at, reviewed_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: templateById
SELECT * FROM content_templates WHERE id = $1;

-- name: listTemplates
SELECT * FROM content_templates
WHERE ($1::text IS NULL OR content_provider_id = $1) AND ($2::text IS NULL OR status = $2)
ORDER BY created_at, id;

-- name: reviewTemplate
UPDATE content_templates SET status = $2, reason = $3, reviewed_at = $4, reviewed_by = $5 WHERE id = $1 RETURNING *;

-- name: getSettings
SELECT * FROM content_settings WHERE content_provider_id = $1;

-- name: putSettings
INSERT INTO content_settings (content_provider_id, templates, link_domains, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (content_provider_id) DO UPDATE SET templates = excluded.templates, link_domains = excluded.link_domains, updated_at = excluded.updated_at;

-- name: listSettings
SELECT * FROM content_settings ORDER BY content_provider_id;

-- name: setSignatureStatus
UPDATE signatures SET status = $2 WHERE id = $1 RETURNING content_provider_id, signature;

-- name: insertSignatureReview
INSERT INTO signature_reviews (id, signature_id, content_provider_id, decision, reason, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: insertAlert
INSERT INTO early_warning_alerts (id, content_provider_id, rule, metric, scope, key, severity, value, threshold, figures, window_start, at, action, action_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: listAlerts
SELECT * FROM early_warning_alerts
WHERE ($1::text IS NULL OR content_provider_id = $1) AND ($2::bigint IS NULL OR at >= $2)
  AND ($4::text[] IS NULL OR content_provider_id = ANY($4)) AND ($5::bigint IS NULL OR at < $5)
  -- a page's last alert: only older ones (keyset, newest first)
  AND ($6::bigint IS NULL OR (at, id) < ($6::bigint, $7::text))
ORDER BY at DESC, id DESC LIMIT $3;

-- name: insertAction
INSERT INTO early_warning_actions (id, content_provider_id, scope, key, action, rule, figures, at, lifted_at, lifted_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: liftAction
UPDATE early_warning_actions SET lifted_at = $2, lifted_by = $3 WHERE id = $1 AND lifted_at IS NULL;

-- name: listActions
SELECT * FROM early_warning_actions WHERE ($1::boolean IS FALSE OR lifted_at IS NULL) ORDER BY at, id;

-- name: saveBaselines
-- One statement for all rows (arrays unnested); a row older than the stored reset is skipped.
INSERT INTO monitor_baselines (scope, key, content_provider_id, mean, variance, completed, score_mean, score_n, reset_at, saved_at)
SELECT s, k, c, m, v, n, sm, sn, r, $10
FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::int[], $7::float8[], $8::int[], $9::bigint[]) AS t(s, k, c, m, v, n, sm, sn, r)
ON CONFLICT (scope, key) DO UPDATE SET content_provider_id = excluded.content_provider_id, mean = excluded.mean, variance = excluded.variance,
  completed = excluded.completed, score_mean = excluded.score_mean, score_n = excluded.score_n, reset_at = excluded.reset_at, saved_at = excluded.saved_at
WHERE excluded.reset_at >= monitor_baselines.reset_at;

-- name: loadBaselines
SELECT * FROM monitor_baselines ORDER BY scope, key;

-- name: resetBaseline
INSERT INTO monitor_baselines (scope, key, content_provider_id, mean, variance, completed, score_mean, score_n, reset_at, saved_at)
VALUES ($1, $2, $3, 0, 0, 0, 0, 0, $4, $4)
ON CONFLICT (scope, key) DO UPDATE SET mean = 0, variance = 0, completed = 0, score_mean = 0, score_n = 0,
  reset_at = GREATEST(monitor_baselines.reset_at, excluded.reset_at), saved_at = excluded.saved_at;

-- name: baselineResets
SELECT scope, key, reset_at FROM monitor_baselines WHERE reset_at > $1 ORDER BY reset_at;

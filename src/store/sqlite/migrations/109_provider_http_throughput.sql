-- A content provider's agreed HTTP throughput (messages a second, a batch counting its messages),
-- set by the operator (PATCH /v1/content-providers/{id}); NULL: no limit, as for every provider
-- registered before. Enforced per process at the HTTP door (src/app/http-throughput.ts).
ALTER TABLE content_providers ADD COLUMN http_throughput INTEGER CHECK (http_throughput IS NULL OR (http_throughput BETWEEN 1 AND 100000));

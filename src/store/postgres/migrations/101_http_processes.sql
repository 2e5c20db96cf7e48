-- Gateway processes serving HTTP message requests (src/store/postgres/http-processes.ts): each marks
-- itself live for a short lease while it serves, and divides a content provider's HTTP throughput
-- by the live count (README "HTTP throughput"). Not queue_members: those are egress processes owning
-- partitions, a different set (an ingress-only process serves HTTP and owns none). Times are
-- wall-clock epoch ms.
CREATE TABLE IF NOT EXISTS http_processes (
  id         text PRIMARY KEY,
  seen_until bigint NOT NULL
);

-- How many delivery lanes' subjects an egress process consumes (src/queue/subjects.ts): 3 (mtv,
-- mtx, mt) from this version on, written by its heartbeat. A process of an earlier version keeps
-- heartbeating with its own statement, without this column: 1, read as "mt only" (the one subject
-- every version reads; the version that read mtx too did not say so). While such a process is live,
-- relays hand every message over on mt (src/queue/relay.ts), so a rolling upgrade strands nothing
-- on a subject its partitions' owner does not read. Metadata only: no rewrite of the table.
ALTER TABLE queue_members ADD COLUMN IF NOT EXISTS lanes smallint NOT NULL DEFAULT 1;

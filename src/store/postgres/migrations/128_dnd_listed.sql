-- smsguard: no-transaction
-- The do-not-disturb list a page at a time, oldest entry first (GET /v1/dnd?cursor=&limit=,
-- ConsentStore.listDnd): a keyset walk in (at, msisdn) order, which the primary key (msisdn) alone
-- would answer only by sorting the whole list for every page. As SQLite migration 134.
-- Built CONCURRENTLY (decisions read the list and imports write it meanwhile); a build that failed
-- part-way leaves an invalid index of that name, which IF NOT EXISTS would keep: dropped first, as in 123.
DROP INDEX CONCURRENTLY IF EXISTS dnd_listed;
CREATE INDEX CONCURRENTLY dnd_listed ON dnd (at, msisdn);

-- The do-not-disturb list a page at a time, oldest entry first (GET /v1/dnd?cursor=&limit=,
-- ConsentStore.listDnd): a keyset walk in (at, msisdn) order, which the primary key (msisdn) alone
-- would answer only by sorting the whole list for every page. As PostgreSQL migration 128.
CREATE INDEX IF NOT EXISTS dnd_listed ON dnd (at, msisdn);

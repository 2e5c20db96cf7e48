-- Every message writes three records (mt, submitted, delivered); an index on kind for all of them
-- was three index insertions per message to serve a filter that, for the common kinds, the seq
-- index with a filter serves as well. Keep the index only for the rare kinds (mo, subscription,
-- audit), where a filter on kind alone would otherwise walk past millions of MT rows.
DROP INDEX records_kind;
CREATE INDEX records_kind_rare ON records (kind, seq) WHERE kind NOT IN ('mt', 'status');

-- Ordered rule lists that decided messages; records refer to them by id (see src/store/verdict-codec.ts).
CREATE TABLE pipelines (
  id    TEXT PRIMARY KEY,
  rules TEXT NOT NULL
);

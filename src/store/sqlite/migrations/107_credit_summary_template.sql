-- A system-made credit-file summary as a stable key with its parameters (src/domain/credit-summary.ts,
-- JSON {"key":…,"params":{…}}), so the web pages show it in the reader's language; NULL for a summary
-- a regulator typed and for entries from before, which show public_summary as stored.
ALTER TABLE credit_entries ADD COLUMN summary_template TEXT;

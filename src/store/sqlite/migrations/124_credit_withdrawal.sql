-- A credit-file entry withdrawn by a regulator (published in error, or overturned on appeal): when,
-- by whom and why. The entry stays in the provider's file with them; the public register leaves it
-- out (src/app/credit.ts withdrawEntry). NULL: not withdrawn (every entry from before).
ALTER TABLE credit_entries ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE credit_entries ADD COLUMN withdrawn_by TEXT;
ALTER TABLE credit_entries ADD COLUMN withdrawn_reason TEXT;

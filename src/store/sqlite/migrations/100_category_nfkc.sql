-- Consent categories written before categoryField folded them (NFKC, trimmed: src/app/validate.ts)
-- are rewritten to that form, so a consent recorded as `ｐｒｏｍｏ` or ` promo ` covers the `promo` a
-- submission now reads as, instead of refusing it with consent_missing. Every working table holding a
-- category: consents, consent_requests (a pending one grants a consent of its category on `是`),
-- smpp_credentials.default_category, and sends (what a frequency counts: a `ｐｒｏｍｏ` send left as
-- it was would not count against `promo`, and the number could get more than it agreed to).
-- smsguard_fold_category is src/store/category-fold.ts, registered by db.ts's migrate().
--
-- Nothing is deleted or merged: no unique key holds a category, a number may already hold several
-- live consents of one category (re-recordings, new terms by reply), and which of them governs is the
-- rule it always was (src/domain/consent.ts pickConsent: the one granted last). Withdrawals, opt-outs
-- (per provider, no category), DND (per number) and refused requests (compared folded, findRepeat)
-- are untouched and keep refusing. The statutory records (records, chained and tamper-evident) keep
-- the category as it was given: each rewritten row is listed in category_folds with its old and new
-- form, so the record of a grant (`consent_granted`, evidence.consentId) and today's row can be tied
-- together; a migration cannot append to the chained months (as migration 098).
CREATE TABLE category_folds (
  table_name   TEXT NOT NULL,
  row_id       TEXT NOT NULL,
  old_category TEXT NOT NULL,
  new_category TEXT NOT NULL,
  folded_at    INTEGER NOT NULL
);

INSERT INTO category_folds (table_name, row_id, old_category, new_category, folded_at)
  SELECT 'consents', id, category, smsguard_fold_category(category), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM consents WHERE smsguard_fold_category(category) <> category;
UPDATE consents SET category = smsguard_fold_category(category) WHERE smsguard_fold_category(category) <> category;

INSERT INTO category_folds (table_name, row_id, old_category, new_category, folded_at)
  SELECT 'consent_requests', id, category, smsguard_fold_category(category), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM consent_requests WHERE smsguard_fold_category(category) <> category;
UPDATE consent_requests SET category = smsguard_fold_category(category) WHERE smsguard_fold_category(category) <> category;

INSERT INTO category_folds (table_name, row_id, old_category, new_category, folded_at)
  SELECT 'smpp_credentials', id, default_category, smsguard_fold_category(default_category), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM smpp_credentials WHERE default_category IS NOT NULL AND smsguard_fold_category(default_category) <> default_category;
UPDATE smpp_credentials SET default_category = smsguard_fold_category(default_category)
 WHERE default_category IS NOT NULL AND smsguard_fold_category(default_category) <> default_category;

-- Sends are many and each is a count, not a statement of anyone's: rewritten, not listed.
UPDATE sends SET category = smsguard_fold_category(category) WHERE category IS NOT NULL AND smsguard_fold_category(category) <> category;

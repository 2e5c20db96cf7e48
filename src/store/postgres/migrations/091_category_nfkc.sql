-- Same as the SQLite migration 100 (which says why and what is left alone): consent categories
-- written before categoryField folded them are rewritten to its form (Unicode NFKC, then trimmed),
-- in consents, consent_requests, smpp_credentials.default_category and sends; each rewritten consent,
-- request and credential is listed in category_folds; the chained records keep the category as given.
-- PostgreSQL folds in SQL: normalize(…, NFKC) (PostgreSQL 13 and later, a UTF8 database), then the
-- characters JavaScript's String.prototype.trim removes that can remain after NFKC (every other
-- Unicode space folds to U+0020 under NFKC): tab, LF, VT, FF, CR, space, U+1680, U+2028, U+2029,
-- U+FEFF. A category that would fold to nothing is left as it is (src/store/category-fold.ts).
-- test/integration/pg/category-migration.test.ts holds this equal to categoryField on its inputs.
CREATE FUNCTION pg_temp.smsguard_fold_category(c text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN f = '' THEN c ELSE f END
    FROM (SELECT btrim(normalize(c, NFKC), E' \t\n\x0B\f\r\u1680\u2028\u2029\uFEFF') AS f) x
$$;

CREATE TABLE category_folds (
  table_name   text   NOT NULL,
  row_id       text   NOT NULL,
  old_category text   NOT NULL,
  new_category text   NOT NULL,
  folded_at    bigint NOT NULL
);

INSERT INTO category_folds (table_name, row_id, old_category, new_category, folded_at)
  SELECT 'consents', id, category, pg_temp.smsguard_fold_category(category), (extract(epoch FROM now()) * 1000)::bigint
    FROM consents WHERE pg_temp.smsguard_fold_category(category) <> category;
UPDATE consents SET category = pg_temp.smsguard_fold_category(category) WHERE pg_temp.smsguard_fold_category(category) <> category;

INSERT INTO category_folds (table_name, row_id, old_category, new_category, folded_at)
  SELECT 'consent_requests', id, category, pg_temp.smsguard_fold_category(category), (extract(epoch FROM now()) * 1000)::bigint
    FROM consent_requests WHERE pg_temp.smsguard_fold_category(category) <> category;
UPDATE consent_requests SET category = pg_temp.smsguard_fold_category(category) WHERE pg_temp.smsguard_fold_category(category) <> category;

INSERT INTO category_folds (table_name, row_id, old_category, new_category, folded_at)
  SELECT 'smpp_credentials', id, default_category, pg_temp.smsguard_fold_category(default_category), (extract(epoch FROM now()) * 1000)::bigint
    FROM smpp_credentials WHERE pg_temp.smsguard_fold_category(default_category) <> default_category;
UPDATE smpp_credentials SET default_category = pg_temp.smsguard_fold_category(default_category)
 WHERE pg_temp.smsguard_fold_category(default_category) <> default_category;

-- Sends are many and each is a count, not anyone's statement: rewritten, not listed.
UPDATE sends SET category = pg_temp.smsguard_fold_category(category) WHERE pg_temp.smsguard_fold_category(category) <> category;

DROP FUNCTION pg_temp.smsguard_fold_category(text);

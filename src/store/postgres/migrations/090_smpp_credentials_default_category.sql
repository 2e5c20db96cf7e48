-- Same as the SQLite migration 099 (which says why): an SMPP credential's default consent category.
ALTER TABLE smpp_credentials ADD COLUMN default_category text;

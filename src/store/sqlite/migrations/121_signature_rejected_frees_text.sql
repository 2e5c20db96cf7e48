-- A rejected signature application does not hold its text: the same provider may apply again (with
-- proof of the brand), and the brand's owner may have it registered. Before, the standing index
-- (migration 111) counted a rejected row as a registration, so one rejection kept the text from
-- everyone for good ("registered to another content provider"). A pending application still holds it
-- while it is under review; a revoked registration gives way as before.
DROP INDEX IF EXISTS signatures_standing;
CREATE UNIQUE INDEX signatures_standing ON signatures (signature) WHERE revoked_at IS NULL AND status <> 'rejected';

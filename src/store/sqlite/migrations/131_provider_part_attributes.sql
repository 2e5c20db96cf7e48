-- The smsguard vendor TLVs an acknowledged earlier part of a long message gave (0x1400 message type,
-- 0x1401 consent category, 0x1403 charged service; docs/SMPP.md, Long messages). A set's attributes
-- are the set's: a value given on any part applies to the whole, and parts giving different values
-- refuse it (ESME_RINVOPTPARAMVAL). Until now a kept part held its octets only, so the set took the
-- TLVs of the part that completed it: an ESME giving them on its first part only had a commercial
-- message refused for want of its category, or a charged one sent uncharged and unchecked. Kept here,
-- they hold across a restart and across processes. NULL: the part gave none (and every part kept
-- before this migration). As PostgreSQL migration 125.
ALTER TABLE provider_parts ADD COLUMN message_type TEXT;
ALTER TABLE provider_parts ADD COLUMN category TEXT;
ALTER TABLE provider_parts ADD COLUMN charged_service_id TEXT;

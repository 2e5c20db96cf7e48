-- A long message whose submit ran out of budget with some parts acknowledged by the SMSC keeps, until
-- it is sent, the UDH reference its parts were built with and the SMSC ids of those acknowledged
-- (JSON, src/ports/egress.ts PartialSubmit): a retry after a restart, in whichever process claims it,
-- sends only the other parts, under the same reference. Nullable: adding it rewrites nothing.
ALTER TABLE message_status ADD COLUMN partial text;

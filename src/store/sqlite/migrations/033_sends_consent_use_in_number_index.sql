-- A commercial message's consent use in the rolling period was counted on its own index
-- (sends_by_consent), so every commercial send paid a second index insertion and every decision a
-- seek into a second index. Every send that carries a consent id was sent to that consent's provider
-- and number as a commercial message, so the count can be read from the number's own range instead:
-- sends_by_number gains consent_id as its last column (covering: the count never reads the table;
-- verification sends carry NULL there, one byte) and sends_by_consent goes.
DROP INDEX sends_by_consent;
DROP INDEX sends_by_number;
CREATE INDEX sends_by_number ON sends (content_provider_id, msisdn, type, at, consent_id);

-- Where a queued commercial message's frequency count stands once the send-time check has carried it
-- to a later period (ConsentStore.carryFrequencyCount, src/app/send-time-check.ts): the instant the
-- count was moved to. NULL until the first carry (the count stands at its schedule, else its
-- acceptance). Without it a message carried once and then held over another period boundary (the
-- link down all the next day) looked for its count where it was taken, found it gone ('absent') and
-- went out uncounted in the third period, over the consent's frequency (found 2026-12-07).
ALTER TABLE message_status ADD COLUMN counted_at INTEGER;

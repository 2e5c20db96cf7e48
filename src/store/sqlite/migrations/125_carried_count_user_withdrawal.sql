-- Two columns, one migration (the one number this change was given).

-- Where a queued commercial message's frequency count stands once the send-time check has carried it
-- to a later period (ConsentStore.carryFrequencyCount, src/app/send-time-check.ts): the instant the
-- count was moved to. NULL until the first carry (the count stands at its schedule, else its
-- acceptance). Without it a message carried once and then held over another period boundary (the
-- link down all the next day) looked for its count where it was taken, found it gone ('absent') and
-- went out uncounted in the third period, over the consent's frequency (found 2026-12-07).
ALTER TABLE message_status ADD COLUMN counted_at INTEGER;

-- Whether a consent was withdrawn at the user's request: DELETE /v1/consents/{id} with `proof` of
-- how the user refused (a call, a web form, the provider's own system). Such a withdrawal is the
-- user's explicit refusal of the category, so a new consent request for it is refused
-- `consent_request_repeated` (consent.no-repeat) for the profile's `consentRepeatBanDays`, as after
-- a refused request; a provider's own withdrawal (no proof) and one by an opt-out (which blocks by
-- itself while in force) do not. 0 for every consent withdrawn before this migration: which of them
-- the user asked for is in the records' evidence, not here.
ALTER TABLE consents ADD COLUMN withdrawn_by_user INTEGER NOT NULL DEFAULT 0;

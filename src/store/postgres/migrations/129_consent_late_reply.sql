-- A reply to a consent request that came after the request was closed (its window over, or answered
-- already): the user is told once that it changed nothing (src/app/consent-late-reply.ts). When that
-- answer was given, so a second late reply is not answered again (ConsentStore.answerLateConsentReply
-- sets it only while it is NULL). NULL: no late reply answered. As SQLite migration 135.
-- A nullable column without a default: a change of the catalogue only, the table is not rewritten.
ALTER TABLE consent_requests ADD COLUMN IF NOT EXISTS late_reply_at bigint;

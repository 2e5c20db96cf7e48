-- smsguard: no-transaction
-- A queued (or held) charged message's service (docs/REGULATION.md rule 8; SubmitInput.chargedServiceId):
-- claims return it, and the send-time check (src/app/send-time-check.ts) stops the message
-- `charge_not_confirmed` when the number's subscription to it ended while it waited (TD, an opt-out,
-- the provider's DELETE). NULL for every message naming no service, and for those queued before this
-- migration (their subscription was judged when they were accepted only). As SQLite migration 129.
-- Applied while gateways of the earlier version keep queueing (db.ts, migrateLive): outside a
-- transaction, safe to run again. Metadata only (no default): the table is not rewritten.
ALTER TABLE message_status ADD COLUMN IF NOT EXISTS charged_service_id text;

-- A service's subscriptions, live and ended, a keyset page at a time in (started_at, id) order
-- (GET /v1/charged-services/{id}/subscriptions, ConsentStore.listChargedSubscriptions). Built
-- CONCURRENTLY (subscriptions keep being confirmed and ended meanwhile); a build that failed part-way
-- leaves an invalid index of that name, which IF NOT EXISTS would keep: dropped first, as in 111.
DROP INDEX CONCURRENTLY IF EXISTS charged_subscriptions_service;
CREATE INDEX CONCURRENTLY charged_subscriptions_service ON charged_subscriptions (service_id, started_at, id);

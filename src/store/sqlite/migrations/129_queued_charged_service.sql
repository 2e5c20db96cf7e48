-- A queued (or held) charged message's service (docs/REGULATION.md rule 8; SubmitInput.chargedServiceId):
-- claims return it, and the send-time check (src/app/send-time-check.ts) stops the message
-- `charge_not_confirmed` when the number's subscription to it ended while it waited (TD, an opt-out,
-- the provider's DELETE). NULL for every message naming no service, and for those queued before this
-- migration (their subscription was judged when they were accepted only). As PostgreSQL migration 123.
ALTER TABLE message_status ADD COLUMN charged_service_id TEXT;

-- A service's subscriptions, live and ended, a keyset page at a time in (started_at, id) order
-- (GET /v1/charged-services/{id}/subscriptions, ConsentStore.listChargedSubscriptions).
CREATE INDEX charged_subscriptions_service ON charged_subscriptions (service_id, started_at, id);

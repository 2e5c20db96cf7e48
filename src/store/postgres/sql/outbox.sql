-- The egress queue and message status (outbox.ts). The queue is message_status rows in status
-- 'accepted'; leases are shared through leased_until because several processes claim. Every claim
-- returns a commercial message's category (migration 092): it is judged again before it is sent; and its
-- validity (migration 093): not sent after it; and its clientRef (migration 096): its status events carry it;
-- and a charged message's service (migration 123): its subscription is judged again before it is sent.

-- name: claim
-- Several workers in several processes may claim at once: SKIP LOCKED hands each row to one.
-- Lane by lane (migration 111, src/domain/priority.ts): one branch per lane, each a range of
-- message_status_lane in (due_at, enqueued_seq) order; the outer LIMIT stops the Append once it has
-- $2 rows, so a later lane's branch is read (and its rows locked) only for what the earlier ones left.
-- $4: the last lane to take (an express claim takes only the first ones; the rest is a one-time filter).
UPDATE message_status o SET leased_until = $1::bigint + $3::bigint, attempts = o.attempts + 1
  FROM (SELECT id FROM (SELECT id FROM message_status
          WHERE status = 'accepted' AND priority = 0 AND 0 <= $4 AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
          ORDER BY due_at, enqueued_seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS l0
        UNION ALL
        SELECT id FROM (SELECT id FROM message_status
          WHERE status = 'accepted' AND priority = 1 AND 1 <= $4 AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
          ORDER BY due_at, enqueued_seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS l1
        UNION ALL
        SELECT id FROM (SELECT id FROM message_status
          WHERE status = 'accepted' AND priority = 2 AND 2 <= $4 AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
          ORDER BY due_at, enqueued_seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS l2
        LIMIT $2) AS c
 WHERE o.id = c.id
RETURNING o.id, o.content_provider_id, o.from_port, o.msisdn, o.text, o.registered_delivery, o.attempts, o.submitted_at, o.due_at, o.enqueued_seq, o.partial, o.category, o.valid_until, o.client_ref, o.leased_until, o.priority, o.charged_service_id;

-- name: claimIds
-- The bus hands a worker specific messages: claim those still queued, due (by $4, which allows for
-- the clock of the process that accepted them running a little ahead) and not leased.
UPDATE message_status o SET leased_until = $2::bigint + $3::bigint, attempts = o.attempts + 1
  FROM (SELECT id FROM message_status
         WHERE id = ANY($1::text[]) AND status = 'accepted' AND due_at <= $4 AND (leased_until IS NULL OR leased_until <= $2)
         ORDER BY id FOR UPDATE SKIP LOCKED) AS c
 WHERE o.id = c.id
RETURNING o.id, o.content_provider_id, o.from_port, o.msisdn, o.text, o.registered_delivery, o.attempts, o.submitted_at, o.due_at, o.enqueued_seq, o.partial, o.category, o.valid_until, o.client_ref, o.leased_until, o.priority, o.charged_service_id;

-- name: relay
-- Messages to hand (again) to the message bus: queued, due, not leased, and never published or
-- published longer than the grace ago (the bus lost it, or the worker that took it died). Lane by
-- lane, as the claim: a code due now is published before a commercial backlog.
UPDATE message_status o SET published_at = $1
  FROM (SELECT id FROM (SELECT id FROM message_status
          WHERE status = 'accepted' AND priority = 0 AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
            AND (published_at IS NULL OR published_at <= $1::bigint - $3::bigint)
          ORDER BY due_at, enqueued_seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS l0
        UNION ALL
        SELECT id FROM (SELECT id FROM message_status
          WHERE status = 'accepted' AND priority = 1 AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
            AND (published_at IS NULL OR published_at <= $1::bigint - $3::bigint)
          ORDER BY due_at, enqueued_seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS l1
        UNION ALL
        SELECT id FROM (SELECT id FROM message_status
          WHERE status = 'accepted' AND priority = 2 AND due_at <= $1 AND (leased_until IS NULL OR leased_until <= $1)
            AND (published_at IS NULL OR published_at <= $1::bigint - $3::bigint)
          ORDER BY due_at, enqueued_seq LIMIT $2 FOR UPDATE SKIP LOCKED) AS l2
        LIMIT $2) AS c
 WHERE o.id = c.id
RETURNING o.id, o.content_provider_id, o.from_port, o.msisdn, o.text, o.registered_delivery, o.attempts, o.submitted_at, o.due_at, o.enqueued_seq, o.partial, o.category, o.valid_until, o.client_ref, o.priority, o.charged_service_id;

-- name: current
-- Row locks in id order: two status batches touching the same messages never deadlock.
SELECT id, status, content_provider_id, msisdn FROM message_status WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE;

-- name: currentByUpstream
SELECT id, upstream_id, status, content_provider_id, msisdn, submitted_at FROM message_status WHERE upstream_id = ANY($1::text[]) ORDER BY id FOR UPDATE;

-- name: setStatuses
-- Final statuses clear the text (the record keeps it) and the lease. $6-$9: the usage counters of
-- the moves (usage.ts, migrations 097 and 102), one row per distinct (provider, day, key), sorted,
-- in this connection's shard, upserted in this statement (no round trip of its own).
WITH u AS (
  INSERT INTO usage_counts AS uc (content_provider_id, day, key, shard, n)
  SELECT cp, d, k, pg_backend_pid(), n FROM unnest($6::text[], $7::text[], $8::text[], $9::bigint[]) AS x(cp, d, k, n)
  ON CONFLICT (content_provider_id, day, key, shard) DO UPDATE SET n = uc.n + excluded.n
)
UPDATE message_status m
   SET status = u.s, upstream_id = coalesce(u.up, m.upstream_id), updated_at = u.at,
       text = CASE WHEN u.fin THEN '' ELSE m.text END,
       partial = CASE WHEN u.fin THEN NULL ELSE m.partial END,
       leased_until = CASE WHEN u.fin THEN NULL ELSE m.leased_until END
  FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::boolean[]) AS u(i, s, up, at, fin)
 WHERE m.id = u.i;

-- name: retry
-- `partial` is replaced by the latest attempt's (null: nothing taken, or not a long message). The
-- attempt was counted by the claim. Only the claim the caller holds, as release ($4 lease end, $5
-- attempt count): a submit that failed after its lease ran out leaves another worker's claim alone.
UPDATE message_status SET due_at = $2, leased_until = NULL, published_at = NULL, partial = $3
 WHERE id = $1 AND status = 'accepted' AND leased_until = $4::bigint AND attempts = $5::int;

-- name: release
-- A claim counted an attempt (claim, claimIds); nothing was sent, so it is taken back. Not handed
-- to the bus either (published_at): the relay hands it over again at its next sweep, instead of
-- after the grace time. Only the claim the caller holds, named by the lease end and attempt count
-- it wrote: once its lease ran out another worker may have claimed the message (a later lease end,
-- one attempt more), and that claim stands.
UPDATE message_status m SET leased_until = NULL, published_at = NULL, attempts = GREATEST(m.attempts - 1, 0)
  FROM unnest($1::text[], $2::bigint[], $3::int[]) AS c(id, until, attempts)
 WHERE m.id = c.id AND m.status = 'accepted' AND m.leased_until = c.until AND m.attempts = c.attempts;

-- name: renew
-- A batch still sending moves its leases on (OutboxStore.renew): only the claims it holds, named
-- as release names them; a lease that ran out still renews while no other claim took the message.
UPDATE message_status m SET leased_until = $4::bigint
  FROM unnest($1::text[], $2::bigint[], $3::int[]) AS c(id, until, attempts)
 WHERE m.id = c.id AND m.status = 'accepted' AND m.leased_until = c.until AND m.attempts = c.attempts
RETURNING m.id;

-- name: byUpstream
-- the message still waiting for its receipt first, then the newest (src/store/receipt-match.ts)
SELECT id, status FROM message_status WHERE upstream_id = $1 ORDER BY status = 'submitted' DESC, submitted_at DESC, id DESC LIMIT 1;

-- name: spellingsOnFile
-- Which of these spellings are on file as an upstream id, of a message or of a part (resolveUpstreamId).
SELECT upstream_id FROM message_status WHERE upstream_id = ANY($1::text[])
UNION SELECT upstream_id FROM upstream_parts WHERE upstream_id = ANY($1::text[]);

-- name: pending
SELECT count(*)::int AS n FROM message_status WHERE status = 'accepted';

-- name: pendingDue
SELECT count(*)::int AS n FROM message_status WHERE status = 'accepted' AND due_at <= $1;

-- name: partsOf
-- Which of these SMSC ids name a part of a long message (migration 085).
SELECT upstream_id, message_id FROM upstream_parts WHERE upstream_id = ANY($1::text[]);

-- name: currentByIdOrUpstream
-- The messages of receipted parts (by id) and of the other receipts (by upstream id), locked in id order.
SELECT id, upstream_id, status, content_provider_id, msisdn, submitted_at FROM message_status WHERE id = ANY($1::text[]) OR upstream_id = ANY($2::text[]) ORDER BY id FOR UPDATE;

-- name: partsOfMessages
-- Read after the messages' rows are locked: every receipt of their parts committed before is seen.
SELECT upstream_id, message_id, part, parts, status, detail, at FROM upstream_parts WHERE message_id = ANY($1::text[]);

-- name: setParts
UPDATE upstream_parts p SET status = u.s, detail = u.d
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(up, mid, s, d)
 WHERE p.upstream_id = u.up AND p.message_id = u.mid AND p.status IS NULL;

-- name: fileParts
INSERT INTO upstream_parts (upstream_id, message_id, part, parts, at)
SELECT up, mid, part, parts, at FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[]) AS u(up, mid, part, parts, at)
ON CONFLICT DO NOTHING;

-- name: cancelRow
-- A message its sender cancels (OutboxStore.cancel): its row, locked until the transaction ends, so a
-- claim cannot take it between this read and the move. The lease end and attempt count name the
-- claim holding it (as release names one), to compare with the claim a take-back gave up. Also
-- OutboxStore.noteSubmitted's check that the message is still submitted. `counted_at`: where a
-- send-time carry left its frequency count (the `uncount` gives it back there).
SELECT status, content_provider_id, msisdn, leased_until, attempts, counted_at FROM message_status WHERE id = $1 FOR UPDATE;

-- name: cancel
-- With the cancel, its usage counter: provider $3, Shanghai day $4, this connection's shard (usage.ts,
-- migrations 097 and 102). The row is locked and its status checked (cancelRow) before this runs, so
-- the update always happens.
WITH u AS (
  INSERT INTO usage_counts AS uc (content_provider_id, day, key, shard, n) VALUES ($3, $4, 'cancelled', pg_backend_pid(), 1)
  ON CONFLICT (content_provider_id, day, key, shard) DO UPDATE SET n = uc.n + excluded.n
)
-- `submitted` only with CancelOptions.atCarrier (the carrier took it back), checked in cancelRow's caller.
UPDATE message_status SET status = 'cancelled', text = '', partial = NULL, updated_at = $2 WHERE id = $1 AND status IN ('accepted', 'held', 'submitted');

-- name: upstreamIdsOf
-- The carrier's ids of a message (OutboxStore.upstreamIdsOf): its own, and each part's in part order.
SELECT m.upstream_id, p.upstream_id AS part_id FROM message_status m LEFT JOIN upstream_parts p ON p.message_id = m.id WHERE m.id = $1 ORDER BY p.part;

-- name: uncount
-- A cancelled message's one frequency count (OutboxStore.cancel `uncount`): provider $1, number $2,
-- type $3, category $4 (NULL for verification), counted at $5.
DELETE FROM sends WHERE ctid = (SELECT ctid FROM sends WHERE content_provider_id = $1 AND msisdn = $2 AND type = $3 AND category IS NOT DISTINCT FROM $4 AND at = $5 LIMIT 1);

-- name: callbackFacts
-- What the status callbacks of these messages need besides their updates (callback-targets.ts):
-- read in the status transaction only for providers that want callbacks.
SELECT id, from_port, msisdn, client_ref FROM message_status WHERE id = ANY($1::text[]);

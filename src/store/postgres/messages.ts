/**
 * PostgreSQL adapter for MT submissions. `decideAndRecord` is atomic per (content provider, number)
 * across every process sharing the database: one transaction takes a transaction-scoped advisory
 * lock per pair (ascending order: no deadlocks), then loads the facts for the whole batch (a handful
 * of set queries, not one per message), calls the pure `decide` for each item in order — counting
 * earlier acceptances of the same batch — and inserts records, counters, queue rows and statuses in
 * bulk. READ COMMITTED gives each statement a fresh snapshot, so facts read after the lock see every
 * decision committed by the previous holder. When the promise resolves, the batch is committed.
 */
import type { KeysetPosition } from '../../domain/page-cursor.js';
import { priorityOf } from '../../domain/priority.js';
import type { Client, Pool } from './db.js';
import { queries, transaction } from './db.js';
import type { DecidedItem, HeldMessage, IdempotencyWrite, HoldResolution, MessageStore, MessageView, QueuedReplacement, ReplaceOutcome, SubmissionItem, SystemMessage } from '../../ports/store.js';
import { replacementBody } from '../replacement-body.js';
import { submissionBody } from '../submission-body.js';
import { RecentTexts, type RecentHandle } from '../recent-texts.js';
import { HELD_COLS, heldStatusBody, heldStatusOf, toHeld, type HeldDb } from '../held-messages.js';
import { readSendTimeFacts, readWithdrawnConsents, withdrawnKey } from './consents.js';
import { clientRefColumn, clientRefFromColumn } from '../client-ref-column.js';
import { receiptColumn } from '../registered-delivery.js';
import type { ConsentFacts, Decision, Facts, PortFacts } from '../../pipeline/types.js';
import { beginAndLock, numberLockKey } from './locks.js';
import { pickConsent } from '../../domain/consent.js';
import { frequencyPeriod, LONGEST_FREQUENCY_PERIOD_MS } from '../../domain/frequency-period.js';
import { encodeVerdicts, pipelineId } from '../verdict-codec.js';
import { groupByRef, messageViewOf } from '../message-view.js';
import type { NewRecord, PgRecordsWriter } from './records-writer.js';
import { judgedAt } from '../../domain/schedule.js';
import { countsAround } from '../../domain/send-window.js';
import { tallyDecision, tallyReplacement, tallyReview, UsageTally } from '../usage-tally.js';
import { PgUsage } from './usage.js';
import type { PgCallbacks } from './callbacks.js';
import { PgIdempotency } from './idempotency.js';
import { heldRejectedCallbackRow, replacedCallbackRow, statusCallbackRow } from '../callback-targets.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const LONGEST_PERIOD = LONGEST_FREQUENCY_PERIOD_MS;

// A held message's rejection gives back its frequency count as a cancel does (outbox.sql `uncount`).
const OUTBOX = queries('outbox', ['uncount', 'release'] as const);
/** A claim given up for a replacement that did not happen, given back to the queue (outbox.sql `release`). */
const RELEASE = OUTBOX.release;
const Q = queries('messages', ['facts', 'chargedSubscriptions', 'writes', 'enqueue', 'pruneStatuses', 'pruneSends', 'pruneVerificationSends', 'pruneParts', 'fileClientParts', 'messageOfPart', 'pruneClientParts'] as const);
/** The SMPP server's kept parts (smpp-deliveries.sql): a decision drops those of the set it completes. */
const PARTS = queries('smpp-deliveries', ['dropParts'] as const);

/** What the facts query returns: one row of JSON arrays. */
interface FactsRow {
  senders: { id: string; status: 'active' | 'suspended'; signatures: string[]; revoked: Record<string, number> | null }[];
  ports: { number: string; ownerId: string; kind: PortFacts['kind']; retiredAt: number | null }[];
  verif: { cp: string; m: string; at: number }[];
  /** Opted-out pairs only, with the signatures their refusals answered (`*`: unknown, all). */
  optouts: { cp: string; m: string; signatures: string[] }[];
  dnd: string[];
  consents: ConsentDb[];
  category_sends: { cp: string; m: string; cat: string; at: number }[];
}

interface ConsentDb { id: string; content_provider_id: string; msisdn: string; category: string; granted_at: number; expires_at: number; freq_count: number; freq_per: 'day' | 'week' | 'month'; has_proof: boolean }

// A held message keeps its category too (migration 092): released, it is judged again before it is sent.
// Its delivery lane too (migration 111): released, it queues in its type's lane. And a charged
// message's service (migration 123): released, its subscription is judged again.
const PARK = `INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at, category, valid_until, client_ref, priority, charged_service_id)
SELECT i, cp, m, f, t, rd, 0, coalesce(du, at), at, 'held', at, cat, vu, cr, pr, chs
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::bigint[], $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::smallint[], $13::text[]) AS u(i, cp, f, m, t, rd, at, cat, vu, du, cr, pr, chs)`;

const pair = (cp: string, m: string) => `${cp}\u0000${m}`;
const chargeKey = (svc: string, cp: string, m: string) => `${svc}\u0000${cp}\u0000${m}`;

/** Accepted sends per key, as times, so counts over any window can be taken (DB rows + this batch). */
class Times {
  private readonly m = new Map<string, number[]>();
  add(k: string, at: number): void {
    const a = this.m.get(k);
    if (a) a.push(at);
    else this.m.set(k, [at]);
  }
  /** Sends of `k` within `windowMs` either side of `at` (src/domain/send-window.ts). */
  countAround(k: string, at: number, windowMs: number): number {
    const a = this.m.get(k);
    if (!a) return 0;
    let n = 0;
    for (const t of a) if (countsAround(t, at, windowMs)) n++;
    return n;
  }
  /** Sends of `k` with `from <= t < to` (a consent's calendar period, src/domain/frequency-period.ts). */
  countIn(k: string, from: number, to: number): number {
    const a = this.m.get(k);
    if (!a) return 0;
    let n = 0;
    for (const t of a) if (t >= from && t < to) n++;
    return n;
  }
}

export class PgMessages implements MessageStore {
  /**
   * Accepted and held final texts of the last window, per (provider, number): rule content.duplicate's
   * facts. This process's own (recent-texts.ts): a copy another process decided is not seen
   * (docs/SCALING.md, "Identical content"), for no table read or write per message.
   */
  readonly recentTexts = new RecentTexts();

  /** `callbacks`: a held message's rejection queues its status callback in its transaction. */
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter, private readonly callbacks: PgCallbacks) {}

  keepTextsFor(ms: number): void {
    this.recentTexts.keepMs = ms;
    if (ms <= 0) this.recentTexts.clear();
  }

  async decideAndRecord(items: SubmissionItem[], decide: (item: SubmissionItem, facts: Facts) => Decision, idempotency?: IdempotencyWrite): Promise<DecidedItem[]> {
    if (items.length === 0) return [];
    return this.records.withPartitions(items.map((i) => i.receivedAt), () => this.decideOnce(items, decide, idempotency));
  }

  private async decideOnce(items: SubmissionItem[], decide: (item: SubmissionItem, facts: Facts) => Decision, idempotency?: IdempotencyWrite): Promise<DecidedItem[]> {
    const fk = factKeys(items);
    const c = await this.pool.connect();
    // texts this batch remembers as it decides (a later item sees an earlier one): taken back if it fails
    const added: RecentHandle[] = [];
    try {
      // Round trip 1: BEGIN and the per-number locks. 2: every fact. 3: every write. 4: COMMIT.
      await c.query(beginAndLock(fk.locks));
      const bf = await readFacts(c, fk);
      const { verif, categoryUse } = bf;

      const out: DecidedItem[] = [];
      const recs: NewRecord[] = [];
      const sends = { cp: [] as string[], m: [] as string[], type: [] as string[], consent: [] as (string | null)[], category: [] as (string | null)[], at: [] as number[] };
      const park: [string, string, string, string, string, number, number, string | null, number | null, number | null, string, number, string | null][] = [];
      const ob = { id: [] as string[], cp: [] as string[], from: [] as string[], m: [] as string[], text: [] as string[], rd: [] as number[], at: [] as number[], category: [] as (string | null)[], validUntil: [] as (number | null)[], due: [] as (number | null)[], clientRef: [] as string[], priority: [] as number[], charged: [] as (string | null)[] };
      const clientParts = { cp: [] as string[], part: [] as string[], id: [] as string[], at: [] as number[] };
      // usage figures summed over the batch: one upsert row per (provider, day, key), in `writes`
      const tally = new UsageTally();
      for (const item of items) {
        const cand = item.candidate;
        const now = item.receivedAt;
        // the time it will be sent: frequencies are counted around it (src/domain/send-window.ts)
        const sendAt = judgedAt(item);
        const facts = bf.factsOf(item);
        const recent = cand.to ? this.recentTexts.of(cand.contentProviderId, cand.to, now) : undefined;
        if (recent) facts.recentTexts = recent;
        const d = decide(item, facts);
        out.push({ id: item.id, decision: d });
        recs.push(mtRecord(item, facts, d));
        tallyDecision(tally, item, d);
        // Each earlier part's id names the message, whatever was decided (query_sm answers a refusal too).
        if (item.clientPartIds) {
          for (const partId of item.clientPartIds) {
            clientParts.cp.push(cand.contentProviderId); clientParts.part.push(partId); clientParts.id.push(item.id); clientParts.at.push(now);
          }
        }
        if (!(d.accepted || d.held) || !cand.to) continue;
        const kept = this.recentTexts.add(cand.contentProviderId, cand.to, item.id, d.text, sendAt, now);
        if (kept !== undefined) added.push(kept);
        const k = pair(cand.contentProviderId, cand.to);
        // A held message counts against frequency limits like an accepted one (as in SQLite).
        if (cand.type === 'verification' || cand.type === 'commercial') {
          const commercial = cand.type === 'commercial';
          const category = commercial ? cand.category ?? null : null;
          sends.cp.push(cand.contentProviderId); sends.m.push(cand.to); sends.type.push(cand.type); sends.consent.push(commercial ? facts.consent?.id ?? null : null); sends.category.push(category); sends.at.push(sendAt);
          if (cand.type === 'verification') verif.add(k, sendAt);
          if (category !== null) categoryUse.add(`${k}\u0000${category}`, sendAt);
        }
        // a commercial message's category: judged again before it is sent (send-time-check.ts)
        const queuedCategory = cand.type === 'commercial' ? cand.category ?? null : null;
        if (d.held) {
          park.push([item.id, cand.contentProviderId, cand.from, cand.to, d.text, receiptColumn(item.registeredDelivery), now, queuedCategory, item.validUntil ?? null, item.scheduledAt ?? null, clientRefColumn(item.clientRef), priorityOf(cand.type), cand.chargedServiceId ?? null]);
          continue;
        }
        ob.id.push(item.id); ob.cp.push(cand.contentProviderId); ob.from.push(cand.from); ob.m.push(cand.to); ob.text.push(d.text); ob.rd.push(receiptColumn(item.registeredDelivery)); ob.at.push(now); ob.category.push(queuedCategory); ob.validUntil.push(item.validUntil ?? null); ob.due.push(item.scheduledAt ?? null); ob.clientRef.push(clientRefColumn(item.clientRef)); ob.priority.push(priorityOf(cand.type)); ob.charged.push(cand.chargedServiceId ?? null);
      }
      // Rule lists first (remembered once a batch registering them commits): records refer to them by id.
      const registering = new Set<string>();
      for (const o of out) {
        const rules = o.decision.pipeline;
        if (!rules) continue;
        const id = pipelineId(rules);
        if (!registering.has(id) && await this.records.registerPipeline(c, id, rules)) registering.add(id);
      }
      await c.query({ name: 'sg_writes', text: Q.writes, values: [...this.records.columns(recs), sends.cp, sends.m, sends.type, sends.consent, sends.at, ob.id, ob.cp, ob.from, ob.m, ob.text, ob.rd, ob.at, sends.category, ob.category, ob.validUntil, ob.due, ob.clientRef, ...tally.columns(), ob.priority, ob.charged] });
      // The kept earlier parts of the sets these decide go with the decisions (smpp-deliveries.sql).
      const keptSets = items.flatMap((i) => (i.keptPartsKey ? [i.keptPartsKey] : []));
      if (keptSets.length) await c.query(PARTS.dropParts, [keptSets]);
      // Only a batch with a long message sent in parts pays this round trip.
      if (clientParts.part.length) await c.query(Q.fileClientParts, [clientParts.cp, clientParts.part, clientParts.id, clientParts.at]);
      // Held messages (rare: only under an early-warning hold) park with status 'held', never due.
      if (park.length) {
        const col = (i: number) => park.map((r) => r[i]);
        await c.query(PARK, [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7), col(8), col(9), col(10), col(11), col(12)]);
      }
      // A keyed request's key, last (its answer is computed from every decision): a key another
      // process holds fails this transaction, and none of these decisions stays (idempotency.ts).
      if (idempotency) await PgIdempotency.keep(c, idempotency, out);
      await c.query('COMMIT');
      for (const id of registering) this.records.registered(id);
      return out;
    } catch (e) {
      for (const t of added) this.recentTexts.remove(t);
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  /**
   * MessageStore.replaceQueued: the number's advisory lock (as a decision takes it: a replacement is
   * one), then the row's lock, so no claim (FOR UPDATE SKIP LOCKED) takes it meanwhile, and the lease
   * compared as a cancel compares it (outbox.ts). A refused text rolls everything back. The claim
   * given up (evenIfClaimedBy) is released either way (its lease cleared, its hand-over to the bus
   * too), so the relay hands the message over again, with whatever text it now has.
   */
  async replaceQueued(r: QueuedReplacement, decide: (item: SubmissionItem, facts: Facts) => Decision): Promise<ReplaceOutcome> {
    const item = r.item;
    const cand = item.candidate;
    const fk = factKeys([item]);
    const out = await this.records.withPartitions([r.at], async () => {
      const c = await this.pool.connect();
      try {
        await c.query(beginAndLock(fk.locks));
        const row = (await c.query<{ status: string; content_provider_id: string; msisdn: string; leased_until: number | null; attempts: number; partial: string | null; text: string; counted_at: string | null }>(
          'SELECT status, content_provider_id, msisdn, leased_until, attempts, partial, text, counted_at FROM message_status WHERE id = $1 FOR UPDATE', [item.id])).rows[0];
        const done = (o: ReplaceOutcome) => c.query('ROLLBACK').then(() => o);
        if (!row || row.content_provider_id !== cand.contentProviderId) return await done('unknown');
        // a long message with parts already acknowledged by the carrier is partly written
        if ((row.status !== 'accepted' && row.status !== 'held') || row.partial !== null) return await done('final');
        const given = r.evenIfClaimedBy;
        const givenUp = given !== undefined && given.id === item.id && given.leasedUntil === row.leased_until && given.attempts === row.attempts;
        if (row.status === 'accepted' && row.leased_until !== null && row.leased_until > r.at && !givenUp) return await done('claimed');
        const u = r.uncount;
        // the message's own count would otherwise count against its replacement (read after this delete);
        // where a send-time carry moved it (counted_at), else where it was taken
        if (u) await c.query(OUTBOX.uncount, [row.content_provider_id, row.msisdn, u.type, u.category, row.counted_at !== null ? Number(row.counted_at) : u.at]);
        const facts = (await readFacts(c, fk)).factsOf(item);
        // a replacement's own text is not a copy of itself
        const recent = cand.to ? this.recentTexts.of(cand.contentProviderId, cand.to, item.receivedAt, item.id) : undefined;
        if (recent) facts.recentTexts = recent;
        const d = decide(item, facts);
        if (!d.accepted && !d.held) return await done({ outcome: 'refused', decision: d });
        if (cand.to && (cand.type === 'verification' || cand.type === 'commercial')) {
          const commercial = cand.type === 'commercial';
          await c.query('INSERT INTO sends (content_provider_id, msisdn, type, consent_id, category, at) VALUES ($1, $2, $3, $4, $5, $6)',
            [cand.contentProviderId, cand.to, cand.type, commercial ? facts.consent?.id ?? null : null, commercial ? cand.category ?? null : null, judgedAt(item)]);
        }
        // no new message: only the segments billed follow the new text (usage-tally.ts)
        await PgUsage.write(c, tallyReplacement(cand.contentProviderId, r.arrivedAt ?? item.receivedAt, row, d));
        // given up or not leased: no lease and no hand-over stands now (the relay hands it over again).
        // Its due time: the replacement's (its schedule, else now), unless it was attempted: a claim
        // counts the attempt, and only a due row is claimed, so a due time still ahead of an attempted
        // row is a retry's backoff or a send-time deferral (retry), never pulled forward (replace-message.ts).
        await c.query(
          `UPDATE message_status SET status = $2, text = $3, registered_delivery = $4, due_at = CASE WHEN attempts > 0 THEN GREATEST(due_at, $5::bigint) ELSE $5::bigint END,
             valid_until = $6, updated_at = $7, leased_until = NULL, published_at = NULL, counted_at = NULL,
             attempts = CASE WHEN $8 THEN GREATEST(attempts - 1, 0) ELSE attempts END,
             charged_service_id = coalesce(charged_service_id, $9)
            WHERE id = $1`,
          // the claim given up counted an attempt that sent nothing: taken back, as `release` does;
          // a charged message's service kept (or the record's, for a row queued before migration 123)
          [item.id, d.held ? 'held' : 'accepted', d.text, receiptColumn(item.registeredDelivery), item.scheduledAt ?? item.receivedAt, item.validUntil ?? null, r.at, givenUp, cand.chargedServiceId ?? null],
        );
        const rules = d.pipeline;
        const registered = rules ? pipelineId(rules) : null;
        const fresh = rules && registered ? await this.records.registerPipeline(c, registered, rules) : false;
        const consentId = cand.type === 'commercial' ? facts.consent?.id ?? null : null;
        await this.records.append(c, [{ id: r.recordId, at: r.at, kind: 'status', contentProviderId: cand.contentProviderId, msisdn: row.msisdn, ref: item.id, body: replacementBody(r, d, encodeVerdicts(d), consentId) }]);
        // its callback commits with it (callback-targets.ts): one per replacement, named by its record
        if (this.callbacks.targets.wantsStatus(cand.contentProviderId)) {
          await this.callbacks.queueWith(c, [replacedCallbackRow(cand.contentProviderId, { eventId: r.recordId, id: item.id, status: d.held ? 'held' : 'accepted', at: r.at, from: cand.from, to: row.msisdn, text: d.text, segments: d.segments }, item.clientRef)]);
        }
        await c.query('COMMIT');
        if (fresh && registered) this.records.registered(registered);
        // the number now waits for the new text, no longer the old
        this.recentTexts.removeId(cand.contentProviderId, row.msisdn, item.id);
        this.recentTexts.add(cand.contentProviderId, row.msisdn, item.id, d.text, judgedAt(item), r.at);
        return { outcome: 'replaced' as const, decision: d };
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    });
    // refused (or found leased meanwhile): the claim given up goes back, so the message is sent as it is
    if (r.evenIfClaimedBy && !(typeof out === 'object' && out.outcome === 'replaced')) {
      const g = r.evenIfClaimedBy;
      await this.pool.query(RELEASE, [[g.id], [g.leasedUntil], [g.attempts]]);
    }
    return out;
  }

  async recordSystemMessage(m: SystemMessage): Promise<void> {
    await this.records.withPartitions([m.at], () => transaction(this.pool, async (c) => {
      await this.records.append(c, [{
        id: m.id, at: m.at, kind: 'mt', contentProviderId: m.contentProviderId, msisdn: m.to, ref: m.id,
        body: { from: m.from, to: m.to, type: m.type, category: null, text: m.text, finalText: null, segments: null, decision: 'accepted', code: null, verdicts: null, channel: 'system', purpose: m.purpose, charged: false },
      }]);
      await c.query(Q.enqueue, [[m.id], [m.contentProviderId], [m.from], [m.to], [m.text], [0], [m.at], [null], [priorityOf(m.type)]]);
    }));
  }

  async getMessage(id: string): Promise<MessageView | null> {
    return messageViewOf(id, await this.records.byRef(id), (pl) => this.records.rulesOf(pl));
  }

  async getMessages(ids: readonly string[]): Promise<(MessageView | null)[]> {
    const byId = groupByRef(await this.records.byRefs(ids));
    return Promise.all(ids.map((id) => messageViewOf(id, byId.get(id) ?? [], (pl) => this.records.rulesOf(pl))));
  }

  async messageOfPart(contentProviderId: string, partId: string): Promise<string | null> {
    return (await this.pool.query<{ message_id: string }>(Q.messageOfPart, [contentProviderId, partId])).rows[0]?.message_id ?? null;
  }

  async listHeld(q: { contentProviderId?: string; limit: number; after?: KeysetPosition }): Promise<HeldMessage[]> {
    const r = await this.pool.query<HeldDb>(
      `SELECT ${HELD_COLS} FROM message_status WHERE status = 'held' AND ($1::text IS NULL OR content_provider_id = $1)
         AND ($3::bigint IS NULL OR (submitted_at, id) > ($3::bigint, $4::text)) ORDER BY submitted_at, id LIMIT $2`,
      [q.contentProviderId ?? null, q.limit, q.after?.at ?? null, q.after?.id ?? null],
    );
    return r.rows.map(toHeld);
  }

  async prune(o: { statusBefore: number; sendsBefore: number; verificationSendsBefore: number; limit: number }): Promise<{ statuses: number; sends: number; parts: number }> {
    const statuses = (await this.pool.query(Q.pruneStatuses, [o.statusBefore, o.limit])).rowCount ?? 0;
    await this.pool.query(Q.pruneParts, [o.statusBefore, o.limit]);
    // after the status rows: a message whose row just went takes its part ids along
    const parts = (await this.pool.query(Q.pruneClientParts, [o.statusBefore, o.limit])).rowCount ?? 0;
    const all = (await this.pool.query(Q.pruneSends, [o.sendsBefore, o.limit])).rowCount ?? 0;
    const verification = all < o.limit ? ((await this.pool.query(Q.pruneVerificationSends, [o.verificationSendsBefore, o.limit - all])).rowCount ?? 0) : 0;
    const sends = all + verification;
    return { statuses, sends, parts };
  }

  async resolveHeld(id: string, r: HoldResolution): Promise<HeldMessage | null> {
    // Who the message is to (never changes): a release's re-check takes the number's lock first, as
    // opt-outs, lifts, withdrawals and decisions do, then the row's (always in that order).
    const who = r.check ? (await this.pool.query<{ content_provider_id: string; msisdn: string }>("SELECT content_provider_id, msisdn FROM message_status WHERE id = $1 AND status = 'held'", [id])).rows[0] : undefined;
    if (r.check && !who) return null;
    const out = await this.records.withPartitions([r.at], () => transaction(this.pool, async (c) => {
      if (who) await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [numberLockKey(who.content_provider_id, who.msisdn).toString()]);
      // The row lock makes the first of two concurrent decisions win; the second finds no held row.
      const row = (await c.query<HeldDb>(`SELECT ${HELD_COLS} FROM message_status WHERE id = $1 AND status = 'held' FOR UPDATE`, [id])).rows[0];
      if (!row) return null;
      const status = heldStatusOf(r);
      if (r.action === 'release') {
        const ck = r.check;
        if (ck) {
          // Read after the lock (READ COMMITTED: a fresh snapshot per statement), so an opt-out that
          // committed before is seen and one after waits for this release. The provider's row is
          // shared-locked: a suspension waits for the release too.
          const sender = (await c.query<{ status: 'active' | 'suspended' }>('SELECT status FROM content_providers WHERE id = $1 FOR SHARE', [row.content_provider_id])).rows[0];
          const subscription = ck.commercial ? (await readSendTimeFacts(c, [{ contentProviderId: row.content_provider_id, msisdn: row.msisdn, category: ck.category }], r.at))[0] : null;
          // a charged message's subscription (rule 8), read only for one naming a service: after the
          // number's lock, as an opt-out or the provider's DELETE ends it under that lock
          const svc = ck.chargedServiceId ?? null;
          const charged = svc === null ? {} : { chargedSubscription: (await c.query<{ id: string }>(Q.chargedSubscriptions, [[svc], [row.content_provider_id], [row.msisdn]])).rows[0]?.id ?? null };
          ck.judge({ at: r.at, senderStatus: sender?.status ?? null, subscription, ...charged });
        }
        // its charged service kept, or taken from the check for a row parked before migration 123
        await c.query("UPDATE message_status SET status = 'accepted', due_at = GREATEST(due_at, $2), updated_at = $2, charged_service_id = coalesce(charged_service_id, $3) WHERE id = $1", [id, r.at, r.check?.chargedServiceId ?? null]);
      } else {
        await c.query("UPDATE message_status SET status = $3, text = '', updated_at = $2 WHERE id = $1", [id, r.at, status]);
        const u = r.uncount;
        if (u) await c.query(OUTBOX.uncount, [row.content_provider_id, row.msisdn, u.type, u.category, u.at]);
      }
      // an operator's review (rare): its counters in a statement of their own
      await PgUsage.write(c, tallyReview(row, r));
      await this.records.append(c, [{ id: `${id}:${status}`, at: r.at, kind: 'status', contentProviderId: row.content_provider_id, msisdn: row.msisdn, ref: id, body: heldStatusBody(r) }]);
      if (r.action !== 'release' && this.callbacks.targets.wantsStatus(row.content_provider_id)) {
        const m = { from: row.from_port, to: row.msisdn, clientRef: clientRefFromColumn(row.client_ref) };
        await this.callbacks.queueWith(c, [r.action === 'reject' ? heldRejectedCallbackRow(row.content_provider_id, id, r.at, m) : statusCallbackRow(row.content_provider_id, { id, status, at: r.at, detail: r.reason }, m)]);
      }
      return toHeld(row);
    }));
    // rejected or expired: never sent, so no longer a text a copy repeats (content.duplicate)
    if (out && r.action !== 'release') this.recentTexts.removeId(out.contentProviderId, out.to, id);
    return out;
  }

  async heldPastHold(q: { now: number; maxHoldMs: number; limit: number }): Promise<HeldMessage[]> {
    const r = await this.pool.query<HeldDb>(
      `SELECT ${HELD_COLS} FROM message_status WHERE status = 'held' AND least(valid_until, submitted_at + $1::bigint) <= $2::bigint
        ORDER BY least(valid_until, submitted_at + $1::bigint), id LIMIT $3`,
      [q.maxHoldMs, q.now, q.limit],
    );
    return r.rows.map(toHeld);
  }
}

/** What a batch's facts are read by (factKeys): its providers, ports, numbers and categories. */
interface FactKeys {
  cps: Set<string>;
  fromPorts: Set<string>;
  verifKeys: Map<string, { cp: string; m: string }>;
  commercialKeys: Map<string, { cp: string; m: string }>;
  triples: Map<string, [string, string, string]>;
  /** (service, provider, number) of the batch's charged messages: empty for almost every batch. */
  charges: Map<string, [string, string, string]>;
  minNow: number;
  /** The per-number advisory locks to take first (locks.ts). */
  locks: bigint[];
}

function factKeys(items: readonly SubmissionItem[]): FactKeys {
  const cps = new Set<string>();
  const fromPorts = new Set<string>();
  const keys = new Map<string, { cp: string; m: string }>();
  const verifKeys = new Map<string, { cp: string; m: string }>();
  const commercialKeys = new Map<string, { cp: string; m: string }>();
  const triples = new Map<string, [string, string, string]>();
  const charges = new Map<string, [string, string, string]>();
  let minNow = Infinity;
  for (const it of items) {
    const cand = it.candidate;
    cps.add(cand.contentProviderId);
    fromPorts.add(cand.from);
    minNow = Math.min(minNow, it.receivedAt);
    if (!cand.to) continue;
    const k = pair(cand.contentProviderId, cand.to);
    const v = { cp: cand.contentProviderId, m: cand.to };
    keys.set(k, v);
    if (cand.type === 'verification') verifKeys.set(k, v);
    if (cand.type === 'commercial') {
      commercialKeys.set(k, v);
      if (cand.category) triples.set(`${k}\u0000${cand.category}`, [cand.contentProviderId, cand.to, cand.category]);
    }
    if (cand.chargedServiceId !== undefined) charges.set(chargeKey(cand.chargedServiceId, cand.contentProviderId, cand.to), [cand.chargedServiceId, cand.contentProviderId, cand.to]);
  }
  return { cps, fromPorts, verifKeys, commercialKeys, triples, charges, minNow, locks: [...keys.values()].map((x) => numberLockKey(x.cp, x.m)) };
}

/**
 * A batch's facts, read in one round trip after its locks (a named statement: parsed and planned once
 * per connection). `verif` and `categoryUse` hold the sends on file; a batch adds its own acceptances
 * so later items count them. `factsOf` gives an item's facts at its judged time.
 */
async function readFacts(c: Client, k: FactKeys): Promise<{ factsOf(item: SubmissionItem): Facts; verif: Times; categoryUse: Times }> {
  const vk = [...k.verifKeys.values()];
  const ck = [...k.commercialKeys.values()];
  const t = [...k.triples.values()];
  const f = (await c.query<FactsRow>({ name: 'sg_facts', text: Q.facts, values: [
    [...k.cps], [...k.fromPorts], vk.map((x) => x.cp), vk.map((x) => x.m), k.minNow - DAY,
    ck.map((x) => x.cp), ck.map((x) => x.m), [...new Set(ck.map((x) => x.m))],
    t.map((x) => x[0]), t.map((x) => x[1]), t.map((x) => x[2]), k.minNow - LONGEST_PERIOD,
  ] })).rows[0];
  const senders = new Map(f.senders.map((r) => [r.id, { id: r.id, status: r.status, signatures: new Set(r.signatures), ...(r.revoked ? { revoked: new Map(Object.entries(r.revoked).map(([a, b]) => [a, Number(b)])) } : {}) }]));
  const ports = new Map(f.ports.map((p) => [p.number, p]));
  const verif = new Times();
  for (const r of f.verif) verif.add(pair(r.cp, r.m), r.at);
  const optedOut = new Map(f.optouts.map((r) => [pair(r.cp, r.m), r.signatures]));
  const dnd = new Set(f.dnd);
  const consents = new Map<string, ConsentDb[]>();
  for (const r of f.consents) {
    const key = `${pair(r.content_provider_id, r.msisdn)}\u0000${r.category}`;
    const a = consents.get(key);
    if (a) a.push(r);
    else consents.set(key, [r]);
  }
  // Commercial sends per (provider, number, category), under whichever consent: what a frequency counts.
  const categoryUse = new Times();
  for (const r of f.category_sends) categoryUse.add(`${pair(r.cp, r.m)}\u0000${r.cat}`, r.at);
  // A charged message's subscription (rule 8): a second statement in the same transaction, only for a
  // batch naming a service, so every other batch reads and allocates nothing more.
  let charged: Map<string, string> | undefined;
  if (k.charges.size > 0) {
    const ks = [...k.charges.values()];
    const rows = (await c.query<{ svc: string; cp: string; m: string; id: string }>(Q.chargedSubscriptions, [ks.map((x) => x[0]), ks.map((x) => x[1]), ks.map((x) => x[2])])).rows;
    charged = new Map(rows.map((r) => [chargeKey(r.svc, r.cp, r.m), r.id]));
  }
  // A triple with no unwithdrawn consent (its messages are refused consent_missing): the consent withdrawn
  // last, which the refusal names; a statement of its own, only for such a batch (as SQLite reads it only
  // on its rejection path: commercial-facts.ts).
  const bare = t.filter((x) => !consents.has(`${pair(x[0], x[1])}\u0000${x[2]}`));
  const withdrawn = bare.length > 0 ? await readWithdrawnConsents(c, bare) : undefined;
  return {
    verif,
    categoryUse,
    factsOf(item: SubmissionItem): Facts {
      const cand = item.candidate;
      const now = item.receivedAt;
      // the time it will be sent: frequencies are counted around it (src/domain/send-window.ts)
      const sendAt = judgedAt(item);
      const sender = senders.get(cand.contentProviderId) ?? { id: cand.contentProviderId, status: 'suspended' as const, signatures: new Set<string>() };
      const facts: Facts = { sender, port: ports.get(cand.from) ?? null, optedOut: false, dnd: false, consent: null, verificationSends: { minute: 0, hour: 0, day: 0 } };
      if (!cand.to) return facts;
      const key = pair(cand.contentProviderId, cand.to);
      if (cand.type === 'verification') {
        facts.verificationSends = { minute: verif.countAround(key, sendAt, MINUTE), hour: verif.countAround(key, sendAt, HOUR), day: verif.countAround(key, sendAt, DAY) };
      } else if (cand.type === 'commercial') {
        facts.optedOut = optedOut.has(key);
        // which signatures the refusals answered (per-signature scope), only with an opt-out (as SQLite)
        const signatures = optedOut.get(key);
        if (signatures) facts.optOutSignatures = signatures;
        facts.dnd = dnd.has(cand.to);
        const cKey = `${key}\u0000${cand.category}`;
        const row = cand.category ? pickConsent(consents.get(cKey), now, (r) => ({ id: r.id, grantedAt: r.granted_at, expiresAt: r.expires_at })) : undefined;
        if (row) {
          const p = frequencyPeriod(row.freq_per, sendAt);
          facts.consent = toConsentFacts(row, categoryUse.countIn(cKey, p.from, p.to));
        } else {
          const w = cand.category ? withdrawn?.get(withdrawnKey(cand.contentProviderId, cand.to, cand.category)) : undefined;
          if (w) facts.withdrawnConsent = w;
        }
      }
      if (cand.chargedServiceId !== undefined) facts.chargedSubscription = charged?.get(chargeKey(cand.chargedServiceId, cand.contentProviderId, cand.to)) ?? null;
      return facts;
    },
  };
}

function toConsentFacts(r: ConsentDb, used: number): ConsentFacts {
  return { id: r.id, category: r.category, grantedAt: r.granted_at, expiresAt: r.expires_at, frequency: { count: r.freq_count, per: r.freq_per }, usedInPeriod: used, hasProof: r.has_proof };
}

function mtRecord(item: SubmissionItem, facts: Facts, d: Decision): NewRecord {
  const c = item.candidate;
  return {
    id: item.id, at: item.receivedAt, kind: 'mt', contentProviderId: c.contentProviderId, msisdn: c.to, ref: item.id,
    body: submissionBody(item, facts, d, encodeVerdicts(d)),
  };
}

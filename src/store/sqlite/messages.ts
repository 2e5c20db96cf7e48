/**
 * SQLite adapter for MT submissions. better-sqlite3 is synchronous, so a whole batch (load facts,
 * decide, record, count, enqueue) runs in one transaction with nothing interleaving: two requests
 * can never both take the last allowance, and when the call returns every outcome is committed.
 */
import type { KeysetPosition } from '../../domain/page-cursor.js';
import type { Db } from './db.js';
import type { Claim, DecidedItem, HeldMessage, IdempotencyWrite, HoldResolution, MessageStore, MessageView, OutboundMessage, QueuedReplacement, ReplaceOutcome, SendTimeFacts, SubmissionItem, SystemMessage } from '../../ports/store.js';
import type { Decision, Facts } from '../../pipeline/types.js';
import type { SqliteDirectory } from './directory.js';
import type { RecordsWriter } from './records-writer.js';
import { CommercialFactsReader, sendTimeFactsOf } from './commercial-facts.js';
import { encodeVerdicts, type EncodedVerdicts } from '../verdict-codec.js';
import { groupByRef, messageViewOf } from '../message-view.js';
import { HELD_COLS, heldStatusBody, heldStatusOf, toHeld, type HeldDb } from '../held-messages.js';
import { clientRefColumn, clientRefFromColumn } from '../client-ref-column.js';
import { receiptColumn, receiptFromColumn } from '../registered-delivery.js';
import { HandedMessages } from './handed-messages.js';
import { UNCOUNT_SQL } from './outbox.js';
import { wellFormed } from './well-formed.js';
import { judgedAt } from '../../domain/schedule.js';
import { priorityOf } from '../../domain/priority.js';
import { tallyDecision, tallyReplacement, tallyReview, UsageTally } from '../usage-tally.js';
import type { SqliteUsage } from './usage.js';
import type { SqliteCallbacks } from './callbacks.js';
import type { SqliteIdempotency } from './idempotency.js';
import { heldRejectedCallbackRow, replacedCallbackRow, statusCallbackRow } from '../callback-targets.js';
import { replacementBody } from '../replacement-body.js';
import { submissionBody } from '../submission-body.js';
import { RecentTexts, type RecentHandle } from '../recent-texts.js';

/** The outbox's batch leases, as a replacement needs them (SqliteOutbox: they live in its memory). */
export interface QueueLeases {
  leaseBlocks(id: string, at: number, given?: Claim): boolean;
  changedInPlace(id: string, given?: Claim): void;
}

/** Thrown inside a replacement's transaction to roll it back when the new text is refused. */
class Refused {
  constructor(readonly decision: Decision) {}
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export class SqliteMessages implements MessageStore {
  private readonly q;
  /** The outbox's leases (set by SqliteStore): a replacement never changes a message a batch may be writing. */
  leases: QueueLeases | null = null;
  /** Commercial facts in one statement (the consent adapter's file owns the query). */
  private readonly commercial: CommercialFactsReader;
  /**
   * `handed`: where committed messages are handed to the outbox's next claim (the store's, shared
   * with SqliteOutbox). `usage`: the usage counters, added to in the decision's transaction.
   * `callbacks`: a held message's rejection queues its status callback in its transaction.
   * `idempotency`: a keyed request's key, kept in its decision's transaction.
   */
  constructor(private readonly db: Db, private readonly dir: SqliteDirectory, private readonly records: RecordsWriter, private readonly usage: SqliteUsage, private readonly callbacks: SqliteCallbacks, private readonly idempotency: SqliteIdempotency, private readonly handed: HandedMessages = new HandedMessages()) {
    this.commercial = new CommercialFactsReader(db);
    this.q = {
      dropKeptParts: db.prepare('DELETE FROM provider_parts WHERE set_key = ?'),
      // A long message's earlier part ids, each naming it (migration 103). A part id already on file
      // for the provider keeps its first message (ids are unique per sending process: never, in practice).
      fileClientPart: db.prepare('INSERT INTO client_parts (content_provider_id, part_id, message_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      messageOfPart: db.prepare('SELECT message_id FROM client_parts WHERE content_provider_id = ? AND part_id = ?').pluck(),
      // Each window on both sides of the judged time (src/domain/send-window.ts): a scheduled send
      // ahead counts against one sent just before it, and one sent now against a schedule just after.
      verificationCounts: db.prepare(
        `SELECT coalesce(sum(at > ? AND at < ?), 0) AS minute, coalesce(sum(at > ? AND at < ?), 0) AS hour, count(*) AS day
           FROM sends WHERE content_provider_id = ? AND msisdn = ? AND type = 'verification' AND category IS NULL AND at > ? AND at < ?`,
      ),
      // category: a commercial send's, what its frequency counts by (migration 096); NULL for verification.
      // A charged message's fact (rule 8): the number's live subscription of the sender to the service
      // (index charged_subscriptions_live, migration 128). Read only for a message naming a service.
      liveCharge: db.prepare('SELECT id FROM charged_subscriptions WHERE service_id = ? AND msisdn = ? AND content_provider_id = ? AND ended_at IS NULL').pluck(),
      insertSend: db.prepare('INSERT INTO sends (content_provider_id, msisdn, type, consent_id, category, at) VALUES (?, ?, ?, ?, ?, ?)'),
      registerPipeline: db.prepare('INSERT INTO pipelines (id, rules) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      pipelineRules: db.prepare('SELECT rules FROM pipelines WHERE id = ?'),
      enqueue: db.prepare(
        `INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at, category, valid_until, client_ref, priority, charged_service_id)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 'accepted', ?, ?, ?, ?, ?, ?)`,
      ),
      // Held messages park in the same table with status 'held': the claim query and the due index
      // only look at 'accepted', so they are never due for egress until released.
      park: db.prepare(
        `INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, attempts, due_at, submitted_at, status, updated_at, category, valid_until, client_ref, priority, charged_service_id)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 'held', ?, ?, ?, ?, ?, ?)`,
      ),
      held: db.prepare(
        `SELECT ${HELD_COLS} FROM message_status
          WHERE status = 'held' AND (? IS NULL OR content_provider_id = ?)
            AND (? IS NULL OR (submitted_at, id) > (?, ?)) ORDER BY submitted_at, id LIMIT ?`,
      ),
      heldOne: db.prepare(`SELECT ${HELD_COLS}, category FROM message_status WHERE id = ? AND status = 'held'`),
      // its hold over: the sender's validity or the maximum hold, whichever comes first (message_status_held, migration 112)
      heldPast: db.prepare(
        `SELECT ${HELD_COLS} FROM message_status
          WHERE status = 'held' AND min(coalesce(valid_until, submitted_at + ?), submitted_at + ?) <= ? ORDER BY min(coalesce(valid_until, submitted_at + ?), submitted_at + ?), id LIMIT ?`,
      ),
      senderStatus: db.prepare('SELECT status FROM content_providers WHERE id = ?').pluck(),
      // due at the release, or at its schedule if that is later (parked with due_at = its schedule)
      // (its charged service kept, or taken from the release's check for a row parked before migration 129)
      release: db.prepare("UPDATE message_status SET status = 'accepted', due_at = max(due_at, ?), updated_at = ?, charged_service_id = coalesce(charged_service_id, ?) WHERE id = ? AND status = 'held'"),
      // a rejection or an expiry: final, its text no longer needed
      endHeld: db.prepare("UPDATE message_status SET status = ?, text = '', updated_at = ? WHERE id = ? AND status = 'held'"),
      uncount: db.prepare(UNCOUNT_SQL),
      // A replacement (replaceQueued): the row as it waits, and the row taking the new text, times and receipt request.
      replaceRow: db.prepare('SELECT status, content_provider_id, msisdn, partial, text, counted_at FROM message_status WHERE id = ?'),
      // Its due time: the replacement's (its schedule, else now), unless an attempt was made and put
      // back for later (retryLater counts attempts: a retry's backoff, a send-time deferral), whose
      // due time a replacement never pulls forward (replace-message.ts).
      replace: db.prepare(
        // counted_at cleared: the replacement's count stands where it is judged, not where a carry left the old one
        // charged_service_id: kept (a replacement stays charged), or the record's for a row queued before migration 129
        `UPDATE message_status SET status = ?, text = ?, registered_delivery = ?, due_at = CASE WHEN attempts > 0 THEN MAX(due_at, ?) ELSE ? END, valid_until = ?, updated_at = ?, counted_at = NULL,
             charged_service_id = coalesce(charged_service_id, ?)
          WHERE id = ? AND status IN ('accepted', 'held')`,
      ),
      // Rows are in insertion (time) order: a rowid scan from the start meets the oldest first.
      pruneStatuses: db.prepare("DELETE FROM message_status WHERE rowid IN (SELECT rowid FROM message_status WHERE updated_at < ? AND status NOT IN ('accepted', 'held') LIMIT ?)"),
      pruneSends: db.prepare('DELETE FROM sends WHERE rowid IN (SELECT rowid FROM sends WHERE at < ? LIMIT ?)'),
      // A long message's parts (outbox.ts) go with its status row's age.
      pruneParts: db.prepare('DELETE FROM upstream_parts WHERE (upstream_id, message_id) IN (SELECT upstream_id, message_id FROM upstream_parts WHERE at < ? LIMIT ?)'),
      // A long message's part ids go with its status row (pruned just before, or never there: refused).
      pruneClientParts: db.prepare(
        `DELETE FROM client_parts WHERE (content_provider_id, part_id) IN (
           SELECT content_provider_id, part_id FROM client_parts c WHERE at < ? AND NOT EXISTS (SELECT 1 FROM message_status s WHERE s.id = c.message_id) LIMIT ?)`,
      ),
      pruneVerificationSends: db.prepare("DELETE FROM sends WHERE rowid IN (SELECT rowid FROM sends WHERE type = 'verification' AND at < ? LIMIT ?)"),
    };
  }

  /** Rule lists known to be in `pipelines`: registered by a transaction that committed, or read from there. */
  private readonly knownPipelines = new Map<string, readonly string[]>();
  /**
   * Accepted and held final texts of the last window, per (provider, number): rule content.duplicate's
   * facts, in memory (this process owns the file), fed by the decision's transaction (recent-texts.ts).
   */
  readonly recentTexts = new RecentTexts();
  /** What the open decision transaction added to {@link recentTexts}: taken back if it fails. */
  private readonly addedTexts: RecentHandle[] = [];

  keepTextsFor(ms: number): void {
    this.recentTexts.keepMs = ms;
    if (ms <= 0) this.recentTexts.clear();
  }
  /**
   * Rule lists the open decision transaction registered: known only once it commits. Remembered at
   * once, a list first met in a transaction that rolled back (its key in use, a failed decision)
   * was never registered again, and every later record of it named a pipeline row that did not exist.
   */
  private readonly registering = new Map<string, readonly string[]>();

  private encode(d: Decision): EncodedVerdicts {
    const e = encodeVerdicts(d);
    if (!this.knownPipelines.has(e.pipeline) && !this.registering.has(e.pipeline)) {
      this.q.registerPipeline.run(e.pipeline, JSON.stringify(d.pipeline));
      this.registering.set(e.pipeline, d.pipeline);
    }
    return e;
  }

  private rulesOf(pipeline: string): readonly string[] | null {
    let r = this.knownPipelines.get(pipeline);
    if (!r) {
      const row = this.q.pipelineRules.get(pipeline) as { rules: string } | undefined;
      if (!row) return null;
      r = JSON.parse(row.rules) as string[];
      this.knownPipelines.set(pipeline, r);
    }
    return r;
  }

  private facts(item: SubmissionItem, exceptId?: string): Facts {
    const c = item.candidate;
    // the time it will be sent: counts are taken around it, consents' liveness at arrival (as before)
    const at = judgedAt(item);
    const sender = this.dir.senderFacts(c.contentProviderId) ?? { id: c.contentProviderId, status: 'suspended' as const, signatures: new Set<string>() };
    const port = this.dir.portSync(c.from);
    const facts: Facts = { sender, port, optedOut: false, dnd: false, consent: null, verificationSends: { minute: 0, hour: 0, day: 0 } };
    if (!c.to) return facts;
    // a replacement's own text is not a copy of itself
    const recent = this.recentTexts.of(c.contentProviderId, c.to, item.receivedAt, exceptId);
    if (recent) facts.recentTexts = recent;
    if (c.type === 'verification') {
      const r = this.q.verificationCounts.get(at - MINUTE, at + MINUTE, at - HOUR, at + HOUR, c.contentProviderId, c.to, at - DAY, at + DAY) as { minute: number; hour: number; day: number };
      facts.verificationSends = r;
    } else if (c.type === 'commercial') {
      Object.assign(facts, this.commercial.read(c.contentProviderId, c.to, c.category, item.receivedAt, at));
    }
    // only a charged message reads its subscription, in this (the decision's) transaction
    if (c.chargedServiceId !== undefined) facts.chargedSubscription = (this.q.liveCharge.get(c.chargedServiceId, c.to, c.contentProviderId) as string | undefined) ?? null;
    return facts;
  }

  async decideAndRecord(items: SubmissionItem[], decide: (item: SubmissionItem, facts: Facts) => Decision, idempotency?: IdempotencyWrite): Promise<DecidedItem[]> {
    let out: DecidedItem[];
    try {
      out = this.db.transaction(() => {
        const decided: DecidedItem[] = [];
        // usage figures summed over the batch: one upsert per (provider, day, key), not per message
        const tally = new UsageTally();
        for (const item of items) {
          const facts = this.facts(item);
          const decision = decide(item, facts);
          this.persist(item, facts, decision);
          tallyDecision(tally, item, decision);
          // the kept earlier parts of the set this decides go with the decision (migration 095)
          if (item.keptPartsKey) this.q.dropKeptParts.run(item.keptPartsKey);
          decided.push({ id: item.id, decision });
        }
        this.usage.write(tally);
        // last: its answer is computed from every decision; a key in use rolls all of them back
        if (idempotency) this.idempotency.keep(idempotency, decided);
        return decided;
      })();
    } catch (e) {
      this.handed.drop();
      this.registering.clear();
      // its texts were never accepted
      for (const t of this.addedTexts) this.recentTexts.remove(t);
      this.addedTexts.length = 0;
      throw e;
    }
    // (inside a caller's transaction, whose outcome is not known here: kept, refusing a copy for a window at worst)
    this.addedTexts.length = 0;
    // Committed, unless a caller's own transaction holds this one (its outcome not known here).
    if (this.db.inTransaction) this.handed.drop();
    else {
      this.handed.commit();
      for (const [id, rules] of this.registering) this.knownPipelines.set(id, rules);
    }
    this.registering.clear();
    return out;
  }

  /**
   * MessageStore.replaceQueued. One transaction: nothing can come between the checks, the decision
   * and the change (SQLite serves one process). A refusal throws inside it (Refused) so that the
   * count given back for the judgement is taken again by the rollback.
   */
  async replaceQueued(r: QueuedReplacement, decide: (item: SubmissionItem, facts: Facts) => Decision): Promise<ReplaceOutcome> {
    const item = r.item;
    const c = item.candidate;
    let out: ReplaceOutcome;
    try {
      out = this.db.transaction((): ReplaceOutcome => {
        const row = this.q.replaceRow.get(item.id) as { status: string; content_provider_id: string; msisdn: string; partial: string | null; text: string; counted_at: number | null } | undefined;
        if (!row || row.content_provider_id !== c.contentProviderId) return 'unknown';
        // a long message with parts already acknowledged by the carrier is partly written
        if ((row.status !== 'accepted' && row.status !== 'held') || row.partial !== null) return 'final';
        if (row.status === 'accepted' && this.leases?.leaseBlocks(item.id, r.at, r.evenIfClaimedBy)) return 'claimed';
        const u = r.uncount;
        // the message's own count would otherwise count against its replacement; where a send-time
        // carry moved it (counted_at), else where it was taken
        if (u) this.q.uncount.run(row.content_provider_id, row.msisdn, u.type, u.category, row.counted_at ?? u.at);
        const facts = this.facts(item, item.id);
        const d = decide(item, facts);
        if (!d.accepted && !d.held) throw new Refused(d);
        if (c.to && (c.type === 'verification' || c.type === 'commercial')) {
          const commercial = c.type === 'commercial';
          this.q.insertSend.run(c.contentProviderId, c.to, c.type, commercial ? facts.consent?.id ?? null : null, commercial ? c.category ?? null : null, judgedAt(item));
        }
        // no new message: only the segments billed follow the new text (usage-tally.ts)
        this.usage.write(tallyReplacement(c.contentProviderId, r.arrivedAt ?? item.receivedAt, row, d));
        const due = item.scheduledAt ?? item.receivedAt;
        this.q.replace.run(d.held ? 'held' : 'accepted', wellFormed(d.text), receiptColumn(item.registeredDelivery), due, due, item.validUntil ?? null, r.at, c.chargedServiceId ?? null, item.id);
        const consentId = c.type === 'commercial' ? facts.consent?.id ?? null : null;
        this.records.append({ id: r.recordId, at: r.at, kind: 'status', contentProviderId: c.contentProviderId, msisdn: row.msisdn, ref: item.id, body: replacementBody(r, d, this.encode(d), consentId) });
        // its callback commits with it (callback-targets.ts): one per replacement, named by its record
        if (this.callbacks.targets.wantsStatus(c.contentProviderId)) {
          this.callbacks.queueInTransaction([replacedCallbackRow(c.contentProviderId, { eventId: r.recordId, id: item.id, status: d.held ? 'held' : 'accepted', at: r.at, from: c.from, to: row.msisdn, text: wellFormed(d.text), segments: d.segments }, item.clientRef)]);
        }
        return { outcome: 'replaced', decision: d };
      })();
    } catch (e) {
      this.registering.clear();
      if (!(e instanceof Refused)) throw e;
      out = { outcome: 'refused', decision: e.decision };
    }
    if (!this.db.inTransaction) for (const [id, rules] of this.registering) this.knownPipelines.set(id, rules);
    this.registering.clear();
    // replaced or not, a claim given up for it is dropped: the message goes on a later claim, with its text as it now is
    if ((typeof out === 'object' && out.outcome === 'replaced') || r.evenIfClaimedBy) this.leases?.changedInPlace(item.id, r.evenIfClaimedBy);
    // replaced: the number now waits for the new text, no longer the old
    if (typeof out === 'object' && out.outcome === 'replaced' && c.to) {
      this.recentTexts.removeId(c.contentProviderId, c.to, item.id);
      this.recentTexts.add(c.contentProviderId, c.to, item.id, out.decision.text, judgedAt(item), r.at);
    }
    return out;
  }

  private persist(item: SubmissionItem, facts: Facts, d: Decision): void {
    const c = item.candidate;
    const at = item.receivedAt;
    this.records.append({
      id: item.id,
      at,
      kind: 'mt',
      contentProviderId: c.contentProviderId,
      msisdn: c.to,
      ref: item.id,
      body: submissionBody(item, facts, d, this.encode(d)),
    });
    // Each earlier part's id names the message, whatever was decided (query_sm answers a refusal too).
    if (item.clientPartIds) for (const partId of item.clientPartIds) this.q.fileClientPart.run(c.contentProviderId, partId, item.id, at);
    if (!(d.accepted || d.held) || !c.to) return;
    // its final text, for a later copy's content.duplicate (taken back if the transaction fails)
    const kept = this.recentTexts.add(c.contentProviderId, c.to, item.id, d.text, judgedAt(item), at);
    if (kept !== undefined) this.addedTexts.push(kept);
    // A held message counts against frequency limits like an accepted one: its release must not
    // exceed an allowance that later messages took in the meantime.
    if (c.type === 'verification' || c.type === 'commercial') {
      const commercial = c.type === 'commercial';
      // counted at the time it will be sent (a scheduled one's schedule), as the facts above read them
      this.q.insertSend.run(c.contentProviderId, c.to, c.type, commercial ? facts.consent?.id ?? null : null, commercial ? c.category ?? null : null, judgedAt(item));
    }
    // A lone surrogate (valid JSON, no character) as one U+FFFD, one unit as the segments counted it.
    const text = wellFormed(d.text);
    const receipt = receiptColumn(item.registeredDelivery);
    // a commercial message's category: judged again before it is sent (send-time-check.ts)
    const category = c.type === 'commercial' ? c.category ?? null : null;
    // A scheduled message is not due before its time (a held one keeps it for its release: resolveHeld).
    const due = item.scheduledAt ?? at;
    // its delivery lane, a column of the same insert (src/domain/priority.ts)
    const priority = priorityOf(c.type);
    // a charged message's service: its subscription is judged again before it is sent (migration 129)
    const charged = c.chargedServiceId ?? null;
    if (d.held) {
      this.q.park.run(item.id, c.contentProviderId, c.to, c.from, text, receipt, due, at, at, category, item.validUntil ?? null, clientRefColumn(item.clientRef), priority, charged);
      return;
    }
    const { lastInsertRowid } = this.q.enqueue.run(item.id, c.contentProviderId, c.to, c.from, text, receipt, due, at, at, category, item.validUntil ?? null, clientRefColumn(item.clientRef), priority, charged);
    // only what the next claim may take: a scheduled message waits in the table for its time
    if (item.scheduledAt !== undefined) return;
    // What the outbox's claim would read back from this row (SqliteOutbox.claim, DUE_COLUMNS); the
    // claim that takes it sets its lease end (present from the start: one object shape).
    const m: OutboundMessage = { id: item.id, contentProviderId: c.contentProviderId, from: c.from, to: c.to, text, registeredDelivery: receiptFromColumn(receipt), attempts: 1, submittedAt: at, leasedUntil: 0, priority, clientRef: item.clientRef ?? null };
    if (category !== null) m.category = category;
    if (item.validUntil !== undefined) m.validUntil = item.validUntil;
    if (charged !== null) m.chargedServiceId = charged;
    this.handed.stage({ priority, due: at, rowid: Number(lastInsertRowid), m });
  }

  async recordSystemMessage(m: SystemMessage): Promise<void> {
    this.db.transaction(() => {
      this.records.append({
        id: m.id,
        at: m.at,
        kind: 'mt',
        contentProviderId: m.contentProviderId,
        msisdn: m.to,
        ref: m.id,
        body: { from: m.from, to: m.to, type: m.type, category: null, text: m.text, finalText: null, segments: null, decision: 'accepted', code: null, verdicts: null, channel: 'system', purpose: m.purpose, charged: false },
      });
      this.q.enqueue.run(m.id, m.contentProviderId, m.to, m.from, m.text, 0, m.at, m.at, m.at, null, null, clientRefColumn(undefined), priorityOf(m.type), null); // a system message has no clientRef, charges nothing
    })();
  }

  async getMessage(id: string): Promise<MessageView | null> {
    const rows = this.records.byRef(id);
    // A submission recorded just before a main commit that never happened: never accepted, never answered.
    const mt = rows.find((r) => r.kind === 'mt');
    if (mt && this.records.tookNoEffect(mt.seq)) return null;
    return messageViewOf(id, rows, (pl) => this.rulesOf(pl));
  }

  async getMessages(ids: readonly string[]): Promise<(MessageView | null)[]> {
    const byId = groupByRef(this.records.byRefs(ids));
    const mts = new Map(ids.map((id) => [id, byId.get(id)?.find((r) => r.kind === 'mt')]));
    // As getMessage: a submission whose main commit never happened is none (one statement for the page).
    const void_ = this.records.tookNoEffectOf([...mts.values()].flatMap((mt) => (mt ? [mt.seq] : [])));
    return Promise.all(ids.map((id) => {
      const mt = mts.get(id);
      if (mt && void_.has(mt.seq)) return null;
      return messageViewOf(id, byId.get(id) ?? [], (pl) => this.rulesOf(pl));
    }));
  }

  async messageOfPart(contentProviderId: string, partId: string): Promise<string | null> {
    return (this.q.messageOfPart.get(contentProviderId, partId) as string | undefined) ?? null;
  }

  async listHeld(q: { contentProviderId?: string; limit: number; after?: KeysetPosition }): Promise<HeldMessage[]> {
    const cp = q.contentProviderId ?? null;
    const at = q.after?.at ?? null;
    return (this.q.held.all(cp, cp, at, at, q.after?.id ?? null, q.limit) as HeldDb[]).map(toHeld);
  }

  async resolveHeld(id: string, r: HoldResolution): Promise<HeldMessage | null> {
    const out = this.resolveHeldInTransaction(id, r);
    // rejected or expired: never sent, so no longer a text a copy repeats (content.duplicate)
    if (out && r.action !== 'release') this.recentTexts.removeId(out.contentProviderId, out.to, id);
    return out;
  }

  private resolveHeldInTransaction(id: string, r: HoldResolution): HeldMessage | null {
    return this.db.transaction(() => {
      const row = this.q.heldOne.get(id) as (HeldDb & { category: string | null }) | undefined;
      if (!row) return null;
      const status = heldStatusOf(r);
      if (r.action === 'release') {
        // Judged on what is committed now, in this transaction: nothing can land between the judgement
        // and the release (SQLite serves one process, and this transaction runs to its end at once).
        const c = r.check;
        const charged = c?.chargedServiceId ?? null;
        if (c) c.judge({
          at: r.at,
          senderStatus: (this.q.senderStatus.get(row.content_provider_id) as 'active' | 'suspended' | undefined) ?? null,
          subscription: c.commercial ? this.subscriptionAt(row.content_provider_id, row.msisdn, c.category, r.at) : null,
          // a charged message's subscription (rule 8), read only for one naming a service
          ...(charged !== null ? { chargedSubscription: (this.q.liveCharge.get(charged, row.msisdn, row.content_provider_id) as string | undefined) ?? null } : {}),
        });
        this.q.release.run(r.at, r.at, charged, id);
      } else {
        this.q.endHeld.run(status, r.at, id);
        const u = r.uncount;
        if (u) this.q.uncount.run(row.content_provider_id, row.msisdn, u.type, u.category, u.at);
      }
      this.usage.write(tallyReview(row, r));
      this.records.append({
        id: `${id}:${status}`, at: r.at, kind: 'status', contentProviderId: row.content_provider_id, msisdn: row.msisdn, ref: id,
        body: heldStatusBody(r),
      });
      if (r.action !== 'release' && this.callbacks.targets.wantsStatus(row.content_provider_id)) {
        const m = { from: row.from_port, to: row.msisdn, clientRef: clientRefFromColumn(row.client_ref) };
        this.callbacks.queueInTransaction([r.action === 'reject' ? heldRejectedCallbackRow(row.content_provider_id, id, r.at, m) : statusCallbackRow(row.content_provider_id, { id, status, at: r.at, detail: r.reason }, m)]);
      }
      return toHeld(row);
    })();
  }

  /** A number's subscription facts at `at`, as the send-time check reads them (ConsentStore.sendTimeFacts). */
  private subscriptionAt(cp: string, msisdn: string, category: string | null, at: number): SendTimeFacts {
    return sendTimeFactsOf(this.commercial.read(cp, msisdn, category ?? undefined, at));
  }

  async heldPastHold(q: { now: number; maxHoldMs: number; limit: number }): Promise<HeldMessage[]> {
    return (this.q.heldPast.all(q.maxHoldMs, q.maxHoldMs, q.now, q.maxHoldMs, q.maxHoldMs, q.limit) as HeldDb[]).map(toHeld);
  }

  async prune(o: { statusBefore: number; sendsBefore: number; verificationSendsBefore: number; limit: number }): Promise<{ statuses: number; sends: number; parts: number }> {
    return this.db.transaction(() => {
      const statuses = this.q.pruneStatuses.run(o.statusBefore, o.limit).changes;
      this.q.pruneParts.run(o.statusBefore, o.limit);
      const parts = this.q.pruneClientParts.run(o.statusBefore, o.limit).changes;
      const all = this.q.pruneSends.run(o.sendsBefore, o.limit).changes;
      const verification = all < o.limit ? this.q.pruneVerificationSends.run(o.verificationSendsBefore, o.limit - all).changes : 0;
      return { statuses, sends: all + verification, parts };
    })();
  }
}


/**
 * PostgreSQL adapter for the egress queue and message status. Claims use FOR UPDATE SKIP LOCKED and
 * a shared lease column, so any number of delivery workers in any number of processes share one
 * queue without handing a message to two of them while a lease runs. A status change and its record
 * commit together; status rows are locked in id order, so concurrent batches cannot deadlock.
 */
import type { RecentTexts } from '../recent-texts.js';
import type { Client, Pool } from './db.js';
import { queries, transaction } from './db.js';
import type { CancelOptions, Claim, OutboundMessage, OutboxStore, ReceiptUpdate, StatusUpdate } from '../../ports/store.js';
import type { MessageStatus } from '../../domain/message-status.js';
import type { NewRecord, PgRecordsWriter } from './records-writer.js';
import { receiptFromColumn } from '../registered-delivery.js';
import { partialColumn, partialFromColumn } from '../partial-submit.js';
import type { PartialSubmit } from '../../ports/egress.js';
import { betterPartMatch, betterReceiptMatch } from '../receipt-match.js';
import { statusBody } from '../status-body.js';
import { clientRefFromColumn } from '../client-ref-column.js';
import { UsageTally } from '../usage-tally.js';
import { shanghaiDay, statusUsageKey } from '../../domain/usage.js';
import type { PgCallbacks } from './callbacks.js';
import { cancelledCallbackRow, statusCallbackRow } from '../callback-targets.js';
import { LOWEST_PRIORITY, type Priority } from '../../domain/priority.js';

/** Statuses after which a message leaves the queue. */
const FINAL: ReadonlySet<MessageStatus> = new Set(['submitted', 'delivered', 'undeliverable', 'expired', 'rejected_upstream', 'failed', 'rejected', 'cancelled']);
/**
 * Order in which statuses may follow each other; a receipt never moves a message backwards. `cancelled`
 * is above every other final status: a message the carrier took back (OutboxStore.cancel `atCarrier`)
 * stays cancelled whatever receipt comes for it later (as the SQLite store).
 */
const RANK: Record<MessageStatus, number> = { accepted: 0, submitted: 1, delivered: 2, undeliverable: 2, expired: 2, rejected_upstream: 2, failed: 2, rejected: 2, cancelled: 3 };

const Q = queries('outbox', ['cancelRow', 'cancel', 'uncount', 'claim', 'claimIds', 'relay', 'current', 'currentByUpstream', 'setStatuses', 'retry', 'release', 'renew', 'byUpstream', 'spellingsOnFile', 'pending', 'pendingDue', 'partsOf', 'currentByIdOrUpstream', 'partsOfMessages', 'setParts', 'fileParts', 'callbackFacts', 'upstreamIdsOf'] as const);

interface QueueDb { id: string; content_provider_id: string; from_port: string; msisdn: string; text: string; registered_delivery: number; attempts: number; submitted_at: number; due_at: number; enqueued_seq: number; partial: string | null; category: string | null; valid_until: number | null; client_ref: string | null; leased_until?: number | null; priority: Priority; charged_service_id: string | null }
/** In claim order: lane by lane (src/domain/priority.ts), then first due, first queued (RETURNING keeps no order). */
function toOutbound(rows: QueueDb[]): OutboundMessage[] {
  rows.sort((a, b) => a.priority - b.priority || a.due_at - b.due_at || a.enqueued_seq - b.enqueued_seq);
  return rows.map((r) => {
    const m: OutboundMessage = { id: r.id, contentProviderId: r.content_provider_id, from: r.from_port, to: r.msisdn, text: r.text, registeredDelivery: receiptFromColumn(r.registered_delivery), attempts: r.attempts, submittedAt: r.submitted_at };
    const partial = partialFromColumn(r.partial);
    if (partial) m.partial = partial;
    // a commercial message's (migration 092); absent, not undefined, for every other type
    if (r.category !== null) m.category = r.category;
    if (r.valid_until !== null) m.validUntil = Number(r.valid_until);
    // a charged message's service (migration 123); absent for every other
    if (r.charged_service_id != null) m.chargedServiceId = r.charged_service_id;
    const clientRef = clientRefFromColumn(r.client_ref);
    if (clientRef !== undefined) m.clientRef = clientRef;
    // claim and claimIds return the lease they wrote: it names the claim (OutboxStore.release)
    if (r.leased_until != null) m.leasedUntil = r.leased_until;
    m.priority = r.priority;
    return m;
  });
}
interface CurrentDb { id: string; status: MessageStatus; content_provider_id: string; msisdn: string }
interface CallbackFactsDb { id: string; from_port: string; msisdn: string; client_ref: string | null }

/**
 * Whether a message came from a claim (a lease end to name it by): release and retryLater act only
 * on such a one, and only while the row still has that lease end and attempt count (outbox.sql).
 */
function fromClaim(c: Claim): c is Claim & { leasedUntil: number } {
  return c.leasedUntil !== undefined;
}

export class PgOutbox implements OutboxStore {
  /** `callbacks`: a status change of a provider that wants callbacks queues its row in the same transaction (callback-targets.ts). */
  /** This process's decisions' recent texts (PgMessages.recentTexts, set by PostgresStore): a cancel takes its message's out. */
  recentTexts: RecentTexts | null = null;

  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter, private readonly callbacks: PgCallbacks) {}

  /** OutboxStore.claim: lane by lane (outbox.sql), `upTo` the last lane taken. */
  async claim(now: number, limit: number, leaseMs: number, upTo: Priority = LOWEST_PRIORITY): Promise<OutboundMessage[]> {
    return toOutbound((await this.pool.query<QueueDb>(Q.claim, [now, limit, leaseMs, upTo])).rows);
  }

  /**
   * Claims these messages (as the bus delivered them) for `leaseMs`; returns those still queued, due
   * (allowing `skewMs` for another machine's clock) and not leased by another worker. Ids missing from the result are done, not yet due, or in
   * another worker's hands: the caller acknowledges them to the bus and drops them.
   */
  async claimIds(ids: readonly string[], now: number, leaseMs: number, skewMs = 0): Promise<OutboundMessage[]> {
    if (ids.length === 0) return [];
    return toOutbound((await this.pool.query<QueueDb>(Q.claimIds, [ids, now, leaseMs, now + skewMs])).rows);
  }

  /**
   * Up to `limit` messages to publish on the message bus: queued, due, not leased, and not published
   * within `graceMs` (first hand-over, a retry that came due, or one the bus or a worker lost).
   * Marks them published at `now`.
   */
  async relay(now: number, limit: number, graceMs: number): Promise<OutboundMessage[]> {
    return toOutbound((await this.pool.query<QueueDb>(Q.relay, [now, limit, graceMs])).rows);
  }

  /**
   * OutboxStore.release: the lease dropped, and the attempt the claim counted taken back, for each
   * claim still standing (its lease end and attempt count as the claim wrote them). Another process
   * may have claimed the message since, once this lease ran out: its claim wrote a later lease end
   * and one attempt more, so it is left alone.
   */
  async release(claims: readonly Claim[]): Promise<void> {
    const mine = claims.filter(fromClaim);
    if (mine.length) await this.pool.query(Q.release, [mine.map((c) => c.id), mine.map((c) => c.leasedUntil), mine.map((c) => c.attempts)]);
  }

  /** OutboxStore.renew: as release, only the claims still standing (their lease end and attempt count). */
  async renew(claims: readonly Claim[], until: number): Promise<string[]> {
    const mine = claims.filter(fromClaim);
    if (mine.length === 0) return [];
    const r = await this.pool.query<{ id: string }>(Q.renew, [mine.map((c) => c.id), mine.map((c) => c.leasedUntil), mine.map((c) => c.attempts), until]);
    return r.rows.map((x) => x.id);
  }

  async recordStatuses(updates: StatusUpdate[]): Promise<StatusUpdate[]> {
    if (updates.length === 0) return [];
    return this.records.withPartitions(updates.map((u) => u.at), () => transaction(this.pool, async (c) => {
      const cur = new Map((await c.query<CurrentDb>(Q.current, [[...new Set(updates.map((u) => u.id))]])).rows.map((r) => [r.id, r]));
      return this.apply(c, cur, updates);
    }));
  }

  /**
   * OutboxStore.cancel: the row locked, then moved only if no lease is running (another process's
   * batch may hold it), or the one running is the claim its holder gave up (`evenIfClaimedBy`: its
   * lease end and attempt count as that claim wrote them, as `release` names a claim).
   */
  async cancel(id: string, contentProviderId: string | null, at: number, detail: string, opts: CancelOptions = {}): Promise<'cancelled' | 'claimed' | 'final' | 'unknown'> {
    let who: { content_provider_id: string; msisdn: string } | undefined;
    const out = await this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const row = (await c.query<{ status: string; content_provider_id: string; msisdn: string; leased_until: number | null; attempts: number; counted_at: string | null }>(Q.cancelRow, [id])).rows[0];
      if (!row || (contentProviderId !== null && row.content_provider_id !== contentProviderId)) return 'unknown';
      if (row.status !== 'accepted' && row.status !== 'held' && !(row.status === 'submitted' && opts.atCarrier)) return 'final';
      const given = opts.evenIfClaimedBy;
      const givenUp = given !== undefined && given.id === id && given.leasedUntil === row.leased_until && given.attempts === row.attempts;
      if (row.status === 'accepted' && row.leased_until !== null && row.leased_until > at && !givenUp) return 'claimed';
      await c.query(Q.cancel, [id, at, row.content_provider_id, shanghaiDay(at)]);
      const u = opts.uncount;
      // where the count stands: a send-time carry moved it (counted_at), else where it was taken
      if (u) await c.query(Q.uncount, [row.content_provider_id, row.msisdn, u.type, u.category, row.counted_at !== null ? Number(row.counted_at) : u.at]);
      await this.records.append(c, [{ id: `${id}:cancelled`, at, kind: 'status', contentProviderId: row.content_provider_id, msisdn: row.msisdn, ref: id, body: statusBody({ id, status: 'cancelled', at, detail }) }]);
      if (this.callbacks.targets.wantsStatus(row.content_provider_id)) {
        const m = (await c.query<CallbackFactsDb>(Q.callbackFacts, [[id]])).rows[0];
        await this.callbacks.queueWith(c, [cancelledCallbackRow(row.content_provider_id, id, at, { from: m.from_port, to: m.msisdn, clientRef: clientRefFromColumn(m.client_ref) })]);
      }
      who = row;
      return 'cancelled' as const;
    }));
    // never sent (or taken back at the carrier): no longer a text a copy repeats (content.duplicate;
    // this process's memory only: docs/SCALING.md "Identical content")
    if (out === 'cancelled' && who) this.recentTexts?.removeId(who.content_provider_id, who.msisdn, id);
    return out;
  }

  /**
   * OutboxStore.noteSubmitted: the row locked (cancelRow) and checked, then the record; a receipt's
   * status batch waits for the lock (`current`), so its record comes after this one.
   */
  async noteSubmitted(id: string, at: number, detail: string, recordId: string): Promise<boolean> {
    return this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const row = (await c.query<{ status: string; content_provider_id: string; msisdn: string }>(Q.cancelRow, [id])).rows[0];
      if (!row || row.status !== 'submitted') return false;
      await this.records.append(c, [{ id: recordId, at, kind: 'status', contentProviderId: row.content_provider_id, msisdn: row.msisdn, ref: id, body: statusBody({ id, status: 'submitted', at, detail }) }]);
      return true;
    }));
  }

  async applyReceipts(receipts: ReceiptUpdate[]): Promise<{ changed: StatusUpdate[]; unknown: ReceiptUpdate[] }> {
    if (receipts.length === 0) return { changed: [], unknown: [] };
    return this.records.withPartitions(receipts.map((u) => u.at), () => transaction(this.pool, async (c) => {
      const ups = [...new Set(receipts.map((r) => r.upstreamId))];
      // Parts of long messages (migration 085) first; nearly always none, and then one query more.
      const partHits = (await c.query<{ upstream_id: string; message_id: string }>(Q.partsOf, [ups])).rows;
      const partUps = new Set(partHits.map((p) => p.upstream_id));
      const partMessages = [...new Set(partHits.map((p) => p.message_id))];
      const rows = partHits.length === 0
        ? (await c.query<CurrentDb & { upstream_id: string; submitted_at: string }>(Q.currentByUpstream, [ups])).rows
        : (await c.query<CurrentDb & { upstream_id: string; submitted_at: string }>(Q.currentByIdOrUpstream, [partMessages, ups.filter((u) => !partUps.has(u))])).rows;
      // Several messages under one SMSC id (an SMSC that gave it again): the one receipt-match.ts prefers.
      const byUp = new Map<string, (typeof rows)[number]>();
      for (const r of rows) {
        if (r.upstream_id === null || partUps.has(r.upstream_id)) continue;
        const had = byUp.get(r.upstream_id);
        if (!had || betterReceiptMatch(r, had)) byUp.set(r.upstream_id, r);
      }
      const cur = new Map(rows.map((r) => [r.id, r as CurrentDb]));
      const parts = partHits.length === 0 ? null : await this.partsOf(c, partMessages);
      const updates: StatusUpdate[] = [];
      const unknown: ReceiptUpdate[] = [];
      for (const r of receipts) {
        if (parts && partUps.has(r.upstreamId)) {
          const u = parts.receipt(r);
          if (u) updates.push(u);
          continue;
        }
        const m = byUp.get(r.upstreamId);
        if (!m) unknown.push(r);
        else updates.push(r.detail ? { id: m.id, status: r.status, at: r.at, detail: r.detail } : { id: m.id, status: r.status, at: r.at });
      }
      if (parts) await parts.save();
      return { changed: await this.apply(c, cur, updates), unknown };
    }));
  }

  /**
   * The parts of these long messages, read once their status rows are locked (so every part receipt
   * committed before is seen): `receipt` keeps one part's (a repeat changes nothing) and returns the
   * message's update once every part has one, the first part (in part order) not delivered giving its
   * status, else delivered; `save` writes the parts' receipts.
   */
  private async partsOf(c: Client, messageIds: string[]) {
    type Row = { upstream_id: string; message_id: string; part: number; parts: number; status: MessageStatus | null; detail: string | null; at: string };
    const rows = (await c.query<Row>(Q.partsOfMessages, [messageIds])).rows;
    const byMessage = new Map<string, Row[]>();
    for (const r of rows) {
      let l = byMessage.get(r.message_id);
      if (!l) byMessage.set(r.message_id, (l = []));
      l.push(r);
    }
    const dirty: Row[] = [];
    return {
      receipt(r: ReceiptUpdate): StatusUpdate | null {
        // Should two messages' parts share an SMSC id (a restarted SMSC), the one receipt-match.ts
        // prefers: the part not yet receipted, the newest first. Taking the first row read gave the
        // receipt to an old message whose part's receipt was lost, and left the new one waiting.
        let p: Row | undefined;
        for (const x of rows) if (x.upstream_id === r.upstreamId && (!p || betterPartMatch(x, p))) p = x;
        // a repeat, or a state on the way (ACCEPTD) that says nothing of the part's outcome
        if (!p || p.status !== null || r.status === 'submitted') return null;
        p.status = r.status;
        p.detail = r.detail ?? null;
        dirty.push(p);
        const all = byMessage.get(p.message_id)!;
        if (all.length < p.parts || all.some((x) => x.status === null)) return null;
        const worst = all.filter((x) => x.status !== 'delivered').sort((a, b) => a.part - b.part)[0];
        if (!worst) return { id: p.message_id, status: 'delivered', at: r.at };
        return worst.detail ? { id: p.message_id, status: worst.status!, at: r.at, detail: worst.detail } : { id: p.message_id, status: worst.status!, at: r.at };
      },
      async save(): Promise<void> {
        if (dirty.length) await c.query(Q.setParts, [dirty.map((p) => p.upstream_id), dirty.map((p) => p.message_id), dirty.map((p) => p.status), dirty.map((p) => p.detail)]);
      },
    };
  }

  /** Applies updates in order against the locked current rows; one record per change. */
  private async apply(c: Client, cur: Map<string, CurrentDb>, updates: StatusUpdate[]): Promise<StatusUpdate[]> {
    const changed: StatusUpdate[] = [];
    const recs: NewRecord[] = [];
    const fileParts: [string, string, number, number, number][] = [];
    const last = new Map<string, StatusUpdate>();
    // usage figures of the moves that happen, summed: one upsert row per (provider, day, key)
    const tally = new UsageTally();
    // the moves whose provider wants callbacks: a Set lookup per move, no statement for the others
    const targets = this.callbacks.targets;
    let wanted: { cp: string; u: StatusUpdate }[] | null = null;
    for (const u of updates) {
      const r = cur.get(u.id);
      if (!r) continue;
      if (r.status === u.status || RANK[u.status] < RANK[r.status]) continue;
      r.status = u.status;
      const prev = last.get(u.id);
      last.set(u.id, { ...u, upstreamId: u.upstreamId ?? prev?.upstreamId });
      const body = statusBody(u);
      if (u.partIds && u.partIds.length > 1) u.partIds.forEach((pid, i) => fileParts.push([pid, u.id, i, u.partIds!.length, u.at]));
      recs.push({ id: `${u.id}:${u.status}`, at: u.at, kind: 'status', contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: u.id, body });
      const key = statusUsageKey(u.status);
      if (key) tally.add(r.content_provider_id, u.at, key);
      if (targets.wantsStatus(r.content_provider_id)) (wanted ??= []).push({ cp: r.content_provider_id, u });
      changed.push(u);
    }
    if (last.size) {
      const l = [...last.values()];
      await c.query(Q.setStatuses, [l.map((u) => u.id), l.map((u) => u.status), l.map((u) => u.upstreamId ?? null), l.map((u) => u.at), l.map((u) => FINAL.has(u.status)), ...tally.columns()]);
    }
    if (fileParts.length) await c.query(Q.fileParts, [0, 1, 2, 3, 4].map((k) => fileParts.map((f) => f[k])));
    await this.records.append(c, recs);
    if (wanted) await this.queueCallbacks(c, wanted);
    return changed;
  }

  /** The status callbacks of these moves, in the transaction `c`: their messages' from, to and clientRef read in one query. */
  private async queueCallbacks(c: Client, wanted: readonly { cp: string; u: StatusUpdate }[]): Promise<void> {
    const facts = new Map((await c.query<CallbackFactsDb>(Q.callbackFacts, [[...new Set(wanted.map((w) => w.u.id))]])).rows.map((r) => [r.id, r]));
    await this.callbacks.queueWith(c, wanted.map(({ cp, u }) => {
      const m = facts.get(u.id)!;
      return statusCallbackRow(cp, u, { from: m.from_port, to: m.msisdn, clientRef: clientRefFromColumn(m.client_ref) });
    }));
  }

  /**
   * OutboxStore.retryLater: the attempt was counted by the claim. Only while the claim stands (its
   * lease end and attempt count as the claim wrote them, as `release`): another process may have
   * claimed the message since, once this lease ran out, and be sending it.
   */
  async retryLater(claim: Claim, dueAt: number, _detail: string, partial?: PartialSubmit): Promise<void> {
    if (fromClaim(claim)) await this.pool.query(Q.retry, [claim.id, dueAt, partialColumn(partial), claim.leasedUntil, claim.attempts]);
  }

  async resolveUpstreamId(spellings: readonly string[]): Promise<string | null> {
    if (spellings.length === 0) return null;
    const onFile = new Set((await this.pool.query<{ upstream_id: string }>(Q.spellingsOnFile, [spellings])).rows.map((r) => r.upstream_id));
    return spellings.find((s) => onFile.has(s)) ?? null;
  }

  /** OutboxStore.upstreamIdsOf: its parts' ids in part order, else its own. */
  async upstreamIdsOf(id: string): Promise<string[]> {
    const rows = (await this.pool.query<{ upstream_id: string | null; part_id: string | null }>(Q.upstreamIdsOf, [id])).rows;
    const parts = rows.flatMap((r) => (r.part_id === null ? [] : [r.part_id]));
    if (parts.length > 0) return parts;
    return rows[0]?.upstream_id ? [rows[0].upstream_id] : [];
  }

  async findByUpstreamId(upstreamId: string): Promise<{ id: string; status: MessageStatus } | null> {
    return (await this.pool.query<{ id: string; status: MessageStatus }>(Q.byUpstream, [upstreamId])).rows[0] ?? null;
  }

  async pendingCount(dueBy?: number): Promise<number> {
    if (dueBy !== undefined) return (await this.pool.query<{ n: number }>(Q.pendingDue, [dueBy])).rows[0].n;
    return (await this.pool.query<{ n: number }>(Q.pending)).rows[0].n;
  }
}

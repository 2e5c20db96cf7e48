/** SQLite adapter for the egress queue and message status history. */
import type { RecentTexts } from '../recent-texts.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { CancelOptions, Claim, OutboundMessage, OutboxStore, ReceiptUpdate, StatusUpdate } from '../../ports/store.js';
import type { MessageStatus } from '../../domain/message-status.js';
import type { RecordsWriter } from './records-writer.js';
import { receiptFromColumn } from '../registered-delivery.js';
import { partialColumn, partialFromColumn } from '../partial-submit.js';
import { clientRefFromColumn } from '../client-ref-column.js';
import type { PartialSubmit } from '../../ports/egress.js';
import { SlotMap } from '../../runtime/slot-map.js';
import { before, HandedMessages } from './handed-messages.js';
import { LOWEST_PRIORITY, PRIORITIES, type Priority } from '../../domain/priority.js';
import { betterReceiptMatch } from '../receipt-match.js';
import { statusBody } from '../status-body.js';
import { UsageTally } from '../usage-tally.js';
import { statusUsageKey } from '../../domain/usage.js';
import type { SqliteUsage } from './usage.js';
import type { SqliteCallbacks } from './callbacks.js';
import { cancelledCallbackRow, statusCallbackRow } from '../callback-targets.js';
import type { NewCallbackEvent } from '../../ports/store.js';

/** Statuses after which a message leaves the queue (its text is no longer needed there). */
const FINAL: ReadonlySet<MessageStatus> = new Set(['submitted', 'delivered', 'undeliverable', 'expired', 'rejected_upstream', 'failed', 'rejected', 'cancelled']);
/**
 * Order in which statuses may follow each other; a receipt never moves a message backwards. `cancelled`
 * is above every other final status: a message the carrier took back (cancel_sm, OutboxStore.cancel
 * `atCarrier`) stays cancelled whatever receipt comes for it later (a DELETED one reads as
 * undeliverable, a misbehaving SMSC's DELIVRD…).
 */
const RANK: Record<MessageStatus, number> = { accepted: 0, submitted: 1, delivered: 2, undeliverable: 2, expired: 2, rejected_upstream: 2, failed: 2, rejected: 2, cancelled: 3 };

/**
 * The UPDATE that moves a message to `to`: only from a status of lower or equal rank other than
 * `to` itself (so a receipt never moves it backwards, and a repeated one changes nothing). One
 * statement instead of a read and a write: the order is checked where the row is. The rank is a
 * CASE, not `status IN (…)`: SQLite builds an ephemeral table for an IN list of more than a few
 * constants at every execution, and so it does for RETURNING, which is only asked for when the
 * caller does not already know what the status record needs (`returning`); together they cost ~2 µs
 * of the ~4 µs of a receipt's UPDATE (docs/PERFORMANCE.md). The upstream id is only in the SET list
 * when there is one, so a receipt's update leaves the upstream-id index alone (SQLite rewrites an
 * index entry whenever one of its columns is assigned, even to the same value). A final status also
 * drops the text, no longer needed. With `via`, the move is checked as a move to `via` but leaves the
 * row at `to`: two moves in one statement (SqliteOutbox.applyStatuses, `submitted` then a receipt).
 */
function advanceSql(to: MessageStatus, setsUpstreamId: boolean, returning: boolean, via: MessageStatus = to): string {
  const rank = `CASE status ${(Object.keys(RANK) as MessageStatus[]).map((s) => `WHEN '${s}' THEN ${RANK[s]}`).join(' ')} ELSE 99 END`;
  return `UPDATE message_status SET status = ?${setsUpstreamId ? ', upstream_id = ?' : ''}, updated_at = ?${FINAL.has(to) ? ", text = '', partial = NULL" : ''}
    WHERE id = ? AND status <> '${via}' AND ${rank} <= ${RANK[via]}${returning ? ' RETURNING content_provider_id, msisdn' : ''}`;
}

/** What a message's status record needs besides the update: its provider and number (they never change). */
interface Owner { content_provider_id: string; msisdn: string }
/** A message found by its upstream id (raw row): id, status, provider, number. */
type ByUpstreamRow = [id: string, status: MessageStatus, contentProviderId: string, msisdn: string, submittedAt: number];

/** Of the rows on file under one SMSC id, the one a receipt for it names (src/store/receipt-match.ts). */
function byUpstreamId(rows: ByUpstreamRow[]): ByUpstreamRow | undefined {
  let best = rows[0];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    if (betterReceiptMatch({ id: r[0], status: r[1], submitted_at: r[4] }, { id: best[0], status: best[1], submitted_at: best[4] })) best = r;
  }
  return best;
}
/**
 * A claimed row's lease, with its owner, so that its `submitted` needs no RETURNING (advanceSql), and
 * its place in claim order (priority, due_at, rowid), so that a claim from the handed messages can
 * count it.
 */
interface Lease extends Owner { until: number; priority: Priority; due: number; rowid: number }

/**
 * The columns a claim reads, in DueRow's order. Rows come back as arrays (better-sqlite3's raw
 * mode): an object per row cost ~2.5 µs against ~1.3 for an array (docs/PERFORMANCE.md), once per
 * message sent.
 */
const DUE_COLUMNS = 'rowid, due_at, id, content_provider_id, from_port, msisdn, text, registered_delivery, attempts, submitted_at, partial, category, valid_until, client_ref, priority, charged_service_id';
type DueRow = [rowid: number, dueAt: number, id: string, contentProviderId: string, from: string, msisdn: string, text: string, registeredDelivery: number, attempts: number, submittedAt: number, partial: string | null, category: string | null, validUntil: number | null, clientRef: string | null, priority: Priority, chargedServiceId: string | null];
/** A claim reads from the start of the queue at least this often (see SqliteOutbox.cursors). */
const FULL_SCAN_MS = 1000;

/**
 * How many rows are due up to a place (@due, @rowid) of lane `lane` in claim order: every due row of
 * the lanes before it, and its own lane's up to the place, each count stopping at @cap (claimHanded).
 * One range of the lane index per lane (priority = p AND due_at <= @now): never a walk over rows
 * scheduled for later.
 */
function dueUpToSql(lane: Priority): string {
  const parts: string[] = [];
  for (const p of PRIORITIES) {
    if (p > lane) break;
    const upTo = p === lane ? ' AND (due_at, rowid) <= (@due, @rowid)' : '';
    parts.push(`(SELECT count(*) FROM (SELECT 1 FROM message_status WHERE status = 'accepted' AND priority = ${p} AND due_at <= @now${upTo} LIMIT @cap))`);
  }
  return `SELECT ${parts.join(' + ')}`;
}

/**
 * Gives back one frequency count (CountTaken) of a message never sent: one `sends` row of its provider
 * ($1) and number ($2), of its type ($3) and category ($4, NULL for verification), counted at $5.
 * Also used by a held message's rejection (messages.ts).
 */
export const UNCOUNT_SQL = 'DELETE FROM sends WHERE rowid = (SELECT rowid FROM sends WHERE content_provider_id = ? AND msisdn = ? AND type = ? AND category IS ? AND at = ? LIMIT 1)';

export class SqliteOutbox implements OutboxStore {
  private readonly q;
  /**
   * Leases live in memory: SQLite serves one process, so a crash loses exactly the leases that
   * should be lost, and every message still 'accepted' is due again at restart. Writing a lease per
   * claimed row would double the queue's write cost for nothing.
   */
  private readonly leased = new SlotMap<string, Lease>();
  /** One status move's UPDATE per target status, whether it sets the upstream id and whether it returns the owner (advanceSql). */
  private readonly advances = new Map<string, Statement>();
  /**
   * Whether any long message's parts were ever filed here: until one is, a receipt needs no look
   * into upstream_parts (the common case: short messages only, no cost per receipt).
   */
  private hasParts: boolean;
  /**
   * `usage`: the usage counters, added to in each status transaction (a status reached counts once).
   * `callbacks`: a status change of a provider that wants callbacks queues its callback row in the
   * same transaction (callback-targets.ts).
   */
  /** The decisions' recent texts (SqliteMessages.recentTexts, set by SqliteStore): a cancel takes its message's out. */
  recentTexts: RecentTexts | null = null;

  constructor(private readonly db: Db, private readonly records: RecordsWriter, private readonly usage: SqliteUsage, private readonly callbacks: SqliteCallbacks, private readonly handed: HandedMessages = new HandedMessages()) {
    this.q = {
      // One lane's due rows in claim order (message_status_lane, migration 115): a range of the index.
      due: db.prepare(`SELECT ${DUE_COLUMNS} FROM message_status WHERE status = 'accepted' AND priority = ? AND due_at <= ? ORDER BY due_at, rowid LIMIT ?`).raw(),
      // Past the last row claimed in the lane (cursors): what arrived since, none of it leased.
      dueAfter: db.prepare(`SELECT ${DUE_COLUMNS} FROM message_status WHERE status = 'accepted' AND priority = ? AND due_at <= ? AND (due_at, rowid) > (?, ?) ORDER BY due_at, rowid LIMIT ?`).raw(),
      retry: db.prepare('UPDATE message_status SET due_at = ?, attempts = attempts + 1, partial = ? WHERE id = ?'),
      // raw: [id, status, content_provider_id, msisdn, submitted_at] (an array costs less than an object,
      // once per receipt). Every row under the id: an SMSC may give an id again (one restarted counts
      // from 1 again; counters wrap), and byUpstreamId picks the one receipt-match.ts prefers. Nearly
      // always one row; picking in JavaScript costs nothing then, where an ORDER BY in the statement
      // cost every receipt ~1.2 µs for its sorter (docs/PERFORMANCE.md).
      byUpstream: db.prepare('SELECT id, status, content_provider_id, msisdn, submitted_at FROM message_status WHERE upstream_id = ?').raw(),
      // which of a JSON array of spellings are on file (resolveUpstreamId): one index probe each, in SQLite
      spellingsOnFile: db.prepare(`SELECT upstream_id FROM message_status WHERE upstream_id IN (SELECT value FROM json_each(@s))
        UNION SELECT upstream_id FROM upstream_parts WHERE upstream_id IN (SELECT value FROM json_each(@s))`),
      pending: db.prepare("SELECT count(*) AS n FROM message_status WHERE status = 'accepted'"),
      pendingDue: db.prepare("SELECT count(*) AS n FROM message_status WHERE status = 'accepted' AND due_at <= ?"),
      // Due rows up to a place in claim order (due_at, rowid), counted up to a limit (claimHanded).
      cancelRow: db.prepare('SELECT status, content_provider_id, msisdn, counted_at FROM message_status WHERE id = ?'),
      // What a status callback's body needs besides the update (callback-targets.ts): read only for a
      // provider that wants callbacks.
      callbackFacts: db.prepare('SELECT from_port, msisdn, client_ref FROM message_status WHERE id = ?'),
      // `submitted` only with CancelOptions.atCarrier, checked on the row read first (cancelRow)
      cancel: db.prepare("UPDATE message_status SET status = 'cancelled', text = '', partial = NULL, updated_at = ? WHERE id = ? AND status IN ('accepted', 'held', 'submitted')"),
      // The carrier's ids of a message (upstreamIdsOf): its parts' in part order, else its own.
      upstreamIdOf: db.prepare('SELECT upstream_id FROM message_status WHERE id = ?').pluck(),
      partIdsOf: db.prepare('SELECT upstream_id FROM upstream_parts WHERE message_id = ? ORDER BY part').pluck(),
      // A cancelled message's one frequency count (OutboxStore.cancel `uncount`).
      uncount: db.prepare(UNCOUNT_SQL),
      // Due rows up to a place in claim order, per lane of that place (dueUpToSql).
      dueUpTo: PRIORITIES.map((p) => db.prepare(dueUpToSql(p)).pluck()),
      // A long message's parts (migration 093): filed with `submitted`, each part's receipt kept.
      fileParts: db.prepare('INSERT OR IGNORE INTO upstream_parts (upstream_id, message_id, part, parts, at) VALUES (?, ?, ?, ?, ?)'),
      // The part not yet receipted first, should two messages' parts share an SMSC id; then the newest
      // (receipt-match.ts, betterPartMatch: the PostgreSQL store chooses alike).
      partOf: db.prepare('SELECT message_id, parts, status FROM upstream_parts WHERE upstream_id = ? ORDER BY status IS NOT NULL, at DESC, message_id DESC LIMIT 1'),
      anyParts: db.prepare('SELECT 1 FROM upstream_parts LIMIT 1').pluck(),
      partReceipt: db.prepare('UPDATE upstream_parts SET status = ?, detail = ? WHERE upstream_id = ? AND message_id = ? AND status IS NULL'),
      partsDone: db.prepare('SELECT count(status) AS done FROM upstream_parts WHERE message_id = ?').pluck(),
      // In part order: the message's status is its first part's that was not delivered.
      worstPart: db.prepare("SELECT status, detail FROM upstream_parts WHERE message_id = ? AND status <> 'delivered' ORDER BY part LIMIT 1"),
    };
    this.hasParts = this.q.anyParts.get() !== undefined;
  }

  /**
   * Where the last claim stopped in each lane, in the lane's order (due_at, rowid); null: read the
   * lane from its start. With batches out, the rows before it are mostly leased; a claim reads only
   * what lies past it. A row can come due before it only when a lease runs out, a retry or a release
   * is due no later than it, or the clock was set back: the first two and a claim with nothing out
   * read from the start; the others are found by the full read at least every FULL_SCAN_MS. Per
   * lane, so that a message of a higher lane arriving after a claim stopped in a lower one is read at
   * once (it lies past its own lane's place, not before the lower lane's).
   */
  private cursors: ({ due: number; rowid: number } | null)[] = PRIORITIES.map(() => null);
  private rewound = false;
  private lastFullScan = -Infinity;

  /**
   * OutboxStore.claim: lane by lane (src/domain/priority.ts), each first due, first out. `upTo`:
   * only lanes up to this one (an express claim beside a batch of lower lanes, DeliveryWorker).
   */
  async claim(now: number, limit: number, leaseMs: number, upTo: Priority = LOWEST_PRIORITY): Promise<OutboundMessage[]> {
    for (const [id, lease] of this.leased) {
      if (lease.until > now) continue;
      this.leased.delete(id);
      this.rewound = true;
    }
    if (upTo === LOWEST_PRIORITY) {
      const handed = this.claimHanded(now, limit, leaseMs);
      if (handed) return handed;
    }
    // From here the table is read: what was handed is read with the rest (never claimed twice).
    this.handed.clear();
    if (this.leased.size === 0 || this.rewound || now - this.lastFullScan >= FULL_SCAN_MS || now < this.lastFullScan) {
      // from the start, leased rows included (skipped below): rare with batches out, see `cursors`
      this.rewound = false;
      this.lastFullScan = now;
      // where each lane's read stops is its new position, even before the old one (a row stamped earlier)
      this.cursors = PRIORITIES.map(() => null);
    }
    const out: OutboundMessage[] = [];
    const until = now + leaseMs;
    for (const p of PRIORITIES) {
      if (p > upTo || out.length >= limit) break;
      const c = this.cursors[p];
      const want = limit - out.length;
      const rows = (c === null ? this.q.due.all(p, now, want + this.leased.size) : this.q.dueAfter.all(p, now, c.due, c.rowid, want)) as DueRow[];
      for (const r of rows) {
        if (out.length >= limit) break;
        // past every row claimed or found leased (rows come in due order); never past one read but
        // left for the next claim
        this.cursors[p] = { due: r[1], rowid: r[0] };
        const id = r[2];
        if (this.leased.has(id)) continue;
        this.leased.set(id, { until, content_provider_id: r[3], msisdn: r[5], priority: r[14], due: r[1], rowid: r[0] });
        const m: OutboundMessage = {
          id,
          contentProviderId: r[3],
          from: r[4],
          to: r[5],
          text: r[6],
          registeredDelivery: receiptFromColumn(r[7]),
          attempts: r[8] + 1,
          submittedAt: r[9],
          leasedUntil: until,
          priority: r[14],
        };
        const partial = partialFromColumn(r[10]);
        if (partial) m.partial = partial;
        if (r[11] !== null) m.category = r[11];
        if (r[12] !== null) m.validUntil = r[12];
        // a charged message's service (migration 129): absent, not undefined, for every other
        if (r[15] !== null) m.chargedServiceId = r[15];
        const clientRef = clientRefFromColumn(r[13]);
        if (clientRef !== undefined) m.clientRef = clientRef;
        out.push(m);
      }
    }
    return out;
  }

  /**
   * The claim from the messages the decision transactions handed over (handed-messages.ts), when
   * that is exactly what reading the queue would return: the first `limit` of them in claim order
   * (lane by lane), provided the queue holds nothing due up to the last of them but these and the
   * rows out on a lease (one statement: a bounded count per lane). That is a full read's finding, so
   * it also moves the cursors and counts as one. Null when there are none, or the count finds
   * anything else (a retry come due, a released or system message, a lease run out): then the caller
   * reads the queue.
   */
  private claimHanded(now: number, limit: number, leaseMs: number): OutboundMessage[] | null {
    const h = this.handed;
    if (h.size === 0 || limit <= 0) return null;
    const n = Math.min(limit, h.size);
    const last = h.nth(n);
    // every lane's last one taken is due (each lane is in due order)
    let left = n;
    for (const lane of h.lanes) {
      if (left === 0) break;
      const k = Math.min(left, lane.length);
      if (k > 0 && lane[k - 1].due > now) return null;
      left -= k;
    }
    let expected = n;
    for (const l of this.leased.values()) if (l.priority < last.priority || (l.priority === last.priority && !before(last, l))) expected++;
    if ((this.q.dueUpTo[last.priority].get({ now, due: last.due, rowid: last.rowid, cap: expected + 1 }) as number) !== expected) return null;
    const taken = h.take(n);
    const out: OutboundMessage[] = [];
    const until = now + leaseMs;
    // what was taken proves each lane up to `last`'s read to its last one taken; a lane past it keeps
    // its place unless a lease ran out
    const cursors: ({ due: number; rowid: number } | null)[] = PRIORITIES.map((p) => (p > last.priority && !this.rewound ? this.cursors[p] : null));
    for (const { m, priority, due, rowid } of taken) {
      this.leased.set(m.id, { until, content_provider_id: m.contentProviderId, msisdn: m.to, priority, due, rowid });
      m.leasedUntil = until;
      cursors[priority] = { due, rowid };
      out.push(m);
    }
    this.cursors = cursors;
    this.rewound = false;
    this.lastFullScan = now;
    this.claimsFromHanded++;
    return out;
  }

  /** Claims answered from the handed messages without reading the queue (since this store opened). */
  claimsFromHanded = 0;

  async recordStatuses(updates: StatusUpdate[]): Promise<StatusUpdate[]> {
    return this.db.transaction(() => this.applyStatuses(updates))();
  }

  async applyReceipts(receipts: ReceiptUpdate[]): Promise<{ changed: StatusUpdate[]; unknown: ReceiptUpdate[] }> {
    return this.db.transaction(() => {
      const updates: StatusUpdate[] = [];
      const owners: (Owner | undefined)[] = [];
      const unknown: ReceiptUpdate[] = [];
      for (const r of receipts) {
        if (this.hasParts) {
          const p = this.q.partOf.get(r.upstreamId) as { message_id: string; parts: number; status: string | null } | undefined;
          if (p) {
            const u = this.partReceipt(r, p);
            if (u) { updates.push(u); owners.push(undefined); }
            continue;
          }
        }
        const m = byUpstreamId(this.q.byUpstream.all(r.upstreamId) as ByUpstreamRow[]);
        if (!m) unknown.push(r);
        else {
          updates.push(r.detail ? { id: m[0], status: r.status, at: r.at, detail: r.detail } : { id: m[0], status: r.status, at: r.at });
          owners.push({ content_provider_id: m[2], msisdn: m[3] });
        }
      }
      return { changed: this.applyStatuses(updates, owners), unknown };
    })();
  }

  /**
   * One part's receipt kept with its part (a repeat changes nothing); the message's update once every
   * part has one: the first part (in part order) not delivered gives its status, else delivered.
   */
  private partReceipt(r: ReceiptUpdate, p: { message_id: string; parts: number; status: string | null }): StatusUpdate | null {
    // a repeat, or a state on the way (ACCEPTD) that says nothing of the part's outcome
    if (p.status !== null || r.status === 'submitted') return null;
    this.q.partReceipt.run(r.status, r.detail ?? null, r.upstreamId, p.message_id);
    if ((this.q.partsDone.get(p.message_id) as number) < p.parts) return null;
    const worst = this.q.worstPart.get(p.message_id) as { status: MessageStatus; detail: string | null } | undefined;
    if (!worst) return { id: p.message_id, status: 'delivered', at: r.at };
    return worst.detail ? { id: p.message_id, status: worst.status, at: r.at, detail: worst.detail } : { id: p.message_id, status: worst.status, at: r.at };
  }

  /** The UPDATE of one status move (advanceSql), prepared once. */
  private advance(to: MessageStatus, setsUpstreamId: boolean, returning: boolean, via: MessageStatus = to): Statement {
    const key = `${to}${setsUpstreamId ? '+up' : ''}${returning ? '+ret' : ''}${via === to ? '' : `<${via}`}`;
    let st = this.advances.get(key);
    if (!st) this.advances.set(key, (st = this.db.prepare(advanceSql(to, setsUpstreamId, returning, via))));
    return st;
  }

  /**
   * For each `submitted` of a short message whose message's next update in the same call is a final
   * status with nothing else to set (an early receipt taken into its batch, sendBatch): the index of
   * that final status. Nothing else touches the row between the two, so one UPDATE leaves it as the
   * two would. Null when there is none, the common case outside a batch's statuses.
   */
  private static laterFinals(updates: readonly StatusUpdate[]): Map<number, number> | null {
    // A batch's statuses alone (the common case) are all `submitted`: no map built for them.
    if (!updates.some((u) => u.status !== 'submitted')) return null;
    let submitted: Map<string, number> | null = null;
    let pairs: Map<number, number> | null = null;
    for (let i = 0; i < updates.length; i++) {
      const u = updates[i];
      if (u.status === 'submitted') {
        if (!(u.partIds && u.partIds.length > 1)) (submitted ??= new Map()).set(u.id, i);
        else submitted?.delete(u.id);
        continue;
      }
      const s = submitted?.get(u.id);
      if (s === undefined) continue;
      // whatever this update is, it is the one that follows that submitted
      submitted!.delete(u.id);
      if (FINAL.has(u.status) && u.upstreamId === undefined && !u.partIds) (pairs ??= new Map()).set(s, i);
    }
    return pairs;
  }

  /** `owners[i]`, when given, is the row of `updates[i]` as read in this transaction (a receipt's). */
  private applyStatuses(updates: StatusUpdate[], owners?: readonly (Owner | undefined)[]): StatusUpdate[] {
    const changed: StatusUpdate[] = [];
    // A `submitted` and its message's final status later in this call (an early receipt) move the
    // row in one UPDATE, checked as the `submitted` move; each keeps its own record, in call order.
    // The row ends as the two UPDATEs would leave it, and the receipt's own UPDATE (a look-up of its
    // owner by RETURNING, the lease being gone by then) is saved: ~a third of a receipt's cost.
    const later = updates.length > 1 ? SqliteOutbox.laterFinals(updates) : null;
    /** Final statuses already applied with their `submitted` (index → the row's owner). */
    let folded: Map<number, Owner> | null = null;
    // usage figures of the moves that happened, summed: one upsert per (provider, day, key)
    const tally = new UsageTally();
    // the callbacks of the moves, queued before the commit; a Set lookup per move, nothing more, for
    // a provider without callbacks
    const targets = this.callbacks.targets;
    let callbacks: NewCallbackEvent[] | null = null;
    for (let i = 0; i < updates.length; i++) {
      const u = updates[i];
      const up = u.upstreamId ?? null;
      const done = folded?.get(i);
      const j = later?.get(i);
      const to = j === undefined ? u : updates[j];
      // The owner is known for a claimed row (its lease) and for a receipt's row (read just now):
      // then the UPDATE need not return it. No row changed: an unknown id, or a move the order
      // forbids (the row is left as it was).
      const known: Owner | undefined = done ?? owners?.[i] ?? this.leased.get(u.id);
      let cur: Owner | undefined;
      if (done) cur = done;
      else if (known) {
        const st = this.advance(to.status, up !== null, false, u.status);
        if ((up === null ? st.run(to.status, to.at, u.id) : st.run(to.status, up, to.at, u.id)).changes === 0) continue;
        cur = known;
      } else {
        const st = this.advance(to.status, up !== null, true, u.status);
        cur = (up === null ? st.get(to.status, to.at, u.id) : st.get(to.status, up, to.at, u.id)) as Owner | undefined;
        if (!cur) continue;
      }
      if (j !== undefined) (folded ??= new Map()).set(j, cur);
      if (u.partIds && u.partIds.length > 1) {
        u.partIds.forEach((pid, i) => this.q.fileParts.run(pid, u.id, i, u.partIds!.length, u.at));
        this.hasParts = true;
      }
      const body = statusBody(u);
      this.records.append({ id: `${u.id}:${u.status}`, at: u.at, kind: 'status', contentProviderId: cur.content_provider_id, msisdn: cur.msisdn, ref: u.id, body });
      const key = statusUsageKey(u.status);
      if (key) tally.add(cur.content_provider_id, u.at, key);
      if (targets.wantsStatus(cur.content_provider_id)) (callbacks ??= []).push(this.statusCallback(cur.content_provider_id, u));
      // Out of 'accepted' (every move is): the due query no longer sees the row, so its lease is moot.
      // Kept until a final status, the leases of messages awaiting receipts piled up (a minute's worth)
      // and every claim walked them and asked SQLite for that many more rows.
      this.leased.delete(u.id);
      changed.push(u);
    }
    this.usage.write(tally);
    if (callbacks) this.callbacks.queueInTransaction(callbacks);
    return changed;
  }

  /** A status change's callback row, its message's from, to and clientRef read from its row. */
  private statusCallback(contentProviderId: string, u: StatusUpdate): NewCallbackEvent {
    const m = this.q.callbackFacts.get(u.id) as { from_port: string; msisdn: string; client_ref: string | null };
    return statusCallbackRow(contentProviderId, u, { from: m.from_port, to: m.msisdn, clientRef: clientRefFromColumn(m.client_ref) });
  }

  /**
   * OutboxStore.retryLater: attempts are counted here (a claim only reads them). Only while the claim
   * stands (`stands`): a submit that failed after its lease ran out leaves alone the message claimed
   * since by another batch, which may be sending it.
   */
  async retryLater(claim: Claim, dueAt: number, _detail: string, partial?: PartialSubmit): Promise<void> {
    if (!this.stands(claim)) return;
    this.q.retry.run(dueAt, partialColumn(partial), claim.id);
    const c = this.cursors[this.leased.get(claim.id)!.priority];
    this.leased.delete(claim.id);
    // due again before its lane's cursor: the next claim reads from the start
    if (c === null || dueAt <= c.due) this.rewound = true;
  }

  /**
   * OutboxStore.cancel: a lease still running (in memory) means a batch has it, unless it is the claim
   * its holder gave up (`evenIfClaimedBy`, the lease it names still the one in memory: `stands`).
   */
  async cancel(id: string, contentProviderId: string | null, at: number, detail: string, opts: CancelOptions = {}): Promise<'cancelled' | 'claimed' | 'final' | 'unknown'> {
    let who: { content_provider_id: string; msisdn: string } | undefined;
    const out = this.db.transaction(() => {
      const row = this.q.cancelRow.get(id) as { status: string; content_provider_id: string; msisdn: string; counted_at: number | null } | undefined;
      if (!row || (contentProviderId !== null && row.content_provider_id !== contentProviderId)) return 'unknown';
      if (row.status !== 'accepted' && row.status !== 'held' && !(row.status === 'submitted' && opts.atCarrier)) return 'final';
      const lease = this.leased.get(id);
      if (row.status === 'accepted' && lease && lease.until > at && !(opts.evenIfClaimedBy && opts.evenIfClaimedBy.id === id && this.stands(opts.evenIfClaimedBy))) return 'claimed';
      this.q.cancel.run(at, id);
      const u = opts.uncount;
      // where the count stands: a send-time carry moved it (counted_at), else where it was taken
      if (u) this.q.uncount.run(row.content_provider_id, row.msisdn, u.type, u.category, row.counted_at ?? u.at);
      const tally = new UsageTally();
      tally.add(row.content_provider_id, at, 'cancelled');
      this.usage.write(tally);
      this.records.append({ id: `${id}:cancelled`, at, kind: 'status', contentProviderId: row.content_provider_id, msisdn: row.msisdn, ref: id, body: statusBody({ id, status: 'cancelled', at, detail }) });
      if (this.callbacks.targets.wantsStatus(row.content_provider_id)) {
        const m = this.q.callbackFacts.get(id) as { from_port: string; msisdn: string; client_ref: string | null };
        this.callbacks.queueInTransaction([cancelledCallbackRow(row.content_provider_id, id, at, { from: m.from_port, to: m.msisdn, clientRef: clientRefFromColumn(m.client_ref) })]);
      }
      this.leased.delete(id);
      // the next claim reads the table: it must not take this one from the handed messages
      this.handed.clear();
      who = row;
      return 'cancelled' as const;
    })();
    // never sent (or taken back at the carrier): no longer a text a copy repeats (content.duplicate)
    if (out === 'cancelled' && who) this.recentTexts?.removeId(who.content_provider_id, who.msisdn, id);
    return out;
  }

  /**
   * Whether a batch's lease on `id` stands in the way of changing its queued row at `at` (a
   * replacement, SqliteMessages.replaceQueued): a running lease does, unless it is `given`, the claim
   * its holder gave up (`stands`), as for a cancel.
   */
  leaseBlocks(id: string, at: number, given?: Claim): boolean {
    const lease = this.leased.get(id);
    return lease !== undefined && lease.until > at && !(given !== undefined && given.id === id && this.stands(given));
  }

  /**
   * A queued row was changed in place (replaced) or a claim given up for that was not used: the
   * lease given up is dropped, so a later claim takes the message, and that claim reads the table
   * (the handed copy, and the claim cursor's view, have the row as it was).
   */
  changedInPlace(id: string, given?: Claim): void {
    if (given && this.stands(given)) this.leased.delete(id);
    this.rewound = true;
    this.handed.clear();
  }

  /** OutboxStore.noteSubmitted: the check and the record in one transaction (one writer: nothing comes between). */
  async noteSubmitted(id: string, at: number, detail: string, recordId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.q.cancelRow.get(id) as { status: string; content_provider_id: string; msisdn: string } | undefined;
      if (!row || row.status !== 'submitted') return false;
      this.records.append({ id: recordId, at, kind: 'status', contentProviderId: row.content_provider_id, msisdn: row.msisdn, ref: id, body: statusBody({ id, status: 'submitted', at, detail }) });
      return true;
    })();
  }

  /** OutboxStore.upstreamIdsOf. */
  async upstreamIdsOf(id: string): Promise<string[]> {
    const parts = this.hasParts ? (this.q.partIdsOf.all(id) as string[]) : [];
    if (parts.length > 0) return parts;
    const own = this.q.upstreamIdOf.get(id) as string | null | undefined;
    return own ? [own] : [];
  }

  /** OutboxStore.release: leases are in memory, and attempts are counted only by retryLater. */
  async release(claims: readonly Claim[]): Promise<void> {
    for (const c of claims) {
      if (!this.stands(c)) continue;
      this.leased.delete(c.id);
      this.rewound = true;
    }
  }

  /**
   * OutboxStore.renew: leases are in memory. A lease that ran out is dropped by the next claim
   * (after which the message is due to any batch), so only one not yet dropped renews.
   */
  async renew(claims: readonly Claim[], until: number): Promise<string[]> {
    const renewed: string[] = [];
    for (const c of claims) {
      if (!this.stands(c)) continue;
      this.leased.get(c.id)!.until = until;
      renewed.push(c.id);
    }
    return renewed;
  }

  /**
   * Whether a claim still holds its message: its lease is the one in memory, with the end the claim
   * returned (OutboundMessage.leasedUntil). Once that lease ran out, another batch of this process
   * (DeliveryOptions.inFlight) may have claimed the message, with a later end; a lease run out and
   * not taken again is dropped by the next claim, after which the message is due to any batch. A
   * status move drops the lease too (applyStatuses), so a claim that stands is of a queued message.
   */
  private stands(c: Claim): boolean {
    return c.leasedUntil !== undefined && this.leased.get(c.id)?.until === c.leasedUntil;
  }

  async resolveUpstreamId(spellings: readonly string[]): Promise<string | null> {
    if (spellings.length === 0) return null;
    const onFile = new Set((this.q.spellingsOnFile.all({ s: JSON.stringify(spellings) }) as { upstream_id: string }[]).map((r) => r.upstream_id));
    return spellings.find((s) => onFile.has(s)) ?? null;
  }

  async findByUpstreamId(upstreamId: string): Promise<{ id: string; status: MessageStatus } | null> {
    const r = byUpstreamId(this.q.byUpstream.all(upstreamId) as ByUpstreamRow[]);
    return r ? { id: r[0], status: r[1] } : null;
  }

  async pendingCount(dueBy?: number): Promise<number> {
    if (dueBy !== undefined) return (this.q.pendingDue.get(dueBy) as { n: number }).n;
    return (this.q.pending.get() as { n: number }).n;
  }
}

/** SQLite adapter for the egress queue and message status history. */
import type { Db } from './db.js';
import type { OutboundMessage, OutboxStore, StatusUpdate } from '../../ports/store.js';
import type { MessageStatus } from '../../app/types.js';
import type { RecordsWriter } from './records-writer.js';

/** Statuses after which a message leaves the queue. */
const FINAL: ReadonlySet<MessageStatus> = new Set(['submitted', 'delivered', 'undeliverable', 'expired', 'rejected_upstream', 'failed']);
/** Order in which statuses may follow each other; a receipt never moves a message backwards. */
const RANK: Record<MessageStatus, number> = { accepted: 0, submitted: 1, delivered: 2, undeliverable: 2, expired: 2, rejected_upstream: 2, failed: 2 };

export class SqliteOutbox implements OutboxStore {
  private readonly q;
  constructor(private readonly db: Db, private readonly records: RecordsWriter) {
    this.q = {
      due: db.prepare('SELECT * FROM outbox WHERE due_at <= ? ORDER BY due_at, rowid LIMIT ?'),
      lease: db.prepare('UPDATE outbox SET due_at = ?, attempts = attempts + 1 WHERE id = ?'),
      del: db.prepare('DELETE FROM outbox WHERE id = ?'),
      retry: db.prepare('UPDATE outbox SET due_at = ? WHERE id = ?'),
      current: db.prepare('SELECT status, upstream_id, content_provider_id, msisdn FROM message_status WHERE id = ?'),
      setStatus: db.prepare('UPDATE message_status SET status = ?, upstream_id = coalesce(?, upstream_id), updated_at = ? WHERE id = ?'),
      byUpstream: db.prepare('SELECT id, status FROM message_status WHERE upstream_id = ?'),
      pending: db.prepare('SELECT count(*) AS n FROM outbox'),
    };
  }

  async claim(now: number, limit: number, leaseMs: number): Promise<OutboundMessage[]> {
    return this.db.transaction(() => {
      const rows = this.q.due.all(now, limit) as {
        id: string; content_provider_id: string; from_port: string; msisdn: string; text: string; registered_delivery: number; attempts: number; submitted_at: number;
      }[];
      for (const r of rows) this.q.lease.run(now + leaseMs, r.id);
      return rows.map((r) => ({
        id: r.id,
        contentProviderId: r.content_provider_id,
        from: r.from_port,
        to: r.msisdn,
        text: r.text,
        registeredDelivery: r.registered_delivery === 1,
        attempts: r.attempts + 1,
        submittedAt: r.submitted_at,
      }));
    })();
  }

  async recordStatuses(updates: StatusUpdate[]): Promise<StatusUpdate[]> {
    return this.db.transaction(() => {
      const changed: StatusUpdate[] = [];
      for (const u of updates) {
        const cur = this.q.current.get(u.id) as { status: MessageStatus; upstream_id: string | null; content_provider_id: string; msisdn: string } | undefined;
        if (!cur) continue;
        if (cur.status === u.status || RANK[u.status] < RANK[cur.status]) continue;
        this.q.setStatus.run(u.status, u.upstreamId ?? null, u.at, u.id);
        const body: Record<string, unknown> = { status: u.status };
        if (u.detail) body.detail = u.detail;
        if (u.upstreamId) body.upstreamId = u.upstreamId;
        this.records.append({ id: `${u.id}:${u.status}`, at: u.at, kind: 'status', contentProviderId: cur.content_provider_id, msisdn: cur.msisdn, ref: u.id, body });
        if (FINAL.has(u.status)) this.q.del.run(u.id);
        changed.push(u);
      }
      return changed;
    })();
  }

  async retryLater(id: string, dueAt: number, _detail: string): Promise<void> {
    this.q.retry.run(dueAt, id);
  }

  async findByUpstreamId(upstreamId: string): Promise<{ id: string; status: MessageStatus } | null> {
    const r = this.q.byUpstream.get(upstreamId) as { id: string; status: MessageStatus } | undefined;
    return r ?? null;
  }

  async pendingCount(): Promise<number> {
    return (this.q.pending.get() as { n: number }).n;
  }
}

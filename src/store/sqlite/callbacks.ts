/**
 * SQLite adapter for CallbackStore (migration 104). Also keeps who wants callbacks
 * (callback-targets.ts) for the status, review and MO transactions of the other adapters, which
 * queue their callback rows with `queueInTransaction`.
 */
import type { KeysetPosition } from '../../domain/page-cursor.js';
import type { Db } from './db.js';
import type { CallbackEvent, CallbackSettings, CallbackStore, FailedCallback, NewCallbackEvent } from '../../ports/store.js';
import { CallbackTargets } from '../callback-targets.js';
import { CALLBACK_QUEUE_COLUMNS, toCallbackEvent, toCallbackSettings, toFailedCallback, type CallbackQueueRow, type CallbackSettingsRow } from '../callback-rows.js';

function prepare(db: Db) {
  return {
    get: db.prepare('SELECT * FROM callback_settings WHERE content_provider_id = ?'),
    put: db.prepare(`INSERT INTO callback_settings (content_provider_id, status_url, mo_url, secret, updated_at) VALUES (?,?,?,?,?)
      ON CONFLICT (content_provider_id) DO UPDATE SET status_url = excluded.status_url, mo_url = excluded.mo_url, secret = excluded.secret, updated_at = excluded.updated_at`),
    list: db.prepare('SELECT * FROM callback_settings WHERE status_url IS NOT NULL OR mo_url IS NOT NULL ORDER BY content_provider_id'),
    insert: db.prepare(`INSERT INTO callback_queue (event_id, content_provider_id, kind, body, created_at, due_at) VALUES (?,?,?,?,?,?)
      ON CONFLICT (event_id) DO NOTHING`),
    pick: db.prepare(`SELECT ${CALLBACK_QUEUE_COLUMNS} FROM callback_queue
      WHERE failed_at IS NULL AND due_at <= ? AND lease_until <= ? ORDER BY due_at, event_id LIMIT ?`),
    lease: db.prepare('UPDATE callback_queue SET owner = ?, lease_until = ? WHERE event_id = ?'),
    done: db.prepare('DELETE FROM callback_queue WHERE event_id = ? AND owner = ? AND failed_at IS NULL'),
    retry: db.prepare(`UPDATE callback_queue SET owner = NULL, lease_until = 0, due_at = ?, attempts = ?, last_error = ?
      WHERE event_id = ? AND owner = ? AND failed_at IS NULL`),
    giveUp: db.prepare(`UPDATE callback_queue SET owner = NULL, lease_until = 0, failed_at = ?, attempts = ?, last_error = ?
      WHERE event_id = ? AND owner = ? AND failed_at IS NULL`),
    failed: db.prepare(`SELECT ${CALLBACK_QUEUE_COLUMNS} FROM callback_queue WHERE failed_at IS NOT NULL AND (? IS NULL OR (failed_at, event_id) > (?, ?)) ORDER BY failed_at, event_id LIMIT ?`),
    failedCp: db.prepare(`SELECT ${CALLBACK_QUEUE_COLUMNS} FROM callback_queue WHERE failed_at IS NOT NULL AND content_provider_id = ? AND (? IS NULL OR (failed_at, event_id) > (?, ?)) ORDER BY failed_at, event_id LIMIT ?`),
    // created_at too: the 24 h give-up counts from it (domain/callback-retry.ts).
    requeue: db.prepare(`UPDATE callback_queue SET owner = NULL, lease_until = 0, due_at = ?, created_at = ?, attempts = 0, failed_at = NULL, last_error = NULL
      WHERE failed_at IS NOT NULL AND content_provider_id = ?`),
    requeueIds: db.prepare(`UPDATE callback_queue SET owner = NULL, lease_until = 0, due_at = ?, created_at = ?, attempts = 0, failed_at = NULL, last_error = NULL
      WHERE failed_at IS NOT NULL AND content_provider_id = ? AND event_id IN (SELECT value FROM json_each(?))`),
    prune: db.prepare(`DELETE FROM callback_queue WHERE event_id IN
      (SELECT event_id FROM callback_queue WHERE failed_at IS NOT NULL AND failed_at < ? ORDER BY failed_at LIMIT ?)`),
    pending: db.prepare('SELECT count(*) AS n FROM callback_queue WHERE failed_at IS NULL'),
    pendingCp: db.prepare('SELECT count(*) AS n FROM callback_queue WHERE failed_at IS NULL AND content_provider_id = ?'),
  };
}

export class SqliteCallbacks implements CallbackStore {
  private readonly q: ReturnType<typeof prepare>;
  /** Who wants callbacks, loaded now (one read at open), kept by putSettings and listSettings. */
  readonly targets = new CallbackTargets();

  constructor(private readonly db: Db) {
    this.q = prepare(db);
    this.targets.replace((this.q.list.all() as CallbackSettingsRow[]).map(toCallbackSettings));
  }

  async getSettings(contentProviderId: string): Promise<CallbackSettings | null> {
    const r = this.q.get.get(contentProviderId) as CallbackSettingsRow | undefined;
    return r ? toCallbackSettings(r) : null;
  }

  async putSettings(s: CallbackSettings): Promise<void> {
    this.q.put.run(s.contentProviderId, s.statusUrl, s.moUrl, s.secret, s.updatedAt);
    this.targets.set(s);
  }

  async listSettings(): Promise<CallbackSettings[]> {
    const all = (this.q.list.all() as CallbackSettingsRow[]).map(toCallbackSettings);
    this.targets.replace(all);
    return all;
  }

  /**
   * Queues events inside the caller's transaction (the status, review or MO transaction that made
   * them): they commit, or roll back, with it. An eventId already queued is ignored, as `enqueue`.
   */
  queueInTransaction(events: readonly NewCallbackEvent[]): void {
    for (const e of events) this.q.insert.run(e.eventId, e.contentProviderId, e.kind, e.body, e.createdAt, e.createdAt);
  }

  async enqueue(events: readonly NewCallbackEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction(() => {
      let n = 0;
      for (const e of events) n += this.q.insert.run(e.eventId, e.contentProviderId, e.kind, e.body, e.createdAt, e.createdAt).changes;
      return n;
    })();
  }

  async claim(c: { owner: string; now: number; leaseMs: number; limit: number }): Promise<CallbackEvent[]> {
    // One writer per SQLite file: the immediate transaction alone keeps two claims from taking one row.
    return this.db.transaction(() => {
      const rows = this.q.pick.all(c.now, c.now, c.limit) as CallbackQueueRow[];
      for (const r of rows) this.q.lease.run(c.owner, c.now + c.leaseMs, r.event_id);
      return rows.map(toCallbackEvent);
    }).immediate();
  }

  async done(eventId: string, owner: string): Promise<boolean> {
    return this.q.done.run(eventId, owner).changes > 0;
  }

  async retry(eventId: string, owner: string, dueAt: number, attempts: number, lastError: string): Promise<boolean> {
    return this.q.retry.run(dueAt, attempts, lastError, eventId, owner).changes > 0;
  }

  async giveUp(eventId: string, owner: string, at: number, attempts: number, lastError: string): Promise<boolean> {
    return this.q.giveUp.run(at, attempts, lastError, eventId, owner).changes > 0;
  }

  async listFailed(contentProviderId?: string, limit = 100, after?: KeysetPosition): Promise<FailedCallback[]> {
    const at = after?.at ?? null;
    const id = after?.id ?? null;
    const rows = (contentProviderId === undefined ? this.q.failed.all(at, at, id, limit) : this.q.failedCp.all(contentProviderId, at, at, id, limit)) as CallbackQueueRow[];
    return rows.map(toFailedCallback);
  }

  async requeueFailed(contentProviderId: string, now: number, eventIds?: readonly string[]): Promise<number> {
    const r = eventIds === undefined ? this.q.requeue.run(now, now, contentProviderId) : this.q.requeueIds.run(now, now, contentProviderId, JSON.stringify(eventIds));
    return r.changes;
  }

  async pruneFailed(before: number, limit: number): Promise<number> {
    return this.q.prune.run(before, limit).changes;
  }

  async pendingCount(contentProviderId?: string): Promise<number> {
    return ((contentProviderId === undefined ? this.q.pending.get() : this.q.pendingCp.get(contentProviderId)) as { n: number }).n;
  }
}

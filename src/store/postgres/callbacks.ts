/**
 * PostgreSQL adapter for CallbackStore (migration 095), the twin of the SQLite one. Also keeps who
 * wants callbacks (callback-targets.ts) for the status, review and MO transactions of the other
 * adapters, which queue their callback rows with `queueWith` on their own connection.
 */
import type { KeysetPosition } from '../../domain/page-cursor.js';
import type { Client, Pool } from './db.js';
import { queries } from './db.js';
import type { CallbackEvent, CallbackSettings, CallbackStore, FailedCallback, NewCallbackEvent } from '../../ports/store.js';
import { CallbackTargets } from '../callback-targets.js';
import { toCallbackEvent, toCallbackSettings, toFailedCallback, type CallbackQueueRow, type CallbackSettingsRow } from '../callback-rows.js';

const Q = queries('callbacks', ['get', 'put', 'list', 'insert', 'claim', 'done', 'retry', 'giveUp', 'failed', 'requeue', 'prune', 'pending'] as const);

export class PgCallbacks implements CallbackStore {
  /**
   * Who wants callbacks: loaded when the store opens (PostgresStore.open calls listSettings), kept
   * by putSettings and replaced by every listSettings: what another process set is seen here at the
   * callback worker's next reload.
   */
  readonly targets = new CallbackTargets();

  constructor(private readonly pool: Pool) {}

  async getSettings(contentProviderId: string): Promise<CallbackSettings | null> {
    const r = (await this.pool.query<CallbackSettingsRow>(Q.get, [contentProviderId])).rows[0];
    return r ? toCallbackSettings(r) : null;
  }

  async putSettings(s: CallbackSettings): Promise<void> {
    await this.pool.query(Q.put, [s.contentProviderId, s.statusUrl, s.moUrl, s.secret, s.updatedAt]);
    this.targets.set(s);
  }

  async listSettings(): Promise<CallbackSettings[]> {
    const all = (await this.pool.query<CallbackSettingsRow>(Q.list)).rows.map(toCallbackSettings);
    this.targets.replace(all);
    return all;
  }

  async enqueue(events: readonly NewCallbackEvent[]): Promise<number> {
    return this.queueWith(this.pool, events);
  }

  /**
   * Queues events on `c`: inside the caller's transaction (the status, review or MO transaction that
   * made them) they commit, or roll back, with it. An eventId already queued is ignored.
   */
  async queueWith(c: Client | Pool, events: readonly NewCallbackEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const col = <T>(f: (e: NewCallbackEvent) => T): T[] => events.map(f);
    const r = await c.query(Q.insert, [col((e) => e.eventId), col((e) => e.contentProviderId), col((e) => e.kind), col((e) => e.body), col((e) => e.createdAt)]);
    return r.rowCount ?? 0;
  }

  async claim(c: { owner: string; now: number; leaseMs: number; limit: number }): Promise<CallbackEvent[]> {
    const rows = (await this.pool.query<CallbackQueueRow>(Q.claim, [c.owner, c.now + c.leaseMs, c.now, c.limit])).rows.map(toCallbackEvent);
    // UPDATE … RETURNING does not keep the subquery's order.
    return rows.sort((a, b) => a.dueAt - b.dueAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  }

  async done(eventId: string, owner: string): Promise<boolean> {
    return ((await this.pool.query(Q.done, [eventId, owner])).rowCount ?? 0) > 0;
  }

  async retry(eventId: string, owner: string, dueAt: number, attempts: number, lastError: string): Promise<boolean> {
    return ((await this.pool.query(Q.retry, [eventId, owner, dueAt, attempts, lastError])).rowCount ?? 0) > 0;
  }

  async giveUp(eventId: string, owner: string, at: number, attempts: number, lastError: string): Promise<boolean> {
    return ((await this.pool.query(Q.giveUp, [eventId, owner, at, attempts, lastError])).rowCount ?? 0) > 0;
  }

  async listFailed(contentProviderId?: string, limit = 100, after?: KeysetPosition): Promise<FailedCallback[]> {
    return (await this.pool.query<CallbackQueueRow>(Q.failed, [contentProviderId ?? null, limit, after?.at ?? null, after?.id ?? null])).rows.map(toFailedCallback);
  }

  async requeueFailed(contentProviderId: string, now: number, eventIds?: readonly string[]): Promise<number> {
    return (await this.pool.query(Q.requeue, [contentProviderId, now, eventIds ?? null])).rowCount ?? 0;
  }

  async pruneFailed(before: number, limit: number): Promise<number> {
    return (await this.pool.query(Q.prune, [before, limit])).rowCount ?? 0;
  }

  async pendingCount(contentProviderId?: string): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.pending, [contentProviderId ?? null])).rows[0].n;
  }
}

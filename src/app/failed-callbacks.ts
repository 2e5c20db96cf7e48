/**
 * A provider's given-up HTTP callbacks (callback-worker.ts gives one up 24 h after it was queued;
 * housekeeping prunes it a week later): seen, and sent again once the receiver is fixed, as webhook
 * users expect of any such system. For an admin or the provider itself. What is shown is the queue
 * row's facts, never the body's signature or the provider's secret.
 */
import { SmsguardError } from '../domain/errors.js';
import { decodeKeysetCursor, keysetPage } from '../domain/page-cursor.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireOwnerOrAdmin } from './access.js';
import { pageLimit, str } from './validate.js';
import { mustExist } from './known-provider.js';

/** Most given-up callbacks one listing shows (and the default). */
export const FAILED_CALLBACKS_MAX = 500;
/** Most event ids one retry names. */
export const RETRY_IDS_MAX = 1000;

/** One given-up callback as GET …/callbacks/failed shows it (times ISO 8601, UTC). */
export interface FailedCallbackView {
  /** X-Smsguard-Event-Id: `<messageId>:<status>` or `mo:<moId>`. */
  eventId: string;
  kind: 'status' | 'mo';
  /** Where it would go now (the provider's current URL for its kind); absent when none is set. */
  url?: string;
  /** When it was queued (or last put back by a retry): the 24 h counted from here. */
  queuedAt: string;
  failedAt: string;
  attempts: number;
  /** What the last attempt got: `HTTP 500`, `timeout`, a connection error, `no statusUrl set`… */
  lastError: string;
}

export interface FailedCallbacks {
  failed: FailedCallbackView[];
  /** The provider's callbacks still to send (not given up). */
  pending: number;
  /** Pass as `cursor` for the next page; null: the last page. */
  nextCursor: string | null;
}

/**
 * The provider's given-up callbacks, oldest failure first, at most `limit` (default and cap 500) a
 * page, with its pending count. `cursor` (a page's `nextCursor`) reads on past that page's last row
 * (keyset on failedAt and event id: callbacks given up meanwhile come after it, never shift a page).
 */
export async function listFailedCallbacks(ctx: AppContext, p: Principal, contentProviderId: string, limit?: number, cursor?: string): Promise<FailedCallbacks> {
  requireOwnerOrAdmin(p, contentProviderId);
  const n = pageLimit(limit, FAILED_CALLBACKS_MAX, FAILED_CALLBACKS_MAX);
  const after = cursor === undefined ? undefined : decodeKeysetCursor(cursor);
  await mustExist(ctx, contentProviderId);
  const cb = ctx.store.callbacks;
  const [rows, pending, settings] = await Promise.all([cb.listFailed(contentProviderId, n + 1, after), cb.pendingCount(contentProviderId), cb.getSettings(contentProviderId)]);
  const page = keysetPage(rows, n, (r) => ({ at: r.failedAt, id: r.eventId }));
  const failed = page.rows.map((r): FailedCallbackView => {
    const url = r.kind === 'status' ? settings?.statusUrl : settings?.moUrl;
    return {
      eventId: r.eventId, kind: r.kind, ...(url ? { url } : {}),
      queuedAt: new Date(r.createdAt).toISOString(), failedAt: new Date(r.failedAt).toISOString(), attempts: r.attempts, lastError: r.lastError,
    };
  });
  return { failed, pending, nextCursor: page.nextCursor };
}

/**
 * Puts the provider's given-up callbacks (all, or those `eventIds` names) back in the queue, due
 * now with no attempts and a fresh 24 h, and has the worker send them; returns how many went back.
 * Named ids that are not given up callbacks of this provider are passed over (another provider's
 * rows are never touched).
 */
export async function retryFailedCallbacks(ctx: AppContext, p: Principal, contentProviderId: string, body: Record<string, unknown> | undefined): Promise<{ requeued: number }> {
  requireOwnerOrAdmin(p, contentProviderId);
  const raw = body?.eventIds;
  let eventIds: string[] | undefined;
  if (raw !== undefined) {
    if (!Array.isArray(raw) || raw.length > RETRY_IDS_MAX) throw new SmsguardError('invalid_request', `eventIds: must be an array of at most ${RETRY_IDS_MAX} event ids`, {}, 'eventIds');
    eventIds = raw.map((v, i) => str(v, `eventIds/${i}`, { min: 1, max: 200 }));
  }
  await mustExist(ctx, contentProviderId);
  const count = await ctx.store.callbacks.requeueFailed(contentProviderId, ctx.clock.now(), eventIds);
  if (count > 0) ctx.events.emit('callbacksRequeued', { contentProviderId, count });
  return { requeued: count };
}

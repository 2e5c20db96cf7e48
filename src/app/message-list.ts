/**
 * The message list (`GET /v1/messages`, the `/web/messages` page): "what did I send to this number
 * in this range, and did it arrive?" (as Alibaba Cloud's QuerySendDetails or Twilio's message list
 * answer it), and "which message has my clientRef?" after the 202 was lost. Each item is the view
 * `GET /v1/messages/{id}` gives (getMessage), from the same records.
 *
 * It reads through the records query (records.ts scopedQuery: the same role and scope narrowing as
 * `GET /v1/records`, and its indexes) for the page's submission records, then every status of the
 * page's messages in one read by ref (MessageStore.getMessages). It needs a number (the records'
 * number index), or a clientRef with a range of at most 24 hours: the clientRef is only in the
 * submission record's body, so those are found by reading the range's submissions (of the provider,
 * through its facet index), never a month of them. Nothing on the submission or status path.
 */
import { SmsguardError } from '../domain/errors.js';
import { encodeCursor } from '../domain/page-cursor.js';
import { MSISDN_FORMS, normalizeMsisdn } from '../domain/msisdn.js';
import type { MessageView, RecordQuery, RecordRow } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { queryTime, scopedQuery, withArticles, type RecordsFilter } from './records.js';

export interface MessageListFilter {
  /** Recipient, any accepted form (canonicalised as a submission's `to`). */
  msisdn?: string;
  /** ISO-8601, inclusive. */
  from?: string;
  /** ISO-8601, exclusive. */
  to?: string;
  clientRef?: string;
  /** One of {@link MESSAGE_STATUSES}: the message's current status. */
  status?: string;
  /** Admin, regulator: one provider's; a provider may name only itself. */
  contentProviderId?: string;
  /** 1–{@link MAX_LIMIT}, default {@link DEFAULT_LIMIT}. */
  limit?: number | string;
  cursor?: string;
}

export interface MessagePage {
  messages: MessageView[];
  /** Pass as `cursor` for the next page; null: nothing older matches. */
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** The longest range a lookup by clientRef alone may cover (it reads that range's submissions). */
export const CLIENT_REF_RANGE_MS = 24 * 3_600_000;
/**
 * Submission records one request reads at most when a filter applies after the read (clientRef,
 * status): a page may then come back short, with a cursor to read on from where it stopped, so no
 * request reads more than this whatever the range holds.
 */
export const SCAN_BUDGET = 2000;
const SCAN_PAGE = 500;

/** The statuses of a message view (MessageView.status), for `status`. */
export const MESSAGE_STATUSES = ['accepted', 'held', 'rejected', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected_upstream', 'failed', 'cancelled'] as const;
const STATUS_SET: ReadonlySet<string> = new Set(MESSAGE_STATUSES);

function limitOf(v: MessageListFilter['limit']): number {
  if (v === undefined || v === '') return DEFAULT_LIMIT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new SmsguardError('invalid_request', `limit: an integer from 1 to ${MAX_LIMIT}`, {}, 'limit');
  return n;
}

/**
 * The filter checked on its own (before any role or scope): a number, or a clientRef with a range
 * of at most 24 hours.
 */
function checked(f: MessageListFilter): { limit: number; clientRef?: string; status?: string; msisdn?: string } {
  const limit = limitOf(f.limit);
  // A number that is none is bad input to a query (400), not a submission's refusal by a rule (422).
  const msisdn = f.msisdn ? normalizeMsisdn(f.msisdn) : undefined;
  if (msisdn === null) throw new SmsguardError('invalid_request', `msisdn: not a mainland China mobile number ${MSISDN_FORMS}`, {}, 'msisdn', { id: 'msisdn_not_mainland' });
  if (f.status !== undefined && f.status !== '' && !STATUS_SET.has(f.status)) throw new SmsguardError('invalid_request', `status: one of ${MESSAGE_STATUSES.join(', ')}`, {}, 'status');
  const from = queryTime(f.from, 'from');
  const to = queryTime(f.to, 'to');
  // A range given backwards (or empty) is a mistake in the request, refused as GET /v1/records refuses
  // it: answered as an empty page it read as "no messages". One a regulator's dates clamp to nothing
  // is a sound request, answered empty in listMessages.
  if (from !== undefined && to !== undefined && from >= to) throw new SmsguardError('invalid_request', 'to: must be after from (to is exclusive)', {}, 'to');
  const clientRef = f.clientRef || undefined;
  if (!f.msisdn) {
    const why = `msisdn: required, unless clientRef is given with from and to at most 24 hours apart`;
    if (!clientRef || from === undefined || to === undefined) throw new SmsguardError('invalid_request', why, {}, 'msisdn');
    if (to - from > CLIENT_REF_RANGE_MS) throw new SmsguardError('invalid_request', `${why} (this range is ${((to - from) / 3_600_000).toFixed(1)} hours)`, {}, 'to');
  }
  return { limit, clientRef, status: f.status || undefined, msisdn };
}

/** A page of messages as `p` may see them, newest first (see the file's comment). */
export async function listMessages(ctx: AppContext, p: Principal, f: MessageListFilter): Promise<MessagePage> {
  let q: RecordQuery;
  let want: ReturnType<typeof checked>;
  try {
    want = checked(f);
    const filter: RecordsFilter = { msisdn: want.msisdn, contentProviderId: f.contentProviderId, kind: 'mt', from: f.from, to: f.to, cursor: f.cursor };
    q = await scopedQuery(ctx, p, filter);
  } catch (e) {
    // As for GET /v1/records: a regulator's attempt outside its scope is a query it made, recorded.
    if (p.role === 'regulator' && e instanceof SmsguardError && (e.code === 'forbidden' || e.code === 'not_found')) {
      await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'messages.list', { filter: f, refused: e.code, rows: 0 });
    }
    throw e;
  }
  const res = q.from !== undefined && q.to !== undefined && q.from >= q.to ? { messages: [], nextCursor: null } : await readPage(ctx, q, want);
  if (p.role === 'regulator') {
    const { contentProviderIds, ...effective } = q;
    await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'messages.list', {
      filter: f, effective: { ...effective, limit: want.limit, ...(contentProviderIds ? { province: p.province, providers: contentProviderIds.length } : {}) }, rows: res.messages.length,
    });
  }
  return res;
}

/**
 * Reads submission records page by page (keyset on seq, newest first) and their views, keeping those
 * that match what the records query cannot filter (clientRef in the body, the current status), until
 * `limit` messages or {@link SCAN_BUDGET} records. The cursor returned is the seq of the last record
 * read, so the next page goes on right after it.
 */
async function readPage(ctx: AppContext, q: RecordQuery, want: { limit: number; clientRef?: string; status?: string }): Promise<MessagePage> {
  const after = want.clientRef !== undefined || want.status !== undefined;
  const messages: MessageView[] = [];
  let cursor = q.cursor;
  let scanned = 0;
  for (;;) {
    const pageSize = after ? Math.min(SCAN_PAGE, SCAN_BUDGET - scanned) : want.limit - messages.length;
    const page = await ctx.store.records.queryRecords({ ...q, limit: pageSize, cursor });
    scanned += page.records.length;
    const rows = want.clientRef === undefined ? page.records : page.records.filter((r) => r.body.clientRef === want.clientRef);
    const views = await ctx.store.messages.getMessages(rows.map((r) => r.id));
    for (let i = 0; i < rows.length; i++) {
      const v = views[i];
      if (!v || (want.status !== undefined && v.status !== want.status)) continue;
      messages.push(withArticles(v));
      if (messages.length === want.limit) {
        const last = rows[i] === page.records[page.records.length - 1];
        return { messages, nextCursor: last && page.nextCursor === null ? null : cursorAt(rows[i]) };
      }
    }
    if (page.nextCursor === null) return { messages, nextCursor: null };
    cursor = page.nextCursor;
    // Nothing more may be read in this request: the caller reads on from here.
    if (!after || scanned >= SCAN_BUDGET) return { messages, nextCursor: cursor };
  }
}

/** The cursor that reads on after this record (as the records query's own). */
const cursorAt = (r: RecordRow): string => encodeCursor(r.seq);

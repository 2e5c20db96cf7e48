/**
 * The do-not-disturb list: numbers that receive no commercial message (nor consent request) from any
 * content provider. `POST /v1/dnd` (admin) imports a batch; every number added is a subscription record
 * (`dnd_added`). `GET /v1/dnd` lists it a keyset page at a time, or answers for one number
 * (`?msisdn=`); `DELETE /v1/dnd/{msisdn}` takes a number off it with the operator's reason, a
 * subscription record (`dnd_removed`) and an audit record (`dnd.remove`). Removal touches the list
 * only: a provider-level opt-out the number made itself, a withdrawal, a refused request all stand, so
 * the number's commercial messages are decided by the ordinary consent rules again, never let through
 * by the removal itself.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRoleIn, ROLES } from './access.js';
import { msisdnRefusal, str } from './validate.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import type { ErrorBody } from '../domain/errors.js';
import type { DndEntry } from '../ports/store.js';
import { decodeKeysetCursor, keysetPage } from '../domain/page-cursor.js';
import { msisdnField, pageLimit } from './validate.js';

export const MAX_DND_IMPORT = 100_000;
/** An import's `source` label, in characters (importDnd and its HTTP schema, src/http/routes/dnd.ts). */
export const DND_SOURCE_LIMITS = { min: 1, max: 128 } as const;

/** What became of each entry of an import: `received = added + alreadyListed + duplicateCount + invalidCount`. */
export interface DndImportResult {
  received: number;
  /** Numbers this import put on the list. */
  added: number;
  /** Numbers that were on the list before this import. */
  alreadyListed: number;
  /**
   * Entries repeating a number given earlier in the same import, in any spelling (`13800138005`,
   * `+8613800138005`): the first is counted as added or already listed, each repeat here.
   */
  duplicateCount: number;
  /**
   * Entries that are not mainland mobile numbers (first 100), by position, each with the refusal the
   * consent routes give such a number (`invalid_msisdn`, rule `recipient.msisdn`), its `field` naming
   * the item (`msisdns/3`).
   */
  invalid: { index: number; value: string; error: ErrorBody }[];
  invalidCount: number;
}

export async function importDnd(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<DndImportResult> {
  requireRoleIn(p, ROLES.importDnd);
  const list = body.msisdns;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_DND_IMPORT) {
    throw new SmsguardError('invalid_request', `msisdns: must be an array of 1–${MAX_DND_IMPORT} numbers`, {}, 'msisdns');
  }
  const source = body.source === undefined ? 'import' : str(body.source, 'source', { ...DND_SOURCE_LIMITS, shape: 'line' });
  const valid = new Set<string>();
  const invalid: DndImportResult['invalid'] = [];
  let invalidCount = 0;
  let duplicateCount = 0;
  list.forEach((v, index) => {
    // Read as msisdnField reads a consent's number (normalizeMsisdn), refused in its words: one rule for what a number is.
    const m = normalizeMsisdn(v);
    if (m) {
      if (valid.has(m)) duplicateCount++;
      else valid.add(m);
    } else {
      invalidCount++;
      if (invalid.length < 100) invalid.push({ index, value: String(v).slice(0, 40), error: msisdnRefusal(`msisdns/${index}`, ctx.profile).toBody() });
    }
  });
  const added = valid.size ? await ctx.store.consents.addDnd([...valid], ctx.clock.now(), p.actorId, source) : 0;
  if (added) ctx.events.emit('refusal', { msisdns: [...valid] });
  return { received: list.length, added, alreadyListed: valid.size - added, duplicateCount, invalid, invalidCount };
}

/** A page's size bounds (GET /v1/dnd `limit`), as the other keyset lists. */
export const DND_PAGE = { default: 100, max: 1000 } as const;
/** The reason a removal must give, in characters (removeDnd and its HTTP schema, src/http/routes/dnd.ts). */
export const DND_REMOVE_LIMITS = { reason: { min: 1, max: 500 } } as const;

/** One number on the list as GET /v1/dnd shows it (times ISO 8601, UTC). */
export interface DndEntryView {
  /** Normalized: `+86…`. */
  msisdn: string;
  /** When it was put on the list (its import). */
  listedAt: string;
  /** The import's `source` label (`import` when none was given). */
  source: string;
}

const entryView = (e: DndEntry): DndEntryView => ({ msisdn: e.msisdn, listedAt: new Date(e.at).toISOString(), source: e.source });

/**
 * `GET /v1/dnd`: the list, oldest entry first (then by number), `limit` a page (default 100, at most
 * 1000), `cursor` a page's `nextCursor` (keyset on the listing time and the number: entries imported
 * while one pages come after, none twice). With `msisdn`, that number's entry alone: `items` holds it,
 * or nothing when the number is not on the list. The number is read as the import reads one
 * (`normalizeMsisdn`); one that is no mainland mobile number is `invalid_msisdn` (rule recipient.msisdn).
 */
export async function listDnd(ctx: AppContext, p: Principal, q: { msisdn?: string; limit?: number; cursor?: string } = {}): Promise<{ items: DndEntryView[]; nextCursor: string | null }> {
  requireRoleIn(p, ROLES.readDnd);
  const limit = pageLimit(q.limit, DND_PAGE.max, DND_PAGE.default);
  const after = q.cursor === undefined ? undefined : decodeKeysetCursor(q.cursor);
  if (q.msisdn !== undefined) {
    const msisdn = msisdnField(q.msisdn, 'msisdn', ctx.profile);
    const e = await ctx.store.consents.dndEntry(msisdn);
    // a cursor reads on past its entry, for one number as for the list
    const past = e !== null && (after === undefined || e.at > after.at || (e.at === after.at && e.msisdn > after.id));
    return { items: past ? [entryView(e)] : [], nextCursor: null };
  }
  const rows = await ctx.store.consents.listDnd({ limit: limit + 1, ...(after ? { after } : {}) });
  const page = keysetPage(rows, limit, (r) => ({ at: r.at, id: r.msisdn }));
  return { items: page.rows.map(entryView), nextCursor: page.nextCursor };
}

/**
 * `DELETE /v1/dnd/{msisdn}` `{reason}`: takes a number off the list (one imported by mistake, one
 * whose owner asked), recorded with who, why, and the entry it ends (`dnd_removed`, `dnd.remove`).
 * `not_found` when the number is not on the list. What the number refused itself stays: an opt-out
 * from a provider, a withdrawn consent; its commercial messages need a live consent as before.
 */
export async function removeDnd(ctx: AppContext, p: Principal, rawMsisdn: string, body: Record<string, unknown> | undefined): Promise<DndEntryView> {
  requireRoleIn(p, ROLES.removeDnd);
  const b = body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new SmsguardError('invalid_request', 'body: must be an object', {}, 'body');
  // An unknown key is refused rather than dropped (as the HTTP schema does), for every door.
  const extra = Object.keys(b).find((k) => k !== 'reason');
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field (a removal is {reason})`, {}, extra);
  const msisdn = msisdnField(rawMsisdn, 'msisdn', ctx.profile);
  const reason = str(b.reason, 'reason', { ...DND_REMOVE_LIMITS.reason, shape: 'text' }).trim();
  // A removal without a stated reason is no record of why: spaces are refused as a lift's are.
  if (!reason) throw new SmsguardError('invalid_request', 'reason: must not be blank', {}, 'reason');
  const removed = await ctx.store.consents.removeDnd(msisdn, ctx.clock.now(), p.actorId, reason);
  if (!removed) throw new SmsguardError('not_found', `${msisdn} is not on the do-not-disturb list (nothing to remove)`, {}, 'msisdn');
  return entryView(removed);
}

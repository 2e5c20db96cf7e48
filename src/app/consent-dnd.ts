/**
 * The do-not-disturb list: numbers that receive no commercial message (nor consent request) from any
 * content provider. `POST /v1/dnd` (admin) imports a batch; every number added is a subscription record.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRoleIn, ROLES } from './access.js';
import { msisdnRefusal, str } from './validate.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import type { ErrorBody } from '../domain/errors.js';

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

/**
 * The do-not-disturb list: numbers that receive no commercial message (nor consent request) from any
 * content provider. `POST /v1/dnd` (admin) imports a batch; every number added is a subscription record.
 */
import { SmsguardError } from '../domain/errors.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { str } from './validate.js';

export const MAX_DND_IMPORT = 100_000;

export interface DndImportResult {
  received: number;
  added: number;
  alreadyListed: number;
  /** Entries that are not mainland mobile numbers (first 100), by position. */
  invalid: { index: number; value: string }[];
  invalidCount: number;
}

export async function importDnd(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<DndImportResult> {
  requireRole(p, 'admin');
  const list = body.msisdns;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_DND_IMPORT) {
    throw new SmsguardError('invalid_request', `msisdns: must be an array of 1–${MAX_DND_IMPORT} numbers`, {}, 'msisdns');
  }
  const source = body.source === undefined ? 'import' : str(body.source, 'source', { min: 1, max: 128 });
  const valid = new Set<string>();
  const invalid: DndImportResult['invalid'] = [];
  let invalidCount = 0;
  list.forEach((v, index) => {
    const m = normalizeMsisdn(v);
    if (m) valid.add(m);
    else {
      invalidCount++;
      if (invalid.length < 100) invalid.push({ index, value: String(v).slice(0, 40) });
    }
  });
  const added = valid.size ? await ctx.store.consents.addDnd([...valid], ctx.clock.now(), p.actorId, source) : 0;
  return { received: list.length, added, alreadyListed: valid.size - added, invalid, invalidCount };
}

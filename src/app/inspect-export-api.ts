/**
 * The inspection export for a principal (`GET /v1/records/export`, the `/web/records` page's download):
 * the export `smsguard inspect export` writes (runExport: the same records file, the same signed
 * manifest, the same chain check first), under `GET /v1/records`'s roles and scope, built into a
 * temporary directory and then handed to the door, which streams the two files as one tar.
 *
 * Who may: the operator any provider; a regulator a provider its token's province covers, over the
 * part of the range inside its token's dates (clamped, as `GET /v1/records` clamps; a range wholly
 * outside them is 403 `supervision.date-scope`); a content provider its own records only, as it reads
 * them through `GET /v1/records` (another's is 403). The export itself is recorded as the CLI's is
 * (`inspect.export`, with the principal as actor); a regulator's export refused for its scope is
 * recorded too (`inspect.export` with `refused`), as its refused queries are.
 *
 * A damaged chain refuses the export (409 `conflict`, rule `records.retention`): the damage is said by
 * month, seq and reason; the broken record's id and detail only to a principal who sees every
 * province (as `verifyMonth` withholds them). Only the operator may export over damage
 * (`allowDamaged`, the CLI's `--allow-damaged`, the operator's decision there too).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole, ROLE_REF } from './access.js';
import { queryTime, scopedQuery } from './records.js';
import { scopeRefusal } from './records-scope.js';
import { ChainDamagedError, manifestText, runExport, type ExportFormat, type ExportManifest } from './inspect-export.js';

export interface ExportAsk {
  contentProviderId?: string;
  from?: string;
  to?: string;
  format?: string;
  allowDamaged?: boolean;
}

/** A finished export in a temporary directory: `records.<format>` and `manifest.json`, as the CLI writes them. */
export interface BuiltExport {
  manifest: ExportManifest;
  dir: string;
  /** The two files in the order a tar carries them: the records file, then the manifest. */
  files: { name: string; path: string }[];
  /** Removes the directory (idempotent). */
  remove(): Promise<void>;
}

/**
 * Records read and written at a time over HTTP: a read is synchronous on SQLite, and 1,000 records
 * (read, formatted, hashed) hold the event loop some 20 ms where 5,000 held it ~100 ms (measured,
 * 100,000 records on a shared 2-core machine); the export takes about as long either way.
 */
const EXPORT_BATCH = 1000;

/** One export at a time per app: a large one reads and hashes every record of the range. */
const queue = new WeakMap<AppContext, Promise<unknown>>();

function serially<T>(ctx: AppContext, fn: () => Promise<T>): Promise<T> {
  const prev = queue.get(ctx) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  queue.set(ctx, run.catch(() => undefined));
  return run;
}

/** Validates and scopes the ask as `GET /v1/records` does; returns the range actually exported. */
async function scoped(ctx: AppContext, p: Principal, a: ExportAsk): Promise<{ contentProviderId: string; from: number; to: number; format: ExportFormat }> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  const missing = (['contentProviderId', 'from', 'to'] as const).filter((k) => !a[k]);
  if (missing.length) throw new SmsguardError('invalid_request', `missing: ${missing.join(', ')}`, {}, missing[0], { id: 'field_required' });
  const format = a.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new SmsguardError('invalid_request', 'format: jsonl or csv', {}, 'format');
  const from = queryTime(a.from, 'from')!;
  const to = queryTime(a.to, 'to')!;
  if (from >= to) throw new SmsguardError('invalid_request', 'from must be before to', {}, 'from', { id: 'range_reversed' });
  if (a.allowDamaged && p.role !== 'admin') throw new SmsguardError('forbidden', 'allowDamaged: only the operator exports over a damaged chain (as smsguard inspect export --allow-damaged)', ROLE_REF, 'allowDamaged', { id: 'role_required', params: { roles: 'admin' } });
  // GET /v1/records's own narrowing: a provider's own id, a regulator's province and dates.
  const q = await scopedQuery(ctx, p, { contentProviderId: a.contentProviderId, from: a.from, to: a.to, limit: 1 });
  if (q.from! >= q.to!) throw scopeRefusal(ctx, 'dates', `${a.from} to ${a.to} is outside this token's date range`, { id: 'range_outside_dates' }, 'from');
  // an unknown provider: 404 from scopedQuery (mustBeFilterAccount), as GET /v1/records answers it
  return { contentProviderId: q.contentProviderId!, from: q.from!, to: q.to!, format };
}

/** The refusal over a damaged chain, said to this principal. */
function damaged(ctx: AppContext, p: Principal, e: ChainDamagedError): SmsguardError {
  const all = p.role === 'admin' || (p.role === 'regulator' && !p.province);
  const bad = e.report.chains.filter((c) => !c.ok).map((c) => `${c.chain} at seq ${c.failure!.seq}${all && c.failure!.id ? ` (id ${c.failure!.id})` : ''}: ${c.failure!.reason}`);
  return new SmsguardError('conflict', `the records' hash chain is damaged (${bad.join('; ')}): export refused, a signed manifest would certify it; GET /v1/records/verify?month=… says more`, {
    rule: 'records.retention', article: ctx.profile.rules['records.retention']?.article, profile: ctx.profile.id,
  });
}

/**
 * Builds the export for `p` into a temporary directory (removed by `remove()`; on any failure here
 * it is removed before the error is thrown). Yields to the event loop between batches of records.
 */
export async function buildExport(ctx: AppContext, p: Principal, a: ExportAsk): Promise<BuiltExport> {
  let f: Awaited<ReturnType<typeof scoped>>;
  try {
    f = await scoped(ctx, p, a);
  } catch (e) {
    if (p.role === 'regulator' && e instanceof SmsguardError && (e.code === 'forbidden' || e.code === 'not_found')) {
      await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'inspect.export', { filter: { contentProviderId: a.contentProviderId, from: a.from, to: a.to }, refused: e.code, rows: 0 });
    }
    throw e;
  }
  return serially(ctx, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsguard-export-'));
    const remove = () => rm(dir, { recursive: true, force: true });
    const name = `records.${f.format}`;
    const out = createWriteStream(join(dir, name));
    // A failure of the export itself destroys the stream below with writes still pending, and the
    // stream then emits 'error' ("Cannot call writev after a stream was destroyed"): with no listener
    // Node threw it and the gateway process died. A write error of its own (a full disk) is kept and
    // thrown by the next write (a wait for 'drain' or 'finish' rejects on it too).
    let writeFailed: Error | undefined;
    out.on('error', (e) => {
      writeFailed ??= e;
    });
    try {
      const manifest = await runExport(ctx, p.actorId, { contentProviderId: f.contentProviderId, from: f.from, to: f.to }, f.format, name, {
        async write(s: string) {
          if (writeFailed) throw writeFailed;
          if (!out.write(s)) await once(out, 'drain');
          // a batch of records read (synchronously, on SQLite) and written: let requests in between
          await new Promise<void>((r) => setImmediate(r));
        },
      }, { allowDamaged: !!a.allowDamaged, batch: EXPORT_BATCH });
      out.end();
      await once(out, 'finish');
      const mpath = join(dir, 'manifest.json');
      const m = createWriteStream(mpath);
      m.end(manifestText(manifest));
      await once(m, 'finish');
      return { manifest, dir, files: [{ name, path: join(dir, name) }, { name: 'manifest.json', path: mpath }], remove };
    } catch (e) {
      out.destroy();
      await remove();
      throw e instanceof ChainDamagedError ? damaged(ctx, p, e) : e;
    }
  });
}

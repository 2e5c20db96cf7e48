/**
 * An inspection export (Art. 30 cn-2015: providers hand over the materials the administration asks
 * for): one content provider's records in a time range (submissions with their decisions and
 * verdicts, status changes, MO, and the subscription records of its consents, withdrawals and
 * opt-outs), one line per record with its seq, month and chain hash, plus a signed manifest (counts,
 * file digest, a digest over every exported seq and hash, and the signed heads of every month covered)
 * so the recipient can check the files are whole and that each record sits in a signed chain.
 * The chains the export draws on are verified first: a broken chain is refused (`ChainDamagedError`)
 * unless the caller accepts the damage, which the signed manifest then states.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, monthOf } from '../domain/hash-chain.js';
import type { RecordChainRow, StoredHead } from '../ports/store.js';
import type { AppContext } from './context.js';
import { recordsFor } from './records-service.js';
import type { ChainFailure, VerifyReport } from './records-verify.js';
import { providerProofs, type ProviderProof, type UnprovenMonth } from './export-provider-proof.js';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportFilter {
  contentProviderId: string;
  from: number;
  to: number;
}

export interface ExportManifest {
  format: 'smsguard-inspection-export/1';
  generatedAt: string;
  actor: string;
  profile: string;
  filter: { contentProviderId: string; from: string; to: string };
  file: { name: string; format: ExportFormat; bytes: number; sha256: string; records: number };
  counts: { total: number; byKind: Record<string, number>; byMonth: Record<string, number> };
  seqRange: { first: number; last: number } | null;
  /** SHA-256 over `seq:hash\n` of every exported record in order. */
  recordsDigest: string;
  heads: StoredHead[];
  /**
   * The hash chains the exported records sit in (every month chain, and `retained`, holding a record
   * of the range), recomputed before export as `records verify` does. `ok: false` only in an export
   * made with `allowDamaged`: each failed chain names its first bad record.
   */
  verification: { ok: boolean; checked: number; chains: { chain: string; ok: boolean; checked: number; failure?: ChainFailure }[] };
  /**
   * The rule ids, in stage order, of every pipeline the exported submissions name: an `mt` record
   * keeps its verdicts compactly (`verdicts: {pipeline, outcomes: "PPS…F", notes: {index: note}}`),
   * one letter per stage of its pipeline, which the file alone could not spell out. An id is
   * `pl_` + the first 12 hex of SHA-256 over the rule ids joined by `\n`, so the recipient can check
   * the list against it; null for an id the store does not know.
   */
  pipelines: Record<string, readonly string[] | null>;
  /**
   * The proof that the file holds every record of the provider in the range (docs/RECORDS.md
   * "Completeness of one provider's export"): per live month of the range where the provider has
   * records, the digest before the file's first record, hashes between and after, and a signed
   * provider head the fold must reach.
   */
  providerProofs: ProviderProof[];
  /** Months of the file without a proof (their records were carried past a purge, or no head covers them), and why. */
  unprovenMonths: UnprovenMonth[];
  keyId: string;
  publicKey: string;
  /** Ed25519 (base64) over the canonical JSON of this manifest without `signature`. */
  signature?: string;
}

/** The pipeline id of a stored `mt` body's compact verdicts; null for a system message or a damaged body. */
function pipelineOf(body: unknown): string | null {
  try {
    const b = (typeof body === 'string' ? JSON.parse(body) : body) as { verdicts?: { pipeline?: unknown } } | null;
    const pl = b?.verdicts?.pipeline;
    return typeof pl === 'string' ? pl : null;
  } catch {
    return null;
  }
}

const CSV_COLUMNS = ['seq', 'month', 'id', 'at', 'kind', 'content_provider_id', 'msisdn', 'ref', 'port', 'type', 'decision', 'rule', 'hash', 'body'] as const;

/**
 * One CSV cell. Inspectors open these files in spreadsheets, which run a cell that starts with `=`,
 * `+`, `-` or `@` as a formula: an MO from an alphanumeric sender named `=HYPERLINK(…)` would. Such a
 * cell gets a leading `'` (shown as text, not stored) unless it is a plain number (`+8613800138000`
 * stays as it is). The JSONL export carries the stored values untouched.
 */
function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? `${CSV_COLUMNS.join(',')}\n` : '';
}

/**
 * The body as a JSONL line carries it: the stored text itself when it is one line of JSON (byte for
 * byte, so the recipient can recompute its hash from the line), else — a damaged or edited record —
 * `{"unreadable": <the stored text>}`, so that the file stays one JSON value per line. The manifest's
 * digest covers seq and hash, and such a record's hash no longer matches: verify names it.
 */
function jsonlBody(body: unknown): string {
  if (typeof body === 'string' && !/[\r\n]/.test(body)) {
    try {
      JSON.parse(body);
      return body;
    } catch {
      // falls through
    }
  }
  return JSON.stringify({ unreadable: typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : String(body) });
}

/** One exported line (with its newline). */
export function exportLine(r: RecordChainRow, format: ExportFormat): string {
  const hash = Buffer.from(r.hash).toString('hex');
  const month = r.month ?? monthOf(r.at);
  if (format === 'csv') {
    return `${[r.seq, month, r.id, new Date(r.at).toISOString(), r.kind, r.contentProviderId, r.msisdn, r.ref, r.port, r.type, r.decision, r.rule, hash, r.body].map(csvCell).join(',')}\n`;
  }
  return `{"seq":${r.seq},"month":${JSON.stringify(month)},"id":${JSON.stringify(r.id)},"at":${JSON.stringify(new Date(r.at).toISOString())},"kind":${JSON.stringify(r.kind)},"contentProviderId":${JSON.stringify(r.contentProviderId)},"msisdn":${JSON.stringify(r.msisdn)},"ref":${JSON.stringify(r.ref)},"port":${JSON.stringify(r.port)},"type":${JSON.stringify(r.type)},"decision":${JSON.stringify(r.decision)},"rule":${JSON.stringify(r.rule)},"hash":"${hash}","body":${jsonlBody(r.body)}}\n`;
}

/** `manifest.json` as the export writes it (the CLI into `--out`, the API into its tar): the signed manifest, indented. */
export function manifestText(m: ExportManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/**
 * An export refused because a chain it draws on no longer verifies: signing a manifest over it would
 * certify records that were changed or removed. `report` names the first bad record of each chain.
 */
export class ChainDamagedError extends Error {
  constructor(readonly report: VerifyReport) {
    const bad = report.chains.filter((c) => !c.ok).map((c) => `${c.chain} at seq ${c.failure!.seq}${c.failure!.id ? ` (id ${c.failure!.id})` : ''}: ${c.failure!.reason}`);
    super(`the records' hash chain is damaged (${bad.join('; ')}): export refused`);
    this.name = 'ChainDamagedError';
  }
}

/** Verifies the chains holding records of [from, to): every month the range touches, and `retained`. */
export function verifyExportChains(ctx: AppContext, f: Pick<ExportFilter, 'from' | 'to'>): Promise<VerifyReport> {
  // A month emptied by hand (count 0, its own bounds as times: records-verify.ts) is checked too, and fails.
  return recordsFor(ctx).verify({ only: (c) => (c.count > 0 || c.emptied === true) && c.minAt < f.to && c.maxAt >= f.from });
}

/**
 * Streams an export: `write` receives each chunk of text (the caller puts it in a file), `progress`
 * the running count. Returns the signed manifest, and records the export itself (who, what, rows).
 * First verifies the chains the range draws on; if one is damaged, throws `ChainDamagedError` before
 * writing anything, unless `opts.allowDamaged`, when the manifest's `verification` states the damage.
 * `opts.batch`: records read at a time (5,000; the HTTP door reads fewer, so that each synchronous
 * read on SQLite holds the event loop briefly). The output does not depend on it.
 */
export async function runExport(ctx: AppContext, actor: string, f: ExportFilter, format: ExportFormat, fileName: string, io: { write(chunk: string): Promise<void> | void; progress?(done: number, total: number): void }, opts: { allowDamaged?: boolean; batch?: number } = {}): Promise<ExportManifest> {
  const svc = recordsFor(ctx);
  const a = svc.archive;
  const verified = await verifyExportChains(ctx, f);
  if (!verified.ok && !opts.allowDamaged) throw new ChainDamagedError(verified);
  const total = await a.countProvider(f.contentProviderId, f.from, f.to);
  // Every record of a month's chain up to here was committed before the read below started: the proof
  // expects each of the provider's in the range in the file.
  const settled = new Map(verified.chains.map((c) => [c.chain, c.lastSeq]));
  const live = new Set((await a.chains()).map((c) => c.chain).filter((c) => c !== 'retained'));
  const exported = new Map<string, number[]>();
  const fileHash = createHash('sha256');
  const digest = createHash('sha256');
  let bytes = 0;
  const emit = async (s: string) => {
    fileHash.update(s);
    bytes += Buffer.byteLength(s);
    await io.write(s);
  };
  const byKind: Record<string, number> = {};
  const byMonth: Record<string, number> = {};
  const pipelineIds = new Set<string>();
  let first: number | null = null;
  let last = 0;
  let n = 0;
  await emit(exportHeader(format));
  let after = 0;
  for (;;) {
    const rows = await a.scanProvider(f.contentProviderId, f.from, f.to, after, opts.batch ?? 5000);
    if (!rows.length) break;
    let chunk = '';
    for (const r of rows) {
      chunk += exportLine(r, format);
      digest.update(`${r.seq}:${Buffer.from(r.hash).toString('hex')}\n`);
      byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
      if (r.kind === 'mt') {
        const pl = pipelineOf(r.body);
        if (pl) pipelineIds.add(pl);
      }
      const m = r.month ?? monthOf(r.at);
      byMonth[m] = (byMonth[m] ?? 0) + 1;
      if (live.has(m)) {
        const seqs = exported.get(m);
        if (seqs) seqs.push(r.seq);
        else exported.set(m, [r.seq]);
      }
      first ??= r.seq;
      last = r.seq;
    }
    await emit(chunk);
    n += rows.length;
    after = rows[rows.length - 1].seq;
    io.progress?.(n, Math.max(total, n));
  }
  const pipelines: Record<string, readonly string[] | null> = {};
  for (const id of [...pipelineIds].sort()) pipelines[id] = await a.pipelineRules(id);
  const heads = await svc.publishHeads();
  const months = new Set(Object.keys(byMonth));
  const proof = await providerProofs(a, { contentProviderId: f.contentProviderId, from: f.from, to: f.to, exported, fileMonths: months, settled, live, keyId: svc.signer.keyId });
  const manifest: ExportManifest = {
    format: 'smsguard-inspection-export/1',
    generatedAt: new Date(ctx.clock.now()).toISOString(),
    actor,
    profile: ctx.profile.id,
    filter: { contentProviderId: f.contentProviderId, from: new Date(f.from).toISOString(), to: new Date(f.to).toISOString() },
    file: { name: fileName, format, bytes, sha256: fileHash.digest('hex'), records: n },
    counts: { total: n, byKind, byMonth },
    seqRange: first === null ? null : { first, last },
    recordsDigest: digest.digest('hex'),
    heads: heads.filter((h) => months.has(h.chain) || (h.chain === 'retained' && [...months].some((m) => !heads.some((x) => x.chain === m)))),
    verification: { ok: verified.ok, checked: verified.checked, chains: verified.chains.map((c) => ({ chain: c.chain, ok: c.ok, checked: c.checked, ...(c.failure ? { failure: c.failure } : {}) })) },
    pipelines,
    providerProofs: proof.proofs,
    unprovenMonths: proof.unproven,
    keyId: svc.signer.keyId,
    publicKey: svc.signer.publicKey,
  };
  manifest.signature = svc.signer.signText(canonicalJson(manifest));
  await ctx.store.records.appendAudit(ctx.clock.now(), actor, 'inspect.export', {
    filter: manifest.filter, format, rows: n, sha256: manifest.file.sha256,
    ...(verified.ok ? {} : { damaged: manifest.verification.chains.filter((c) => !c.ok).map((c) => ({ chain: c.chain, ...c.failure })) }),
  });
  return manifest;
}

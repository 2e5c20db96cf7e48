/** Test helpers for the statutory records. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordArchive, RecordStore } from '../../src/ports/store.js';
import { verifyChains, type VerifyReport } from '../../src/app/records-verify.js';
import { recordsFor } from '../../src/app/records-service.js';
import { verifyTextSignature } from '../../src/app/records-signing.js';
import { foldProof, providerHeadPayload } from '../../src/domain/provider-chain.js';
import { canonicalJson } from '../../src/domain/hash-chain.js';
import type { ExportManifest } from '../../src/app/inspect-export.js';
import { onboard, startTestGateway, type Provider, type TestGateway } from './gateway.js';

/** Verifies every chain and fails with the whole report unless all hold (and, when given, exactly `checked` records were checked). */
export async function assertChainsHold(archive: RecordArchive, checked?: number): Promise<VerifyReport> {
  const v = await verifyChains(archive);
  assert.equal(v.ok, true, JSON.stringify(v));
  if (checked !== undefined) assert.equal(v.checked, checked);
  return v;
}

/** Bodies of the `records.uncommitted` audit records (records above their month's commit mark), oldest first. */
export async function uncommittedAudits(records: RecordStore): Promise<{ month: string; fromSeq: number; toSeq: number; count: number }[]> {
  const page = await records.queryRecords({ kind: 'audit', limit: 100 });
  return page.records.filter((r) => r.body.action === 'records.uncommitted').reverse().map((r) => r.body as { month: string; fromSeq: number; toSeq: number; count: number });
}

/**
 * What the records API shows after the first purge of the records scenario (test/e2e/records.test.ts
 * on SQLite, test/integration/pg/records-archive.test.ts on PostgreSQL): March of the unheld number
 * 13700137000 gone, the held number's five MTs and the live consent of 13600136000 still readable, one
 * purge audited (March first), and every chain verifying. Returns the verification for more checks.
 */
export async function assertMarchPurged(g: Pick<TestGateway, 'http' | 'app' | 'admin'>): Promise<Awaited<ReturnType<ReturnType<typeof recordsFor>['verify']>>> {
  const get = async (qs: string) => (await g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers: g.admin })).json().records;
  assert.equal((await get('msisdn=13700137000')).length, 0);
  assert.equal((await get('msisdn=13800138000&kind=mt')).length, 5, 'held March records still readable');
  assert.equal((await get('msisdn=13600136000&kind=subscription')).length, 1);
  const audit = await get('kind=audit&type=records.purge');
  assert.equal(audit.length, 1);
  assert.equal(audit[0].body.months[0].month, '2026-03');
  const v = await recordsFor(g.app.ctx).verify();
  assert.equal(v.ok, true, JSON.stringify(v));
  return v;
}

/** A tar (as `GET /v1/records/export` sends it) unpacked by the system's tar: its entries in order, and each file's bytes. */
export function untar(body: Buffer): { names: string[]; files: Record<string, Buffer> } {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-untar-'));
  try {
    writeFileSync(join(dir, 'x.tar'), body);
    const names = execFileSync('tar', ['-tf', join(dir, 'x.tar')], { encoding: 'utf8' }).trim().split('\n');
    execFileSync('tar', ['-xf', join(dir, 'x.tar'), '-C', dir]);
    return { names, files: Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n))])) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the recipient of an inspection export's tar checks: its two entries, the records file's size
 * and SHA-256 as signed, and the Ed25519 signature over the manifest's canonical JSON (with the
 * gateway's key; one count changed and it no longer verifies). Returns the manifest and the file's text.
 */
export function checkExport(g: Pick<TestGateway, 'app'>, body: Buffer, format: 'jsonl' | 'csv'): { manifest: ExportManifest; text: string } {
  const { names, files } = untar(body);
  assert.deepEqual(names, [`records.${format}`, 'manifest.json']);
  const manifest = JSON.parse(files['manifest.json'].toString('utf8')) as ExportManifest;
  const { signature, ...unsigned } = manifest;
  assert.equal(manifest.publicKey, recordsFor(g.app.ctx).signer.publicKey, 'signed with the gateway\'s key');
  assert.equal(verifyTextSignature(canonicalJson(unsigned), signature!, manifest.publicKey), true, 'the manifest\'s signature verifies');
  assert.equal(verifyTextSignature(canonicalJson({ ...unsigned, counts: { ...unsigned.counts, total: unsigned.counts.total + 1 } }), signature!, manifest.publicKey), false);
  const file = files[`records.${format}`];
  assert.equal(manifest.file.name, `records.${format}`);
  assert.equal(manifest.file.bytes, file.length);
  assert.equal(manifest.file.sha256, createHash('sha256').update(file).digest('hex'));
  checkProviderProofs(manifest, exportedLines(file.toString('utf8'), format));
  return { manifest, text: file.toString('utf8') };
}

/** One CSV record's cells (RFC 4180: quoted cells with `""`, newlines inside quotes), and where the next record starts. */
function csvRecord(text: string, at: number): { cells: string[]; next: number } {
  const cells: string[] = [];
  let cell = '';
  let i = at;
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { cells.push(cell); cell = ''; } else if (ch === '\n') { i++; break; } else cell += ch;
  }
  cells.push(cell);
  return { cells, next: i };
}

/** The seq, month and chain hash of each line of an export's records file, in file order. */
export function exportedLines(text: string, format: 'jsonl' | 'csv'): { seq: number; month: string; hash: string }[] {
  if (format === 'jsonl') return text.split('\n').filter((l) => l).map((l) => JSON.parse(l) as { seq: number; month: string; hash: string }).map((x) => ({ seq: x.seq, month: x.month, hash: x.hash }));
  const out: { seq: number; month: string; hash: string }[] = [];
  let at = csvRecord(text, 0).next; // the header
  while (at < text.length) {
    const { cells, next } = csvRecord(text, at);
    out.push({ seq: Number(cells[0]), month: cells[1], hash: cells[12] });
    at = next;
  }
  return out;
}

/**
 * The recipient's completeness check (docs/RECORDS.md "Completeness of one provider's export"): per
 * proof, the provider head is the filter's provider's, of the proof's month, signed with the
 * manifest's key; folding `before` with the file's records of the month and `between` (merged by seq),
 * then `tail`, gives the head's digest and count. Every month of the file has a proof or is named in
 * `unprovenMonths`. Throws (AssertionError) on the first thing that does not hold.
 */
export function checkProviderProofs(manifest: ExportManifest, lines: { seq: number; month: string; hash: string }[]): void {
  const cp = manifest.filter.contentProviderId;
  const seen = new Set<string>();
  for (const p of manifest.providerProofs) {
    assert.ok(!seen.has(p.month), `one proof per month (${p.month})`);
    seen.add(p.month);
    assert.equal(p.head.month, p.month, 'the provider head is of the proof\'s month');
    assert.equal(p.head.contentProviderId, cp, 'the provider head is of the exported provider');
    assert.equal(p.head.publicKey, manifest.publicKey, 'the provider head is signed with the manifest\'s key');
    assert.equal(verifyTextSignature(providerHeadPayload(p.head), p.head.signature, manifest.publicKey), true, 'the provider head\'s signature verifies');
    const merged = [...lines.filter((l) => l.month === p.month), ...p.between].sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < merged.length; i++) assert.ok(merged[i].seq > merged[i - 1].seq, `provider chain of ${p.month}: seq ${merged[i].seq} twice`);
    const reached = foldProof(p.before, [...merged.map((l) => l.hash), ...p.tail]);
    assert.deepEqual(reached, { count: p.head.count, digest: p.head.digest }, `provider chain of ${p.month}: the file with the proof's hashes does not reach the signed provider head (a record of the provider is missing, added or out of order)`);
  }
  const unproven = new Set(manifest.unprovenMonths.map((u) => u.month));
  for (const m of new Set(lines.map((l) => l.month))) assert.ok(seen.has(m) || unproven.has(m), `month ${m} of the file has no provider proof`);
}

/** Bodies of the audit records of `action` (newest first). */
export async function auditBodies(g: Pick<TestGateway, 'app'>, action: string): Promise<{ actor: string; [k: string]: unknown }[]> {
  return (await g.app.ctx.store.records.queryRecords({ kind: 'audit', type: action, limit: 1000 })).records.map((r) => r.body as { actor: string });
}

/**
 * A gateway on the SQLite file `db` (in a folder of its own) that accepted three verification codes of
 * one provider, closed, and the second one's body changed in its month file behind the append-only
 * trigger (`123456` → `654321`), as someone with the file could: the month's chain is then broken at
 * that record. Returns the provider, the three message ids and the changed record's seq; start a
 * gateway on `db` again to look at it.
 */
export async function tamperedMonth(db: string): Promise<{ cp: Provider; ids: string[]; seq: number }> {
  const g = await startTestGateway({ db });
  const cp = await onboard(g);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1380013800${i}`, text: '【示例】您的验证码是123456', type: 'verification' } });
    assert.equal(r.statusCode, 202, r.body);
    ids.push(r.json().id);
  }
  await g.close();
  const dir = dirname(db);
  const file = readdirSync(dir).find((f) => /\.records-\d{4}-\d{2}\.db$/.test(f))!;
  const table = `records_${/(\d{4})-(\d{2})/.exec(file)!.slice(1).join('_')}`;
  const m = new Database(join(dir, file));
  try {
    m.exec(`DROP TRIGGER ${table}_no_update`);
    const seq = (m.prepare(`SELECT seq FROM ${table} WHERE id = ?`).get(ids[1]) as { seq: number }).seq;
    m.prepare(`UPDATE ${table} SET body = replace(body, '123456', '654321') WHERE id = ?`).run(ids[1]);
    return { cp, ids, seq };
  } finally {
    m.close();
  }
}

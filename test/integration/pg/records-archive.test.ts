/**
 * The records archive on PostgreSQL, as test/unit/records/tamper.test.ts and test/e2e/records.test.ts
 * check it on SQLite: chains verify clean (seqs with gaps included); verify names a changed body, a
 * deleted record, two swapped records, a cut tail, a rewritten chain (signed head), a record slipped
 * in behind the tip; the linker never links past an insert still in flight, and two pools writing at
 * once still give one valid chain; purge drops a past-retention month partition but keeps held
 * records and those of live relationships in `retained`; heads and the CLI work on a database URL.
 */
import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { startPgTestGateway } from '../../helpers/pg-gateway.js';
import { onboard, type Provider, type TestGateway } from '../../helpers/gateway.js';
import { assertMarchPurged, checkExport } from '../../helpers/records.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { configureRecords, recordsFor } from '../../../src/app/records-service.js';
import { RecordsSigner, verifyHeadSignature, verifyTextSignature } from '../../../src/app/records-signing.js';
import { purgeRecords } from '../../../src/app/retention.js';
import { runExport } from '../../../src/app/inspect-export.js';
import { canonicalJson, canonicalRecord, chainHash, genesisHash } from '../../../src/domain/hash-chain.js';
import type { AuditAction } from '../../../src/domain/audit-actions.js';

const OCT = Date.parse('2026-10-15T04:00:00Z');
const NOV = Date.parse('2026-11-15T04:00:00Z');
const { pem } = RecordsSigner.generate();

type Handle = Awaited<ReturnType<typeof openTestPgStore>>;

function appOf(store: PostgresStore, now = NOV + 86_400_000) {
  const app = new App({ store, clock: new SimulatedClock(now), profile: resolveProfile('cn-2015') });
  return { app, svc: configureRecords(app.ctx, RecordsSigner.fromText(pem)) };
}

const mo = (i: number, at: number) => ({ id: `mo_${i}`, at, from: '+8613800138000', to: '10690001', text: `MARKER-${String(i).padStart(4, '0')} 退订`, contentProviderId: 'cp_1', action: 'opt_out' as const });

/** SQL as an attacker with database access runs it: ordinary triggers (append-only) switched off. */
async function raw(h: Handle, ...sqls: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${h.schema}` });
  await c.connect();
  try {
    await c.query('SET session_replication_role = replica');
    for (const s of sqls) await c.query(s);
  } finally {
    await c.end();
  }
}

describe('records verify finds tampering on PostgreSQL', () => {
  let h: Handle;
  beforeEach(async () => {
    h = await openTestPgStore();
    for (let i = 0; i < 30; i++) {
      await h.store.records.recordMo(mo(i, (i < 10 ? OCT : NOV) + i * 1000));
      // A seq drawn and never committed (a rolled-back insert): chains must verify across the gap.
      if (i === 15) await h.store.pool.query("SELECT nextval('records_seq')");
    }
    await appOf(h.store).svc.publishHeads();
  });
  afterEach(async () => h.dispose());

  const verify = async (month?: string) => appOf(h.store).svc.verify({ month });
  const seqOf = async (id: string) => (await h.store.pool.query<{ seq: number }>('SELECT seq FROM records WHERE id = $1', [id])).rows[0].seq;

  test('untouched records verify, two monthly chains with signed heads, seqs with a gap', async () => {
    const r = await verify();
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(r.chains.map((c) => [c.chain, c.checked, c.headsChecked]), [['2026-10', 10, 1], ['2026-11', 20, 1]]);
    const nov = (await h.store.records.archive!.chains()).find((c) => c.chain === '2026-11')!;
    assert.equal(nov.lastSeq - nov.firstSeq + 1, 21, 'one seq skipped');
    assert.equal(nov.count, 20);
  });

  test('the hashes are SQLite\'s canonical bytes over the stored columns (body: its jsonb text)', async () => {
    const rows = await h.store.records.archive!.scan('2026-10', 0, 100);
    let prev: Uint8Array = genesisHash('2026-10');
    for (const r of rows) {
      prev = chainHash(prev, canonicalRecord(r));
      assert.deepEqual(Buffer.from(r.hash), prev);
    }
    assert.equal(rows.length, 10);
  });

  test('one changed byte of a body', async () => {
    await raw(h, "UPDATE records SET body = jsonb_set(body, '{text}', to_jsonb(replace(body->>'text', 'MARKER-0017', 'MARKER-0018'))) WHERE id = 'mo_17'");
    const r = await verify();
    assert.equal(r.ok, false);
    const nov = r.chains.find((c) => c.chain === '2026-11')!;
    assert.equal(nov.failure?.reason, 'hash_mismatch');
    assert.equal(nov.failure?.id, 'mo_17');
    assert.equal(r.chains.find((c) => c.chain === '2026-10')!.ok, true);
  });

  test('a record deleted', async () => {
    await raw(h, "DELETE FROM records WHERE id = 'mo_20'");
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'missing');
    assert.match(r.chains[0].failure!.detail, /next record present is seq \d+, id mo_21/);
  });

  test('a record deleted with its link', async () => {
    const seq = await seqOf('mo_20');
    await raw(h, "DELETE FROM records WHERE id = 'mo_20'", `DELETE FROM records_links WHERE seq = ${seq}`);
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'missing');
  });

  test('two records swapped (contents and hashes)', async () => {
    const [a, b] = [await seqOf('mo_12'), await seqOf('mo_14')];
    await raw(h,
      `UPDATE records r SET id = s.id, at = s.at, ref = s.ref, body = s.body FROM (SELECT seq, id, at, ref, body FROM records WHERE seq IN (${a}, ${b})) s WHERE r.seq IN (${a}, ${b}) AND s.seq <> r.seq`,
      `UPDATE records_links l SET hash = s.hash FROM (SELECT seq, hash FROM records_links WHERE seq IN (${a}, ${b})) s WHERE l.seq IN (${a}, ${b}) AND s.seq <> l.seq`);
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'hash_mismatch');
    assert.equal(r.chains[0].failure?.id, 'mo_14', 'the first position that changed');
  });

  test('records cut off the end after its head was signed', async () => {
    await raw(h, "DELETE FROM records WHERE seq = (SELECT max(seq) FROM records WHERE at >= 1793462400000)");
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'truncated');
  });

  test('the last record and its link cut off before any head was signed: the tip catches it', async () => {
    await h.store.pool.query('DELETE FROM records_heads');
    const last = (await h.store.pool.query<{ s: number }>("SELECT max(seq) AS s FROM records_links WHERE month = '2026-11'")).rows[0].s;
    await raw(h, `DELETE FROM records WHERE seq = ${last}`, `DELETE FROM records_links WHERE seq = ${last}`);
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'truncated');
  });

  test('every record of a month and its links deleted: truncated, as on SQLite (records audit)', async () => {
    await raw(h, 'DELETE FROM records WHERE at >= 1793462400000', "DELETE FROM records_links WHERE month = '2026-11'");
    const r = await verify();
    const nov = r.chains.find((c) => c.chain === '2026-11');
    assert.equal(nov?.failure?.reason, 'truncated', JSON.stringify(r));
    assert.match(nov!.failure!.detail, /none of its records/);
    assert.equal(r.chains.find((c) => c.chain === '2026-10')?.ok, true);
  });

  test('a record rewritten and every later link recomputed: the signed head catches it', async () => {
    await raw(h, "UPDATE records SET body = jsonb_set(body, '{text}', to_jsonb(replace(body->>'text', 'MARKER', 'MARKUP'))) WHERE id = 'mo_15'");
    const rows = await h.store.records.archive!.scan('2026-11', 0, 1000);
    let prev: Uint8Array = genesisHash('2026-11');
    const sqls: string[] = [];
    for (const r of rows) {
      prev = chainHash(prev, canonicalRecord(r));
      sqls.push(`UPDATE records_links SET hash = '\\x${Buffer.from(prev).toString('hex')}' WHERE seq = ${r.seq}`);
    }
    sqls.push(`UPDATE records_months SET hash = '\\x${Buffer.from(prev).toString('hex')}' WHERE month = '2026-11'`);
    await raw(h, ...sqls);
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'head_mismatch');
  });

  test('a record slipped in behind the tip (the skipped seq) is not linked, and verify says so', async () => {
    const gap = (await seqOf('mo_16')) - 1;
    await raw(h, `INSERT INTO records (seq, id, at, kind, content_provider_id, msisdn, ref, body) VALUES (${gap}, 'forged', ${NOV + 15_500}, 'mo', 'cp_1', '+8613800138000', 'forged', '{"text": "forged"}')`);
    const r = await verify('2026-11');
    assert.equal(r.chains[0].failure?.reason, 'unchained');
    assert.equal(r.chains[0].failure?.id, 'forged');
  });

  test('a head re-signed with another key is refused', async () => {
    const other = RecordsSigner.generate().signer;
    const hd = (await h.store.records.archive!.heads()).find((x) => x.chain === '2026-10')!;
    await h.store.records.archive!.addHead(other.signHead({ chain: hd.chain, firstSeq: hd.firstSeq, lastSeq: hd.lastSeq, count: hd.count, hash: hd.hash, signedAt: hd.signedAt + 1 }));
    const r = await verify('2026-10');
    assert.equal(r.chains[0].failure?.reason, 'signature_invalid');
  });
});

describe('linking while several processes write', () => {
  test('the linker waits for an insert in flight below the horizon, then links both in seq order', async () => {
    const h = await openTestPgStore();
    try {
      const a = h.store.records.archive!;
      await h.store.records.recordMo(mo(0, NOV));
      assert.equal(await a.link!(), 1);
      // Writer A draws a seq and does not commit yet; writer B draws the next one and commits.
      const c = await h.store.pool.connect();
      await c.query('BEGIN');
      await h.store.writer.append(c, [{ id: 'slow', at: NOV + 1, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { n: 1 } }]);
      await h.store.records.recordMo(mo(1, NOV + 2));
      let linked: number | null = null;
      const p = a.link!().then((n) => (linked = n));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(linked, null, 'no link past a seq that may still commit');
      await c.query('COMMIT');
      c.release();
      await p;
      assert.equal(linked, 2);
      const rows = await a.scan('2026-11', 0, 10);
      assert.deepEqual(rows.map((r) => [r.id, r.pos]), [['mo_0', 1], ['slow', 2], ['mo_1', 3]]);
      assert.equal((await appOf(h.store).svc.verify()).ok, true);
    } finally {
      await h.dispose();
    }
  });

  test('two pools writing at once (with rollbacks) while both link: one valid chain holding every committed record', { timeout: 60_000 }, async () => {
    const h = await openTestPgStore();
    const other = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 4 });
    try {
      let stop = false;
      const linkers = [h.store, other].map(async (s) => {
        while (!stop) {
          await s.records.archive!.link!();
          await new Promise((r) => setTimeout(r, 5));
        }
      });
      const write = async (s: PostgresStore, w: number) => {
        for (let i = 0; i < 150; i++) {
          const at = NOV + i;
          if (i % 10 === 3) {
            // An insert that rolls back: its seq is never used.
            const c = await s.pool.connect();
            try {
              await c.query('BEGIN');
              await s.writer.append(c, [{ id: `rb_${w}_${i}`, at, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { w, i } }]);
              await c.query('ROLLBACK');
            } finally {
              c.release();
            }
          } else {
            await s.records.appendAudit(at, `writer-${w}`, 'probe' as AuditAction, { w, i });
          }
        }
      };
      await Promise.all([write(h.store, 0), write(h.store, 1), write(other, 2), write(other, 3)]);
      stop = true;
      await Promise.all(linkers);
      const v = await appOf(h.store).svc.verify();
      assert.equal(v.ok, true, JSON.stringify(v));
      const committed = (await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM records')).rows[0].n;
      assert.equal(committed, 4 * 135);
      assert.equal(v.checked, committed, 'every committed record linked');
      assert.ok(!v.chains.some((c) => c.pending), 'nothing pending after the on-demand link');
      const rb = (await h.store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM records WHERE id LIKE 'rb_%'")).rows[0].n;
      assert.equal(rb, 0);
    } finally {
      await other.close();
      await h.dispose();
    }
  });
});

test('a month dropped and brought back by a late record starts its chain again from its genesis', async () => {
  const h = await openTestPgStore();
  try {
    const sep = Date.parse('2026-09-10T00:00:00Z');
    for (let i = 0; i < 3; i++) await h.store.records.appendAudit(sep + i, 'tester', 'probe' as AuditAction, { i });
    const { svc } = appOf(h.store);
    await svc.publishHeads();
    assert.equal(await h.store.writer.dropMonth('202609'), true);
    await h.store.records.appendAudit(sep + 10, 'tester', 'late' as AuditAction, {});
    const v = await svc.verify();
    assert.equal(v.ok, true, JSON.stringify(v));
    assert.deepEqual(v.chains.map((c) => [c.chain, c.checked]), [['2026-09', 1]]);
  } finally {
    await h.dispose();
  }
});

const MARCH = Date.parse('2026-03-10T04:00:00Z');
const NOV30 = Date.parse('2026-11-30T04:00:00Z');

describe('records over HTTP on PostgreSQL: heads, holds, purge, export', { timeout: 120_000 }, () => {
  let g: TestGateway;
  let h: Handle;
  let cp: Provider;
  let other: Provider;
  const send = (p: Provider, to: string, text = '【示例】您的验证码是123456', type = 'verification', from = '10690001') =>
    g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from, to, text, type } });

  before(async () => {
    ({ g, h } = await startPgTestGateway({ now: MARCH }));
    cp = await onboard(g);
    other = await onboard(g, { name: '另一家公司', signature: '【另一家】', ports: { service: '10691111' } });
    for (let i = 0; i < 3; i++) { assert.equal((await send(cp, '13800138000')).statusCode, 202); g.clock.advance(120_000); }
    assert.equal((await send(cp, '13900139000')).statusCode, 202);
    assert.equal((await send(cp, '13800138000', '【示例】会员日全场五折，点击领取优惠券', 'notification')).statusCode, 422);
    assert.equal((await send(other, '13700137000', '【另一家】您的验证码是654321', 'verification', '10691111')).statusCode, 202);
    const consent = (msisdn: string, expiresAt: string, reference: string) => g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn, category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt, proof: { channel: 'web', reference, capturedAt: '2026-03-10T04:00:00Z' } } });
    assert.equal((await consent('13600136000', '2027-12-31T00:00:00Z', 'form-1')).statusCode, 201);
    assert.equal((await consent('13500135000', '2026-04-01T00:00:00Z', 'form-2')).statusCode, 201);
    await g.worker.drain();
    g.clock.set(NOV30);
    assert.equal((await send(cp, '13800138000')).statusCode, 202);
    await g.worker.drain();
    // The jump set off a sweep that records the April consent's expiry; the tests below read its
    // month, so they wait for it (on a busy machine it could still be running: seen once in CI).
    await g.sweeper.idle();
  });
  after(async () => g.close());

  test('heads: one signed head per month, verifiable', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/v1/records/heads', headers: cp.auth });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    // Unlike SQLite (which writes a late record into its newest month), a record lives in the month of
    // its own time: the expiry of the April consent, recorded when the clock jumped, is April's.
    assert.deepEqual(body.heads.map((x: { chain: string }) => x.chain), ['2026-03', '2026-04', '2026-11']);
    for (const x of body.heads) assert.equal(verifyHeadSignature(x, body.publicKey), true);
  });

  test('inspect export: every record with its chain hash, signed manifest', async () => {
    let out = '';
    const m = await runExport(g.app.ctx, 'test', { contentProviderId: cp.id, from: MARCH - 86_400_000, to: NOV30 + 86_400_000 }, 'jsonl', 'records.jsonl', { write: (s) => { out += s; } });
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, m.counts.total);
    assert.ok(m.counts.total >= 8, JSON.stringify(m.counts));
    assert.ok(lines.every((l) => /^[0-9a-f]{64}$/.test(l.hash)), 'every exported record is linked');
    const { signature, ...unsigned } = m;
    assert.equal(verifyTextSignature(canonicalJson(unsigned), signature!, m.publicKey), true);
    assert.deepEqual(m.heads.map((x) => x.chain).sort(), Object.keys(m.counts.byMonth).sort());
    assert.equal(m.verification.ok, true, JSON.stringify(m.verification));
    assert.deepEqual(m.verification.chains.map((c) => c.chain).sort(), Object.keys(m.counts.byMonth).sort(), 'the months the export draws on were verified');
  });

  test('purge: a month past retention goes; holds and live relationships stay in retained; verify passes', async () => {
    const hold = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '+8613800138000', reason: 'court order 42' } });
    assert.equal(hold.statusCode, 201, hold.body);
    const get = async (qs: string) => (await g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers: g.admin })).json().records;
    const marchOfHeld = (await get('msisdn=13800138000&to=2026-04-01T00:00:00Z&limit=1000')).length;
    assert.ok(marchOfHeld >= 4);
    const dry = await purgeRecords(g.app.ctx, { dryRun: true, actor: 'test' });
    assert.equal(dry.months[0].chain, '2026-03');
    assert.equal((await recordsFor(g.app.ctx).archive.chains()).some((c) => c.chain === '2026-03'), true, 'dry run drops nothing');
    const r = await purgeRecords(g.app.ctx, { dryRun: false, actor: 'test' });
    const m = r.months[0];
    assert.deepEqual(r.months.map((x) => x.chain), ['2026-03', '2026-04'], 'only months whose records are all 5 months old');
    assert.equal(m.keptFor.holds.find((x) => x.reason === 'court order 42')!.records, marchOfHeld);
    assert.equal(m.keptFor.subscription, 1, 'the live consent of 13600136000; the one of 13500135000 ended in April');
    assert.ok((m.removed.mt ?? 0) >= 1);
    const parts = (await h.store.pool.query<{ n: string }>("SELECT c.relname AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'records'::regclass")).rows.map((x) => x.n);
    assert.ok(!parts.includes('records_202603') && !parts.includes('records_202604'), `the March and April partitions are dropped: ${parts.join(',')}`);
    const chains = (await recordsFor(g.app.ctx).archive.chains()).map((c) => c.chain);
    assert.deepEqual([chains[0], chains.at(-1)], ['retained', '2026-11']);
    const v = await assertMarchPurged(g);
    assert.ok(v.chains.find((c) => c.chain === 'retained')!.headsChecked >= 1, 'retained head signed at the purge');
    const heads = (await g.http.inject({ method: 'GET', url: '/v1/records/heads', headers: g.admin })).json().heads;
    assert.ok(heads.some((x: { chain: string }) => x.chain === 'retained'));
    // The inspection export over the API draws on the retained chain for the purged months: the held
    // records with their month, each line's hash its place in the retained chain (whose signed head the
    // manifest carries, March's being gone), that chain verified first.
    const ex = await g.http.inject({ method: 'GET', url: `/v1/records/export?contentProviderId=${cp.id}&from=2026-03-01T00:00:00Z&to=2026-12-01T00:00:00Z`, headers: g.admin });
    assert.equal(ex.statusCode, 200, ex.body);
    const { manifest, text } = checkExport(g, ex.rawPayload, 'jsonl');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { month: string; seq: number; hash: string; msisdn: string });
    assert.equal(manifest.verification.ok, true, JSON.stringify(manifest.verification));
    assert.ok(manifest.verification.chains.some((c) => c.chain === 'retained'));
    assert.ok(manifest.heads.some((x) => x.chain === 'retained'));
    const march = lines.filter((l) => l.month === '2026-03');
    assert.ok(march.length >= marchOfHeld, JSON.stringify(manifest.counts));
    const retained = new Map((await h.store.records.archive!.scan('retained', 0, 10_000)).map((x) => [x.seq, Buffer.from(x.hash).toString('hex')]));
    for (const l of march) assert.equal(l.hash, retained.get(l.seq), `seq ${l.seq}: its hash in the retained chain`);
    assert.equal(manifest.counts.byMonth['2026-03'], march.length);
    // March's chain is gone: its lines carry no provider proof, and the manifest says why.
    assert.deepEqual(manifest.unprovenMonths.filter((u) => u.month === '2026-03'), [{ month: '2026-03', reason: 'purged' }]);
    assert.ok(!manifest.providerProofs.some((p) => p.month === '2026-03'));
    // Release the hold: the next purge removes what only it kept.
    for (const x of (await g.http.inject({ method: 'GET', url: '/v1/holds', headers: g.admin })).json().holds) {
      assert.equal((await g.http.inject({ method: 'POST', url: `/v1/holds/${x.id}/release`, headers: g.admin })).statusCode, 200);
    }
    const r2 = await purgeRecords(g.app.ctx, { dryRun: false, actor: 'test' });
    assert.ok((r2.retained?.removed.mt ?? 0) >= 4);
    assert.equal((await get('msisdn=13800138000&kind=mt')).length, 1);
    assert.equal((await get('msisdn=13600136000&kind=subscription')).length, 1, 'live relationship still kept');
    assert.equal((await recordsFor(g.app.ctx).verify()).ok, true);
  });
});

describe('smsguard records on a database URL', { timeout: 120_000 }, () => {
  let h: Handle;
  let dir: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/smsguard.js', ...args, '--db-schema', h.schema], { encoding: 'utf8', cwd: process.cwd(), env: { ...process.env, DATABASE_URL: TEST_PG_URL, SMSGUARD_DB: '', SMSGUARD_RECORDS_SIGNING_KEY: pem }, timeout: 60_000 });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  before(async () => {
    h = await openTestPgStore();
    dir = mkdtempSync(join(tmpdir(), 'smsguard-pg-cli-'));
    await h.store.pool.query("INSERT INTO content_providers (id, name, credit_code, status, created_at) VALUES ('cp_1', '示例', '91350100M000100Y43', 'active', 0)");
    for (let i = 0; i < 5; i++) await h.store.records.recordMo(mo(i, NOV + i));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await h.dispose();
  });

  test('heads, verify (clean, then tampered), purge --dry-run, inspect export', async () => {
    const heads = cli('records', 'heads');
    assert.equal(heads.code, 0, heads.err);
    const hj = JSON.parse(heads.out);
    assert.deepEqual(hj.heads.map((x: { chain: string; count: number }) => [x.chain, x.count]), [['2026-11', 5]]);
    assert.equal(verifyHeadSignature(hj.heads[0], hj.publicKey), true);
    const ok = cli('records', 'verify');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /2026-11: ok, 5 records .*1 signed heads matched/);
    const dry = cli('records', 'purge', '--dry-run');
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /would purge \(dry run\)/);
    const exp = cli('inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-12-01', '--out', dir);
    assert.equal(exp.code, 0, exp.err);
    assert.match(exp.out, /exported 5 records/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.heads[0].chain, '2026-11');
    await raw(h, "UPDATE records SET body = jsonb_set(body, '{text}', '\"changed\"') WHERE id = 'mo_2'");
    const bad = cli('records', 'verify');
    assert.equal(bad.code, 2, bad.out + bad.err);
    assert.match(bad.out, /2026-11: FAILED at seq \d+ \(id mo_2\): hash_mismatch/);
  });
});

/**
 * Tamper evidence end to end on a database file: records verify clean, and after one byte of one
 * record is changed in the file, a record is deleted, two are swapped, the tail is cut, or a record is
 * rewritten and every later hash recomputed, `verify` names the first record that fails.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { configureRecords } from '../../../src/app/records-service.js';
import { verifyExportChains } from '../../../src/app/inspect-export.js';
import { RecordsSigner, verifyHeadSignature } from '../../../src/app/records-signing.js';
import { canonicalRecord, chainHash, genesisHash } from '../../../src/domain/hash-chain.js';

const OCT = Date.parse('2026-10-15T04:00:00Z');
const NOV = Date.parse('2026-11-15T04:00:00Z');
const { signer, pem } = RecordsSigner.generate();

let dir: string;
let path: string;

function open(): { store: SqliteStore; app: App; svc: ReturnType<typeof configureRecords> } {
  const store = new SqliteStore(path);
  const app = new App({ store, clock: new SimulatedClock(NOV + 86_400_000), profile: resolveProfile('cn-2015') });
  const svc = configureRecords(app.ctx, RecordsSigner.fromText(pem));
  return { store, app, svc };
}

async function seed(): Promise<void> {
  const { store, svc } = open();
  for (let i = 0; i < 30; i++) {
    await store.records.recordMo({ id: `mo_${i}`, at: (i < 10 ? OCT : NOV) + i * 1000, from: '+8613800138000', to: '10690001', text: `MARKER-${String(i).padStart(4, '0')} 退订`, contentProviderId: 'cp_1', action: 'opt_out' });
  }
  await svc.publishHeads();
  await store.close();
}

/** November's records file (each month is a file beside the main database). */
const novFile = (): string => join(dir, 'g.records-2026-11.db');

/** Raw access to the file, as an attacker with the sqlite3 shell would have. */
function raw<T>(fn: (db: Database.Database) => T, file = novFile()): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('records verify finds tampering', () => {
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smsguard-tamper-'));
    path = join(dir, 'g.db');
    await seed();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('untouched records verify, two monthly chains with signed heads', async () => {
    const { store, svc } = open();
    const r = await svc.verify();
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(r.chains.map((c) => [c.chain, c.checked, c.headsChecked]), [['2026-10', 10, 1], ['2026-11', 20, 1]]);
    await store.close();
  });

  test('one byte changed in the database file', async () => {
    const bytes = readFileSync(novFile());
    const at = bytes.indexOf(Buffer.from('MARKER-0017'));
    assert.ok(at > 0, "marker is in November's file (WAL checkpointed on close)");
    bytes[at + 10] = '8'.charCodeAt(0);
    writeFileSync(novFile(), bytes);
    const { store, svc } = open();
    const r = await svc.verify();
    assert.equal(r.ok, false);
    const nov = r.chains.find((c) => c.chain === '2026-11')!;
    assert.equal(nov.failure?.reason, 'hash_mismatch');
    assert.equal(nov.failure?.id, 'mo_17');
    assert.equal(r.chains.find((c) => c.chain === '2026-10')!.ok, true);
    await store.close();
  });

  test('a record deleted', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER records_2026_11_no_delete');
      const seq = db.prepare("SELECT seq FROM records_2026_11 WHERE id = 'mo_20'").pluck().get();
      db.prepare('DELETE FROM records_2026_11 WHERE seq = ?').run(seq);
    });
    const { store, svc } = open();
    const r = await svc.verify({ month: '2026-11' });
    assert.equal(r.chains[0].failure?.reason, 'missing');
    assert.match(r.chains[0].failure!.detail, /next record present is seq \d+, id mo_21/);
    await store.close();
  });

  test('two records swapped', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER records_2026_11_no_update');
      const a = db.prepare("SELECT * FROM records_2026_11 WHERE id = 'mo_12'").get() as Record<string, unknown>;
      const b = db.prepare("SELECT * FROM records_2026_11 WHERE id = 'mo_14'").get() as Record<string, unknown>;
      const upd = db.prepare('UPDATE records_2026_11 SET id = ?, at = ?, ref = ?, body = ?, hash = ? WHERE seq = ?');
      upd.run(b.id, b.at, b.ref, b.body, b.hash, a.seq);
      upd.run(a.id, a.at, a.ref, a.body, a.hash, b.seq);
    });
    const { store, svc } = open();
    const r = await svc.verify({ month: '2026-11' });
    assert.equal(r.chains[0].failure?.reason, 'hash_mismatch');
    assert.equal(r.chains[0].failure?.id, 'mo_14', 'the first position that changed');
    await store.close();
  });

  test('records cut off the end of a month after its head was signed', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER records_2026_11_no_delete');
      db.exec('DELETE FROM records_2026_11 WHERE seq = (SELECT max(seq) FROM records_2026_11)');
    });
    const { store, svc } = open();
    const r = await svc.verify({ month: '2026-11' });
    assert.equal(r.chains[0].failure?.reason, 'truncated');
    await store.close();
  });

  test('every record of a month deleted: the month is reported cut, not absent (found by the records audit)', async () => {
    // Before: the emptied month vanished from the chains, and verify said "holds no records yet", exit 0.
    raw((db) => {
      db.exec('DROP TRIGGER records_2026_11_no_delete');
      db.exec('DELETE FROM records_2026_11');
    });
    const { store, svc, app } = open();
    const r = await svc.verify();
    assert.equal(r.ok, false, JSON.stringify(r));
    const nov = r.chains.find((c) => c.chain === '2026-11');
    assert.equal(nov?.failure?.reason, 'truncated', JSON.stringify(r));
    assert.match(nov!.failure!.detail, /none of its records/);
    assert.equal(r.chains.find((c) => c.chain === '2026-10')!.ok, true);
    assert.equal((await svc.verify({ month: '2026-11' })).ok, false, 'the month alone too');
    // An export of a range in that month checks it too, and is refused, rather than export nothing over a "clean" chain.
    const exp = await verifyExportChains(app.ctx, { from: NOV, to: NOV + 86_400_000 });
    assert.deepEqual(exp.chains.map((c) => [c.chain, c.ok]), [['2026-11', false]]);
    await store.close();
  });

  test('records cut off the end before any head covers them: the commit mark in the main file catches it', async () => {
    // Ten more November records, no head signed over them; then the last three are cut.
    {
      const { store } = open();
      for (let i = 30; i < 40; i++) await store.records.recordMo({ id: `mo_${i}`, at: NOV + i * 1000, from: '+8613800138000', to: '10690001', text: `MARKER-${i} 退订`, contentProviderId: 'cp_1', action: 'opt_out' });
      await store.close();
    }
    raw((db) => {
      db.exec('DROP TRIGGER records_2026_11_no_delete');
      db.exec("DELETE FROM records_2026_11 WHERE id IN ('mo_37', 'mo_38', 'mo_39')");
    });
    const { store, svc } = open();
    const r = await svc.verify({ month: '2026-11' });
    assert.equal(r.chains[0].failure?.reason, 'truncated', JSON.stringify(r));
    assert.match(r.chains[0].failure!.detail, /tip is seq 40, but its records end at seq 37/);
    await store.close();
  });

  test('records appended after a cut never reuse its seqs, so the cut stays visible (found by the records audit)', async () => {
    // Before: the writer went on from the last row left, so new records took the removed seqs and,
    // where no head covered the cut, the chain verified as if nothing had happened.
    {
      const { store } = open();
      for (let i = 30; i < 40; i++) await store.records.recordMo({ id: `mo_${i}`, at: NOV + i * 1000, from: '+8613800138000', to: '10690001', text: `MARKER-${i} 退订`, contentProviderId: 'cp_1', action: 'opt_out' });
      await store.close();
    }
    for (const [what, cut] of [['the tail', "id IN ('mo_37', 'mo_38', 'mo_39')"], ['every record', '1']] as const) {
      raw((db) => {
        db.exec('DROP TRIGGER IF EXISTS records_2026_11_no_delete');
        db.exec(`DELETE FROM records_2026_11 WHERE ${cut}`);
      });
      const { store, svc } = open();
      await store.records.recordMo({ id: `mo_after_${what}`, at: NOV + 50_000, from: '+8613800138000', to: '10690001', text: 'after the cut 退订', contentProviderId: 'cp_1', action: 'opt_out' });
      const seq = (await svc.archive.chains()).find((c) => c.chain === '2026-11')!.lastSeq;
      assert.ok(seq > 40, `${what}: the new record takes a seq never issued (${seq})`);
      const r = await svc.verify({ month: '2026-11' });
      assert.equal(r.ok, false, `${what}: ${JSON.stringify(r)}`);
      assert.equal(r.chains[0].failure?.reason, 'missing', `${what}: ${JSON.stringify(r.chains[0].failure)}`);
      await store.close();
    }
  });

  test('a record rewritten and every later hash recomputed: the signed head catches it', async () => {
    raw((db) => {
      db.exec('DROP TRIGGER records_2026_11_no_update');
      const rows = db.prepare('SELECT * FROM records_2026_11 ORDER BY seq').all() as Record<string, any>[];
      let prev: Uint8Array = genesisHash('2026-11');
      const upd = db.prepare('UPDATE records_2026_11 SET body = ?, hash = ? WHERE seq = ?');
      for (const r of rows) {
        const body = r.id === 'mo_15' ? r.body.replace('MARKER', 'MARKUP') : r.body;
        const h = chainHash(prev, canonicalRecord({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: r.ref, port: r.port, type: r.type, decision: r.decision, rule: r.rule, body }));
        upd.run(body, h, r.seq);
        prev = h;
      }
    });
    const { store, svc } = open();
    const r = await svc.verify({ month: '2026-11' });
    assert.equal(r.chains[0].failure?.reason, 'head_mismatch');
    await store.close();
  });

  test('a head re-signed with another key is refused', async () => {
    const other = RecordsSigner.generate().signer;
    raw((db) => {
      const h = db.prepare("SELECT * FROM records_heads WHERE chain = '2026-10'").get() as Record<string, any>;
      const forged = other.signHead({ chain: h.chain, firstSeq: h.first_seq, lastSeq: h.last_seq, count: h.count, hash: h.hash, signedAt: h.signed_at + 1 });
      db.prepare('INSERT INTO records_heads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(forged.chain, forged.firstSeq, forged.lastSeq, forged.count, forged.hash, forged.signedAt, forged.keyId, forged.publicKey, forged.signature);
    }, path);
    const { store, svc } = open();
    const r = await svc.verify({ month: '2026-10' });
    assert.equal(r.chains[0].failure?.reason, 'signature_invalid');
    await store.close();
  });
});

test('signer round-trip: PEM and base64 DER', () => {
  const a = RecordsSigner.fromText(pem);
  assert.equal(a.publicKey, signer.publicKey);
  const der = pem.replace(/-----[A-Z ]+-----|\s/g, '');
  assert.equal(RecordsSigner.fromText(der).publicKey, a.publicKey);
  const h = a.signHead({ chain: '2026-11', firstSeq: 1, lastSeq: 9, count: 9, hash: 'ab'.repeat(32), signedAt: 1 });
  assert.equal(verifyHeadSignature(h), true);
  assert.equal(verifyHeadSignature({ ...h, lastSeq: 8 }), false);
  assert.throws(() => RecordsSigner.fromText('not a key'));
});

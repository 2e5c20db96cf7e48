/**
 * `smsguard records purge` over a month whose chain no longer verifies. Found walking docs/RECORDS.md
 * (2026-12-08): a record under a legal hold changed by hand, then purged, was carried into the
 * retained chain, which the purge rebuilds and signs anew, so `records verify` said `retained: ok`
 * and exit 0 over the changed record, and the month holding the evidence was gone. Now the purge
 * verifies every chain it removes or re-chains first and refuses (exit 2, nothing removed) unless
 * `--allow-damaged`, whose `records.purge` audit record lists the damage.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { App } from '../../src/app/app.js';
import { SystemClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { verifyMonth } from '../../src/app/records-verify-month.js';

let dir: string;
let db: string;
// Past any retention on the system clock the command purges by (5 or 6 months).
const JAN_2025 = Date.parse('2025-01-15T04:00:00Z');

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', ...args, '--db', db], { encoding: 'utf8', env: { ...process.env, SMSGUARD_RECORDS_SIGNING_KEY: '' }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-purge-damaged-'));
  db = join(dir, 'g.db');
  const s = new SqliteStore(db);
  s.db.prepare("INSERT INTO content_providers (id, name, credit_code, status, created_at) VALUES ('cp_1', '示例', '91350100M000100Y43', 'active', 0)").run();
  for (let i = 0; i < 4; i++) await s.records.recordMo({ id: `mo_${i}`, at: JAN_2025 + i, from: i === 2 ? '+8613900139000' : '+8613800138000', to: '10690001', text: `你好 ${i}`, contentProviderId: 'cp_1', action: 'forwarded' });
  await s.records.archive!.addHold({ id: 'hold_1', msisdn: '+8613900139000', contentProviderId: null, reason: 'case 77', createdAt: JAN_2025, createdBy: 'tok_admin', releasedAt: null, releasedBy: null });
  await s.close();
  assert.equal(cli('records', 'heads').code, 0);
  // The held record changed by hand, as someone with the sqlite3 shell would.
  const raw = new Database(join(dir, 'g.records-2025-01.db'));
  raw.exec('DROP TRIGGER records_2025_01_no_update');
  raw.prepare("UPDATE records_2025_01 SET body = replace(body, '你好 2', '再见 2') WHERE id = 'mo_2'").run();
  raw.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a purge over a damaged month is refused, exit 2, and removes nothing; the dry run says so', () => {
  const dry = cli('records', 'purge', '--dry-run');
  assert.equal(dry.code, 2, dry.out + dry.err);
  assert.match(dry.out, /2025-01: would remove 3/);
  assert.match(dry.out, /2025-01: FAILED at seq 3 \(id mo_2\): hash_mismatch/);
  assert.match(dry.out, /the purge would be refused/);
  const r = cli('records', 'purge');
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /^2025-01: FAILED at seq 3 \(id mo_2\): hash_mismatch/);
  assert.match(r.out, /purge refused: .*nothing was removed/);
  assert.equal(r.err, '', 'an answer, not a crash');
  assert.ok(existsSync(join(dir, 'g.records-2025-01.db')), 'the month is still there');
  const v = cli('records', 'verify');
  assert.equal(v.code, 2, 'the damage is still found');
  assert.match(v.out, /2025-01: FAILED at seq 3 \(id mo_2\): hash_mismatch/);
  assert.doesNotMatch(v.out, /retained/, 'nothing was carried into the retained chain');
});

test('--allow-damaged purges anyway and its records.purge audit record lists the damage', () => {
  const r = cli('records', 'purge', '--allow-damaged');
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /2025-01: removed 3 .*kept 1/);
  assert.match(r.out, /purged with --allow-damaged/);
  const main = new Database(db, { readonly: true });
  const months = main.prepare('SELECT month FROM records_months WHERE purged_at IS NULL').pluck().all() as string[];
  main.close();
  const file = join(dir, `g.records-${months.at(-1)}.db`);
  const m = new Database(file, { readonly: true });
  const body = m.prepare(`SELECT body FROM records_${months.at(-1)!.replace('-', '_')} WHERE type = 'records.purge' ORDER BY seq DESC LIMIT 1`).pluck().get() as string;
  m.close();
  assert.deepEqual(JSON.parse(body).damaged, [{ chain: '2025-01', seq: 3, id: 'mo_2', reason: 'hash_mismatch' }]);
});

test('verify --month of a purged month says it was purged and what its kept heads covered, not "no records"', () => {
  // Runs after the purge above. Before 2026-12-08 it said `no records for 2025-01`, as for a month never written.
  const v = cli('records', 'verify', '--month', '2025-01');
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.out, /^2025-01: purged: its records are gone .*1 signed head kept, the last covering seq 1–4 \(4 records\)/);
  assert.match(v.out, /\nverified 0 records: 2025-01 was purged\n$/);
  const never = cli('records', 'verify', '--month', '2024-12');
  assert.equal(never.out, 'verified 0 records: no records for 2024-12\n');
});

test('the use case behind GET /v1/records/verify and the /web/records page says the same: purged, with what its kept heads covered', async () => {
  // Runs after the purge above. Before, both answered found:false alone ("There are no records for 2025-01").
  const store = new SqliteStore(db);
  try {
    const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
    const admin = { role: 'admin' as const, actorId: 'tok_admin' };
    const v = await verifyMonth(app.ctx, admin, '2025-01');
    assert.deepEqual([v.found, v.ok, v.checked, v.purged], [false, true, 0, { heads: 1, firstSeq: 1, lastSeq: 4, count: 4 }]);
    assert.equal((await verifyMonth(app.ctx, admin, '2024-12')).purged, undefined, 'a month never written is no purged one');
  } finally {
    await store.close();
  }
});

test('verify counts the retained chain apart from the months', () => {
  // Runs after the purge above, which carried the held record into the retained chain. Before
  // 2026-12-08 the last line counted that chain as a month (`in 2 months` for one month and it).
  const v = cli('records', 'verify');
  assert.match(v.out, /^retained: ok, 1 records/m);
  assert.match(v.out, /\nverified \d+ records in 1 month and the retained chain: all ok\n$/);
});

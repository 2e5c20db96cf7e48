/**
 * The SQLite store's tuning variables (SMSGUARD_SQLITE_SYNC and the others) are settings of the one
 * validated configuration: a bad value is refused at start naming its variable, the values reach the
 * store through its open options, and the store reads no environment of its own. Before, the store
 * modules read them at open: `SMSGUARD_SQLITE_SYNC` went into a PRAGMA's text as given, and
 * `SMSGUARD_RECORDS_THREAD=true` or `SMSGUARD_NATIVE_WRITE=off` were silently read as off and on.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envName, loadConfig } from '../../../src/config/schema.js';
import { sqliteTuning } from '../../../src/config/sqlite-tuning.js';
import { ENV_ONLY_SETTINGS } from '../../../src/config/env-only.js';
import { openStore } from '../../../src/store/open.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { DEFAULT_SQLITE_TUNING } from '../../../src/store/sqlite/tuning.js';
import type { NewRecord } from '../../../src/store/sqlite/records-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'smsguard-sqlite-tuning-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({}, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  return [];
};

const mt = (id: string): NewRecord => ({
  id, at: Date.parse('2026-11-02T00:00:00Z'), kind: 'mt', contentProviderId: 'cp_1', msisdn: '+8613800138000', ref: id,
  body: { from: '10690001', to: '+8613800138000', type: 'verification', decision: 'accepted', code: null, text: '【示例】验证码 123456' },
});

/** `PRAGMA synchronous` as SQLite reports it: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const syncOf = (db: { pragma(s: string, o: { simple: true }): unknown }): unknown => db.pragma('synchronous', { simple: true });

test('a bad tuning value is refused in one line naming its variable, never put into a PRAGMA or read as off', () => {
  const bad: [string, string, RegExp][] = [
    ['SMSGUARD_SQLITE_SYNC', 'fast', /^sqliteSync \(SMSGUARD_SQLITE_SYNC\): must be one of OFF, NORMAL, FULL, EXTRA, not "fast"$/],
    ['SMSGUARD_SQLITE_SYNC', 'NORMAL; PRAGMA foreign_keys = OFF', /^sqliteSync \(SMSGUARD_SQLITE_SYNC\): must be one of/],
    ['SMSGUARD_RECORDS_THREAD', 'true', /^recordsThread \(SMSGUARD_RECORDS_THREAD\): must be 0 \(off\) or 1 \(on\), not "true"$/],
    ['SMSGUARD_WAL_BUFFER', 'no', /^walBuffer \(SMSGUARD_WAL_BUFFER\): must be 0 \(off\) or 1 \(on\)/],
    ['SMSGUARD_NATIVE_WRITE', 'off', /^nativeWrite \(SMSGUARD_NATIVE_WRITE\): must be 0/],
    ['SMSGUARD_NATIVE_VERIFY', '2', /^nativeVerify \(SMSGUARD_NATIVE_VERIFY\): must be 0/],
    ['SMSGUARD_RECORDS_THREAD_TIMEOUT_MS', '0', /^recordsThreadTimeoutMs \(SMSGUARD_RECORDS_THREAD_TIMEOUT_MS\): /],
    ['SMSGUARD_RECORDS_THREAD_TIMEOUT_MS', '1e3', /^recordsThreadTimeoutMs \(SMSGUARD_RECORDS_THREAD_TIMEOUT_MS\): not a decimal number/],
    ['SMSGUARD_VERIFY_THREADS', '0', /^verifyThreads \(SMSGUARD_VERIFY_THREADS\): /],
    ['SMSGUARD_VERIFY_THREADS', '257', /^verifyThreads \(SMSGUARD_VERIFY_THREADS\): /],
    ['SMSGUARD_WORKER_BUNDLE', 'no', /^workerBundle \(SMSGUARD_WORKER_BUNDLE\): must be on or off/],
  ];
  for (const [v, value, re] of bad) {
    const p = problems({ [v]: value });
    assert.equal(p.length, 1, `${v}=${value}: ${p.join(' | ')}`);
    assert.match(p[0], re, `${v}=${value}`);
  }
});

test('unset, the tuning is the store\'s defaults; set, it is what the variables say (case ignored for the sync level)', () => {
  assert.deepEqual(sqliteTuning(loadConfig({}, {})), DEFAULT_SQLITE_TUNING);
  assert.deepEqual(sqliteTuning(loadConfig({}, {
    SMSGUARD_SQLITE_SYNC: ' full ', SMSGUARD_WAL_BUFFER: '0', SMSGUARD_NATIVE_WRITE: '0', SMSGUARD_NATIVE_VERIFY: '0',
    SMSGUARD_RECORDS_THREAD: '1', SMSGUARD_RECORDS_THREAD_TIMEOUT_MS: '500', SMSGUARD_VERIFY_THREADS: '3',
  })), { sync: 'FULL', walBuffer: false, nativeWrite: false, nativeVerify: false, recordsThread: true, recordsThreadTimeoutMs: 500, verifyThreads: 3 });
  assert.equal(loadConfig({}, { SMSGUARD_WORKER_BUNDLE: 'off' }).workerBundle, 'off');
});

test('the configured values reach the store through openStore: the main file\'s and the month file\'s PRAGMA synchronous, and verify\'s options', async () => {
  const config = loadConfig({ db: join(dir, 'full.db') }, { SMSGUARD_SQLITE_SYNC: 'extra', SMSGUARD_NATIVE_VERIFY: '0', SMSGUARD_VERIFY_THREADS: '3' });
  const { store } = await openStore(config.db, { sqlite: sqliteTuning(config) });
  const s = store as SqliteStore;
  try {
    assert.equal(syncOf(s.db), 3);
    s.db.transaction(() => s.records.writer.append(mt('m1')))();
    assert.equal(syncOf(s.records.writer.on('2026-11').db), 3);
    assert.deepEqual(s.records.archive.linkOptions, { threads: 3, native: false });
  } finally {
    await s.close();
  }
});

test('the store reads no environment: a variable set in the process changes nothing it was not given', async () => {
  const before = process.env.SMSGUARD_SQLITE_SYNC;
  process.env.SMSGUARD_SQLITE_SYNC = 'OFF';
  const s = new SqliteStore(join(dir, 'default.db'));
  try {
    assert.equal(syncOf(s.db), 1, 'NORMAL, the default, not the variable');
    s.db.transaction(() => s.records.writer.append(mt('m1')))();
    assert.equal(syncOf(s.records.writer.on('2026-11').db), 1);
  } finally {
    if (before === undefined) delete process.env.SMSGUARD_SQLITE_SYNC;
    else process.env.SMSGUARD_SQLITE_SYNC = before;
    await s.close();
  }
  // a level given in code is checked too: a PRAGMA takes no bound parameter
  assert.throws(() => new SqliteStore(join(dir, 'bad.db'), { sync: 'NORMAL; DROP TABLE x' as 'NORMAL' }), /synchronous level .* is not one of OFF, NORMAL, FULL, EXTRA/);
});

test('README lists every environment-only setting, the tuning ones marked as such', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const missing = Object.keys(ENV_ONLY_SETTINGS).filter((k) => !readme.includes(`\`${envName(k)}\``));
  assert.deepEqual(missing, [], 'README does not name these variables');
  assert.match(readme, /Tuning and benchmark settings, also\s+environment only/);
});

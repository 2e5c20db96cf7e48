/**
 * How the `smsguard` command fails (src/cli/error-output.ts): the commands that inspect or maintain an
 * existing database refuse a --db that is not there instead of creating it (a tamper check must not
 * report a new, empty database as intact); a bad flag value is one line on stderr, no stack; an HTTP
 * port already taken is reported as configuration, as the SMPP one is, and the failed start closes its
 * store and gives its gateway lock back before it exits.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { App } from '../../src/app/app.js';
import { SystemClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { RecordsSigner } from '../../src/app/records-signing.js';
import { configureRecords } from '../../src/app/records-service.js';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../helpers/pg.js';
import type { AuditAction } from '../../src/domain/audit-actions.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_cli_errors_test_token_00000000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_RECORDS_TRUSTED_KEYS: '' };

let dir: string;
let db: string;

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: ENV, cwd: dir, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** One line on stderr and not a single stack frame. */
function assertOneLine(err: string, message: RegExp): void {
  assert.doesNotMatch(err, /\n\s+at /, `a stack trace:\n${err}`);
  assert.equal(err.trimEnd().split('\n').length, 1, `more than one line:\n${err}`);
  assert.match(err.trimEnd(), message);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-cli-errors-'));
  db = join(dir, 'g.db');
  const s = new SqliteStore(db);
  s.db.prepare("INSERT INTO content_providers (id, name, credit_code, status, created_at) VALUES ('cp_1', '示例', '91350100M000100Y43', 'active', 0)").run();
  await s.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('every command that reads or writes an existing database (all but start and migrate) refuses a path that is not there, and creates nothing', () => {
  const typo = join(dir, 'missing', 'typo.db');
  const commands: string[][] = [
    ['records', 'verify'],
    ['records', 'verify', '--month', '2026-11'],
    ['records', 'heads'],
    ['records', 'purge', '--dry-run'],
    ['records', 'rotate-key'],
    ['inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-12-01', '--out', join(dir, 'missing', 'export')],
    ['inspect', 'report', '--year', '2026', '--content-provider', 'cp_1', '--out', join(dir, 'missing', 'report.html')],
    ['backup', '--to', join(dir, 'missing', 'copy')],
    // a token in a database no gateway reads is no use to anyone
    ['token', 'create', '--role', 'admin'],
    ['token', 'create', '--role', 'regulator', '--province', '35'],
  ];
  for (const c of commands) {
    const r = cli(...c, '--db', typo);
    assert.equal(r.code, 1, `${c.join(' ')}: ${r.out}${r.err}`);
    assert.equal(r.out, '', c.join(' '));
    assertOneLine(r.err, /^smsguard: no database at .*missing\/typo\.db$/);
    assert.equal(existsSync(join(dir, 'missing')), false, `${c.join(' ')} created ${readdirSync(dir).join(', ')}`);
  }
  assert.equal(existsSync(join(dir, 'records-signing.key')), false, 'no signing key generated for the missing database');
});

test('verify of a database with no records says so, and exits 0', () => {
  const all = cli('records', 'verify', '--db', db);
  assert.equal(all.code, 0, all.err);
  assert.equal(all.out, 'verified 0 records in 0 months: the database holds no records yet\n');
  const month = cli('records', 'verify', '--month', '2026-11', '--db', db);
  assert.equal(month.code, 0, month.err);
  assert.equal(month.out, 'verified 0 records: no records for 2026-11\n');
});

test('a bad flag value is one line naming the flag, exit 1, no stack', () => {
  const cases: [string[], RegExp][] = [
    [['records', 'verify', '--month', '2026-13'], /^smsguard: --month: not a month \(YYYY-MM\): 2026-13$/],
    [['inspect', 'report', '--year', '20x6', '--content-provider', 'cp_1'], /^smsguard: --year: not a year \(YYYY\): 20x6$/],
    // four digits but outside the years a report covers: it read `year: …`, the only message without its flag's `--`
    [['inspect', 'report', '--year', '1999', '--content-provider', 'cp_1'], /^smsguard: --year: a year from 2000 to 2200: 1999$/],
    [['inspect', 'report', '--year', '2201', '--content-provider', 'cp_1'], /^smsguard: --year: a year from 2000 to 2200: 2201$/],
    [['inspect', 'export', '--content-provider', 'cp_1', '--from', 'garbage', '--to', '2026-12-01'], /^smsguard: --from: not a date .*: garbage$/],
    // a day the month lacks was rolled over (30 February exported from 2 March), a time without offset read in the machine's zone
    [['inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-02-30', '--to', '2026-12-01'], /^smsguard: --from: not a date .*: 2026-02-30$/],
    [['inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-11-31T00:00:00+08:00'], /^smsguard: --to: not a date .*: 2026-11-31T00:00:00\+08:00$/],
    [['inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01T00:00:00', '--to', '2026-12-01'], /^smsguard: --from: not a date .*: 2026-11-01T00:00:00$/],
    [['token', 'create', '--role', 'regulator', '--from', '2026-02-29'], /^smsguard: from: not a date .*$/],
    [['inspect', 'report', '--year', '2026', '--content-provider', 'cp_nope'], /^smsguard: no content provider cp_nope/],
    [['token', 'create', '--role', 'regulator', '--province', '99'], /^smsguard: province: not a GB\/T 2260 province code or name: 99$/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args, '--db', db);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.equal(r.out, '', args.join(' '));
    assertOneLine(r.err, message);
  }
  assert.equal(existsSync(join(dir, 'inspection')), false, 'nothing written for a refused command');
});

test('a --db-schema name smsguard cannot use is one line naming the flag and what a valid name is, before any connection', () => {
  const valid = /\(a valid name is 1–63 lower-case letters, digits and _, starting with a letter or _, not starting with pg_ and not an SQL reserved word\)$/;
  // Bad-Name fails the pattern; pg_x and select pass it but PostgreSQL refuses them in CREATE SCHEMA
  // (before: a stack trace from migrate and start, halfway through opening the store)
  for (const name of ['Bad-Name', 'pg_x', 'select', 'user', 'a'.repeat(64)]) {
    for (const args of [['migrate'], ['records', 'verify'], ['token', 'create', '--role', 'admin'], ['start', '--http-port', '0', '--smpp-port', '0']]) {
      const r = cli(...args, '--db', TEST_PG_URL, '--db-schema', name);
      assert.equal(r.code, 1, `${args.join(' ')} ${name}: ${r.out}${r.err}`);
      assert.equal(r.out, '', args.join(' '));
      assertOneLine(r.err, new RegExp(`^smsguard: --db-schema: not a schema name smsguard can use: "${name}" `));
      assert.match(r.err.trimEnd(), valid);
    }
  }
  // the same rule for the environment variable, reported with the other configuration problems
  const env = spawnSync(process.execPath, [BIN, 'migrate', '--db', TEST_PG_URL], { encoding: 'utf8', env: { ...ENV, SMSGUARD_DB_SCHEMA: 'select' }, cwd: dir, timeout: 60_000 });
  assert.equal(env.status, 1);
  assert.doesNotMatch(env.stderr, /\n\s+at /);
  assert.match(env.stderr, /^invalid configuration:\n {2}dbSchema \(SMSGUARD_DB_SCHEMA\): not a schema name smsguard can use \(a valid name is/);
});

test('start on an HTTP port already in use: reported as configuration, store closed and lock released before exit', async () => {
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  const gw = join(dir, 'clash.db');
  try {
    const r = cli('start', '--db', gw, '--http-port', String(port), '--smpp-port', '0');
    assert.equal(r.code, 1, r.out + r.err);
    assert.doesNotMatch(r.out, /smsguard is running/);
    assert.doesNotMatch(r.err, /\n\s+at /, `a stack trace:\n${r.err}`);
    // named as the operator gave them (config's settingLabel): it said `http-host / http-port`, neither flag nor variable
    assert.equal(r.err, `invalid configuration:\n  httpHost (default 127.0.0.1) / httpPort (--http-port): 127.0.0.1:${port}: address in use (EADDRINUSE)\n`);
    // start, unlike the commands above, creates its database (a first start). Closed, not abandoned:
    // the store checkpointed its WAL away (no -wal/-shm), the lock's transaction was rolled back (no journal).
    const left = readdirSync(dir).filter((f) => f.startsWith('clash.db'));
    assert.deepEqual(left.sort(), ['clash.db', 'clash.db-gateway-lock']);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

test('start on an SMPP port already in use: said as for the HTTP port, naming the SMPP server, not the upstream', async () => {
  // Before: `upstream / smpp-port: listen EADDRINUSE: address already in use 127.0.0.1:N`, which sent
  // the reader to the upstream links while the port taken was the one content providers bind to.
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const r = cli('start', '--db', join(dir, 'smpp-clash.db'), '--http-port', '0', '--smpp-port', String(port));
    assert.equal(r.code, 1, r.out + r.err);
    assert.doesNotMatch(r.out, /smsguard is running/);
    assert.equal(r.err, `invalid configuration:\n  smppHost (default 127.0.0.1) / smppPort (--smpp-port): 127.0.0.1:${port}: address in use (EADDRINUSE)\n`);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

test('a bad --upstream URL is one configuration line naming the setting once', () => {
  // Before: `upstream / smpp-port: upstream: window=abc is not a non-negative number`.
  const r = cli('start', '--db', join(dir, 'upstream-url.db'), '--http-port', '0', '--smpp-port', '0', '--upstream', 'smpp://u:p@127.0.0.1:1?window=abc');
  assert.equal(r.code, 1, r.out + r.err);
  assert.equal(r.err, 'invalid configuration:\n  upstream (--upstream): window=abc is not a decimal number: window takes 1-10000 (an integer)\n');
});

test('an --upstream URL and a port taken are named as the operator gave them: the variable, the flag', async () => {
  // Before: `upstream: …` and `http-host / http-port: …` whether the value came from a flag or a variable.
  const env = spawnSync(process.execPath, [BIN, 'start', '--db', join(dir, 'upstream-env.db'), '--http-port', '0', '--smpp-port', '0'],
    { encoding: 'utf8', env: { ...ENV, SMSGUARD_UPSTREAM: 'smpp://u:p@127.0.0.1:1?bind=rx' }, cwd: dir, timeout: 60_000 });
  assert.equal(env.status, 1, env.stdout + env.stderr);
  assert.match(env.stderr, /^invalid configuration:\n {2}upstream \(SMSGUARD_UPSTREAM\): bind=rx is not one of trx, tx\+rx /);
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const r = spawnSync(process.execPath, [BIN, 'start', '--db', join(dir, 'http-env.db'), '--http-host', '127.0.0.1', '--smpp-port', '0'],
      { encoding: 'utf8', env: { ...ENV, SMSGUARD_HTTP_PORT: String(port) }, cwd: dir, timeout: 60_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.equal(r.stderr, `invalid configuration:\n  httpHost (--http-host) / httpPort (SMSGUARD_HTTP_PORT): 127.0.0.1:${port}: address in use (EADDRINUSE)\n`);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

test('a PostgreSQL database that is not there, or a server not reachable, is one line saying what to do, for migrate, start and the other commands', async () => {
  // Before: README's `smsguard migrate --db postgres://…/smsguard` on a fresh server printed pg's
  // `error: database "smsguard" does not exist` with a stack trace; migrate creates tables, not databases.
  const missing = new URL(TEST_PG_URL);
  const name = `sg_missing_${process.pid}`;
  missing.pathname = `/${name}`;
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as { port: number }).port;
  await new Promise((r) => free.close(r));
  const unreachable = `postgres://postgres@127.0.0.1:${port}/smsguard`;
  for (const args of [['migrate'], ['start', '--http-port', '0', '--smpp-port', '0'], ['token', 'create', '--role', 'admin'], ['records', 'verify', '--db-schema', 'nu']]) {
    const r = cli(...args, '--db', missing.toString());
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assertOneLine(r.err, new RegExp(`^smsguard: no database ${name} in postgres://.*: create it first \\(createdb ${name}, or CREATE DATABASE ${name}\\), then smsguard migrate creates its tables$`));
    const u = cli(...args, '--db', unreachable);
    assert.equal(u.code, 1, `${args.join(' ')}: ${u.out}${u.err}`);
    assertOneLine(u.err, new RegExp(`^smsguard: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): is it running, and is --db right\\?$`));
  }
});

test('records commands run away from the gateway\'s key refuse in one line naming the key the heads were signed with, and generate none', async () => {
  // Before: the command generated a new default key (for PostgreSQL in ./var of whatever directory
  // it ran in) and `records verify` reported every head the gateway had signed as signature_invalid,
  // exit 2: a tamper alarm over intact records.
  const sub = join(dir, 'elsewhere');
  const path = join(sub, 'signed.db');
  mkdirSync(sub);
  const s = new SqliteStore(path);
  const app = new App({ store: s, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
  const { signer, pem } = RecordsSigner.generate();
  await s.records.appendAudit(Date.now(), 'test', 'probe' as AuditAction, {});
  await configureRecords(app.ctx, signer).publishHeads();
  await s.close();
  for (const args of [['records', 'verify'], ['records', 'heads'], ['inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-01-01', '--to', '2027-01-01', '--out', join(sub, 'out')]]) {
    const r = cli(...args, '--db', path);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.equal(r.err, `invalid configuration:\n  records keys (SMSGUARD_RECORDS_SIGNING_KEY): no signing key at ${join(sub, 'records-signing.key')}, and the heads in this database were signed with key ${signer.keyId}: run the command where the gateway keeps its key (beside the database), or give it with SMSGUARD_RECORDS_SIGNING_KEY=file:PATH\n`);
    assert.equal(existsSync(join(sub, 'records-signing.key')), false, 'no key generated');
  }
  // given the key, verify passes
  writeFileSync(join(sub, 'gw.key'), pem);
  const ok = spawnSync(process.execPath, [BIN, 'records', 'verify', '--db', path], { encoding: 'utf8', env: { ...ENV, SMSGUARD_RECORDS_SIGNING_KEY: `file:${join(sub, 'gw.key')}` }, cwd: dir, timeout: 60_000 });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});

test('start takes --queue-prefix, as the README has an operator give token revoke the bus start was given: a bad one is a configuration line naming it', () => {
  // It was "error: unknown option '--queue-prefix'": start read the prefix from SMSGUARD_QUEUE_PREFIX only.
  const r = cli('start', '--queue-prefix', 'bad prefix', '--db', join(dir, 'never.db'));
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /^invalid configuration:\n\s+queuePrefix \(--queue-prefix\): /);
  assert.doesNotMatch(r.err, /\n\s+at /);
  assert.match(cli('start', '--help').out, /--queue-prefix <prefix>/);
});

test('commander\'s own refusals (an unknown flag or command, a missing required flag, a value not among the choices) are one "smsguard: …" line too, exit 1', () => {
  // They began "error: …", unlike every other mistake the README says is "smsguard: …".
  const cases: [string[], RegExp][] = [
    [['start', '--bogus'], /^smsguard: unknown option '--bogus'$/],
    [['token', 'create'], /^smsguard: required option '--role <role>' not specified$/],
    [['records', 'verify', '--profile', 'cn-2099'], /^smsguard: option '--profile <id>' argument 'cn-2099' is invalid/],
    [['bogus'], /^smsguard: unknown command 'bogus'$/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assertOneLine(r.err, message);
  }
});

test('inspect export refuses a folder that already holds an export: the earlier package stays as it was', () => {
  // Before: a second export into the same --out replaced manifest.json and left the first records
  // file beside the new one, which the new manifest does not describe.
  const out = join(dir, 'package');
  const range = ['--content-provider', 'cp_1', '--from', '2026-01-01', '--to', '2027-01-01', '--db', db];
  const first = cli('inspect', 'export', ...range, '--out', out);
  assert.equal(first.code, 0, first.err);
  const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
  for (const format of ['csv', 'jsonl']) {
    const again = cli('inspect', 'export', ...range, '--out', out, '--format', format, '--from', '2026-06-01');
    assert.equal(again.code, 1, again.out + again.err);
    assert.equal(again.out, '');
    assertOneLine(again.err, /^smsguard: --out: .*package already holds an export \(manifest\.json, records\.jsonl\): give a new or empty folder; an export never replaces another$/);
  }
  assert.equal(readFileSync(join(out, 'manifest.json'), 'utf8'), manifest, 'the earlier manifest is untouched');
  assert.deepEqual(readdirSync(out).sort(), ['manifest.json', 'records.jsonl']);
  // a folder holding other files only is fine
  const other = join(dir, 'package-2');
  mkdirSync(other);
  writeFileSync(join(other, 'README.txt'), 'for the inspector');
  const fresh = cli('inspect', 'export', ...range, '--out', other, '--format', 'csv');
  assert.equal(fresh.code, 0, fresh.err);
  assert.deepEqual(readdirSync(other).sort(), ['README.txt', 'manifest.json', 'records.csv']);
});

test('inspect report refuses an --out (or the --pdf beside it) that already exists: the earlier report stays as it was', () => {
  // Before: a second run replaced the file handed to an inspector, unlike `inspect export --out` and `backup --to`.
  const report = ['--year', '2026', '--content-provider', 'cp_1', '--db', db];
  const out = join(dir, 'reports', 'annual.html');
  const first = cli('inspect', 'report', ...report, '--out', out);
  assert.equal(first.code, 0, first.err);
  // Its summary says what the figure counts: before 2026-12-08 `N messages`, the accepted ones only, read as every submission.
  assert.match(first.out, /^annual report 2026 for .*: \d+ messages accepted, \d+ rejected, \d+ complaints, \d+ records scanned\n/);
  writeFileSync(out, 'the report the inspector has\n');
  const again = cli('inspect', 'report', ...report, '--out', out, '--lang', 'en');
  assert.equal(again.code, 1, again.out + again.err);
  assert.equal(again.out, '');
  assertOneLine(again.err, /^smsguard: --out: .*annual\.html already exists: give a new file name \(--out\); a report never replaces another$/);
  assert.equal(readFileSync(out, 'utf8'), 'the report the inspector has\n', 'the earlier report is untouched');
  // the default path too
  const byDefault = cli('inspect', 'report', ...report);
  assert.equal(byDefault.code, 0, byDefault.err);
  const twice = cli('inspect', 'report', ...report);
  assert.equal(twice.code, 1, twice.out + twice.err);
  assertOneLine(twice.err, /^smsguard: --out: .*inspection\/annual-report-cp_1-2026\.html already exists/);
  // a PDF already beside a new HTML name: refused before anything is written (chromium or not)
  const pdfOut = join(dir, 'reports', 'with-pdf.html');
  writeFileSync(join(dir, 'reports', 'with-pdf.pdf'), 'an earlier PDF\n');
  const pdf = cli('inspect', 'report', ...report, '--out', pdfOut, '--pdf');
  assert.equal(pdf.code, 1, pdf.out + pdf.err);
  assertOneLine(pdf.err, /^smsguard: --pdf: .*with-pdf\.pdf already exists/);
  assert.equal(existsSync(pdfOut), false, 'no HTML written either');
});

test('a --db or --out the file system refuses (a folder, a file in the way, a file that is not a database) is one "smsguard:" line, exit 1', () => {
  const file = join(dir, 'plain.txt');
  writeFileSync(file, 'not a database\n');
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  const report = ['--year', '2026', '--content-provider', 'cp_1', '--db', db];
  const exportArgs = ['--content-provider', 'cp_1', '--from', '2026-01-01', '--to', '2027-01-01', '--db', db];
  const cases: [string[], RegExp][] = [
    [['migrate', '--db', join(file, 'x.db')], /^smsguard: cannot mkdir .*plain\.txt: a file is in the way where a folder is needed \(EEXIST\)$/],
    [['start', '--http-port', '0', '--smpp-port', '0', '--db', join(file, 'x.db')], /^smsguard: cannot mkdir .*plain\.txt: a file is in the way where a folder is needed \(EEXIST\)$/],
    [['migrate', '--db', folder], /^smsguard: cannot open the SQLite database at .*a-folder: it is a folder; give a file path/],
    [['records', 'verify', '--db', file], /^smsguard: .*plain\.txt is not a SQLite database: is --db right\?$/],
    [['start', '--http-port', '0', '--smpp-port', '0', '--db', file], /^smsguard: .*plain\.txt is not a SQLite database: is --db right\?$/],
    [['inspect', 'report', ...report, '--out', join(file, 'r.html')], /^smsguard: cannot mkdir .*plain\.txt: a file is in the way where a folder is needed \(EEXIST\)$/],
    [['inspect', 'export', ...exportArgs, '--out', file], /^smsguard: cannot mkdir .*plain\.txt: a file is in the way where a folder is needed \(EEXIST\)$/],
  ];
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assertOneLine(r.err, message);
  }
  assert.equal(readFileSync(file, 'utf8'), 'not a database\n', 'the file is left as it was');
});

test('a database a newer smsguard migrated is refused in one line by every command, and left closed', async () => {
  // Before: opened and written as if it were this version's (a downgrade went unnoticed).
  const newer = join(dir, 'newer.db');
  const s = new SqliteStore(newer);
  s.db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES ('999_from_the_future', 0)").run();
  await s.close();
  for (const args of [['migrate'], ['records', 'verify'], ['token', 'create', '--role', 'admin'], ['start', '--http-port', '0', '--smpp-port', '0']]) {
    const r = cli(...args, '--db', newer);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.doesNotMatch(r.out, /smsguard is running|migrations applied/);
    assertOneLine(r.err, /^smsguard: .*newer\.db: this database was migrated by a newer smsguard \(migration 999_from_the_future unknown to this one\): run that version, or upgrade this one$/);
    assert.deepEqual(readdirSync(dir).filter((f) => /^newer\.db-(wal|shm)$/.test(f)), [], `${args.join(' ')}: the database was left open`);
  }
});

test('a --db with a mistyped PostgreSQL URL or another scheme is a configuration line, and no folder named after it is made', () => {
  // Before: `migrate --db postgres//…` created ./postgres/…/test as a new SQLite database.
  for (const url of ['postgres//u:secret@127.0.0.1:5432/test', 'postgresql:/u:secret@127.0.0.1/test', 'mysql://u:secret@127.0.0.1/test']) {
    for (const args of [['migrate'], ['start', '--http-port', '0', '--smpp-port', '0'], ['records', 'verify']]) {
      const r = cli(...args, '--db', url);
      assert.equal(r.code, 1, `${args.join(' ')} ${url}: ${r.out}${r.err}`);
      assert.match(r.err, /^invalid configuration:\n {2}db \(--db\): .*: (not a PostgreSQL URL \(postgres:\/\/user@host:port\/database\); a SQLite file is a path|not a database smsguard opens: a SQLite file path, or postgres:\/\/…)\n$/);
      assert.doesNotMatch(r.err, /secret/, 'no password printed');
    }
  }
  assert.equal(existsSync(join(dir, 'postgres')) || existsSync(join(dir, 'postgresql:')) || existsSync(join(dir, 'mysql:')), false);
});

test('start takes --smpp-host (docs/SMPP.md has the TLS port listen on it): an address not on this host is said as for --http-host', () => {
  // Before: "unknown option '--smpp-host'"; only SMSGUARD_SMPP_HOST set it.
  const r = cli('start', '--db', join(dir, 'smpp-host.db'), '--http-port', '0', '--smpp-port', '0', '--smpp-host', '192.0.2.1');
  assert.equal(r.code, 1, r.out + r.err);
  assert.equal(r.err, 'invalid configuration:\n  smppHost (--smpp-host) / smppPort (--smpp-port): 192.0.2.1:0: address not available on this host (EADDRNOTAVAIL)\n');
});

test('start with an --mnp-file that cannot be read says "invalid configuration:" once', () => {
  const r = cli('start', '--db', join(dir, 'mnp.db'), '--http-port', '0', '--smpp-port', '0', '--mnp-file', join(dir, 'no-such.csv'));
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /^invalid configuration:\n {2}mnpFile \(--mnp-file\): cannot read .*no-such\.csv: ENOENT[^\n]*\n$/);
});

test('the simulator on a port already in use: one configuration line naming the flag, no stack', async () => {
  const taken: Server = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const smpp = cli('simulator', '--smpp-port', String(port));
    assert.equal(smpp.code, 1, smpp.out + smpp.err);
    assert.equal(smpp.err, `invalid configuration:\n  --smpp-host / --smpp-port: 127.0.0.1:${port}: address in use (EADDRINUSE)\n`);
    const http = cli('simulator', '--smpp-port', '0', '--http-port', String(port));
    assert.equal(http.code, 1, http.out + http.err);
    assert.equal(http.err, `invalid configuration:\n  --smpp-host / --http-port: 127.0.0.1:${port}: address in use (EADDRINUSE)\n`);
  } finally {
    await new Promise((r) => taken.close(r));
  }
});

test('start with a --queue no NATS answers at is one "smsguard:" line saying what to do', async () => {
  // Before: a stack trace under a two-line message.
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as { port: number }).port;
  await new Promise((r) => free.close(r));
  const schema = testSchemaName();
  try {
    const r = cli('start', '--db', TEST_PG_URL, '--db-schema', schema, '--http-port', '0', '--smpp-port', '0', '--queue', `nats://127.0.0.1:${port}`, '--queue-prefix', `cli_errors_${process.pid}`);
    assert.equal(r.code, 1, r.out + r.err);
    assertOneLine(r.err, new RegExp(`^smsguard: cannot reach NATS at nats://127\\.0\\.0\\.1:${port} \\(--queue\\): .*; is it running, and is --queue right\\? Start NATS with JetStream`));
  } finally {
    await dropSchema(schema);
  }
});

test('start refuses a SMSGUARD_ADMIN_TOKEN no Authorization header can carry, in one configuration line that never repeats it (a short one is warned of: adminTokenWeakness)', () => {
  // Before: `my admin secret` (or a Chinese one) started
  // the gateway ("admin token from SMSGUARD_ADMIN_TOKEN") and then answered every request with it 401.
  const run = (token: string, name: string) => {
    const r = spawnSync(process.execPath, [BIN, 'start', '--db', join(dir, `${name}.db`), '--http-port', '0', '--smpp-port', '0'], { encoding: 'utf8', env: { ...ENV, SMSGUARD_ADMIN_TOKEN: token }, cwd: dir, timeout: 60_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /smsguard is running/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace:\n${r.stderr}`);
    assert.ok(!r.stderr.includes(token), `the token repeated: ${r.stderr}`);
    // refused before anything opened: no database made
    assert.equal(existsSync(join(dir, `${name}.db`)), false);
    return r.stderr;
  };
  assert.match(run('my admin secret 2026', 'spaced-token'), /^invalid configuration:\n {2}SMSGUARD_ADMIN_TOKEN: character 3 is a space, a control character or not ASCII; .*Authorization: Bearer <token>/);
  assert.match(run('管理员的令牌管理员的令牌管理员的令牌', 'chinese-token'), /SMSGUARD_ADMIN_TOKEN: character 1 is a space/);
});

test('start and migrate on a --db this user may not write (a read-only folder, a read-only file) are one "smsguard:" line naming it, exit 1, no stack; verify still reads the file', { skip: process.platform === 'win32' }, () => {
  // Permissions do not hold for root: as root, the command runs as nobody (65534), in a folder nobody can read.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? 65534 : process.getuid!();
  const home = mkdtempSync(join(tmpdir(), 'smsguard-cli-perm-'));
  chmodSync(home, 0o755);
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8', cwd: home, timeout: 60_000,
      // a bundle would be written where this user may not write: sources through tsx
      env: { ...ENV, SMSGUARD_BUNDLE: 'off', HOME: home },
      ...(asRoot ? { uid: owner, gid: owner } : {}),
    });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  try {
    // a folder it may not write: the gateway lock, the first file start writes there, said so (was a stack: SqliteError: unable to open database file)
    const ro = join(home, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const a = run('start', '--http-port', '0', '--smpp-port', '0', '--db', join(ro, 'g.db'));
    assert.equal(a.code, 1, a.out + a.err);
    assertOneLine(a.err, /^smsguard: cannot write the folder .*\/ro \(SQLITE_CANTOPEN\): .*give --db a path in a folder this user may write/);
    const m = run('migrate', '--db', join(ro, 'g.db'));
    assert.equal(m.code, 1, m.out + m.err);
    assertOneLine(m.err, /^smsguard: cannot open the SQLite database at .*\/ro\/g\.db: check that its folder exists and may be written$/);
    // a database file it may only read (its folder writable): SQLite opened it read-only without a word,
    // and the first write failed with a stack (SqliteError: attempt to write a readonly database)
    const rw = join(home, 'rw');
    mkdirSync(rw);
    if (asRoot) chownSync(rw, owner, owner);
    const made = run('migrate', '--db', join(rw, 'g.db'));
    assert.equal(made.code, 0, made.err);
    chmodSync(join(rw, 'g.db'), 0o444);
    for (const args of [['start', '--http-port', '0', '--smpp-port', '0'], ['migrate']]) {
      const r = run(...args, '--db', join(rw, 'g.db'));
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.doesNotMatch(r.out, /smsguard is running/);
      assertOneLine(r.err, /^smsguard: cannot write the SQLite database at .*\/rw\/g\.db \(EACCES\): .*write permission/);
    }
    // reading it is fine: a read-only copy may be verified
    const v = run('records', 'verify', '--db', join(rw, 'g.db'));
    assert.equal(v.code, 0, v.err);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

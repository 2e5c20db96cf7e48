/**
 * `--clock simulated` across a restart: the time the clock was last moved to is kept in the store
 * and `start` resumes there (saying so in its banner), so messages queued and deadlines dated at a
 * later simulated time do not wait, after a restart, for someone to move the clock past them again
 * (before: every start began at system time). A restart never moves simulated time; an explicit
 * move, backwards too, is what the next start resumes from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait.js';
import { stopProcess } from '../helpers/process.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { SIMULATED_TIME_SETTING, savedSimulatedTime, simulatedTimeMover } from '../../src/app/simulated-time.js';
import type { SettingsStore } from '../../src/ports/store.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../helpers/pg.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_simulated_clock_restart_token_00001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_UPSTREAM: '', SMSGUARD_CLOCK: '' };

async function start(db: string, more: string[] = []): Promise<{ p: ChildProcess; base: string; out: () => string }> {
  const p = spawn(process.execPath, [BIN, 'start', '--db', db, ...more, '--http-port', '0', '--smpp-port', '0', '--clock', 'simulated', '--log-level', 'warn'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const base = await waitFor(() => /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 60_000, 'the start-up banner').catch((e: Error) => {
    p.kill('SIGKILL');
    throw new Error(`${e.message}; the process said: ${out.slice(0, 2000)}`);
  });
  return { p, base, out: () => out };
}

const clockOf = async (base: string) => ((await (await fetch(`${base}/v1/simulator/clock`)).json()) as { now: string }).now;
async function move(base: string, body: object): Promise<string> {
  const r = await fetch(`${base}/v1/simulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { now: string }).now;
}

test('start, move the simulated clock, stop, start again: the clock resumes where it was moved', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-simclock-'));
  const db = join(dir, 'smsguard.db');
  let g: Awaited<ReturnType<typeof start>> | undefined;
  try {
    g = await start(db);
    const firstBanner = g.out();
    assert.ok(Math.abs(Date.parse(await clockOf(g.base)) - Date.now()) < 120_000, 'never moved: system time');
    const ahead = new Date(Date.now() + 400 * 86_400_000);
    ahead.setUTCHours(2, 0, 0, 0);
    assert.equal(await move(g.base, { set: ahead.toISOString() }), ahead.toISOString());
    await stopProcess(g.p);

    g = await start(db);
    assert.equal(await clockOf(g.base), ahead.toISOString(), 'resumed at the time set, not put back to system time');
    assert.match(firstBanner, /clock\s+simulated from \S+ \(system time: never moved before\)/);
    assert.match(g.out(), new RegExp(`clock\\s+simulated from ${ahead.toISOString().replace(/\./g, '\\.')} \\(resumed where it was last moved\\)`));
    const advanced = await move(g.base, { advanceSeconds: 61 });
    assert.equal(advanced, new Date(ahead.getTime() + 61_000).toISOString());
    await stopProcess(g.p);

    g = await start(db);
    assert.equal(await clockOf(g.base), advanced, 'an advance is kept too');
    // set explicitly into the past: the next start resumes there (only a restart never moves it)
    assert.equal(await move(g.base, { set: '2026-01-05T01:00:00Z' }), '2026-01-05T01:00:00.000Z');
    await stopProcess(g.p);

    g = await start(db);
    assert.equal(await clockOf(g.base), '2026-01-05T01:00:00.000Z');
  } finally {
    if (g) await stopProcess(g.p);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on PostgreSQL too: the time set is where the next start resumes', { timeout: 180_000 }, async () => {
  const schema = testSchemaName();
  let g: Awaited<ReturnType<typeof start>> | undefined;
  try {
    g = await start(TEST_PG_URL, ['--db-schema', schema]);
    assert.equal(await move(g.base, { set: '2027-03-01T02:00:00Z' }), '2027-03-01T02:00:00.000Z');
    await stopProcess(g.p);
    g = await start(TEST_PG_URL, ['--db-schema', schema]);
    assert.equal(await clockOf(g.base), '2027-03-01T02:00:00.000Z');
    assert.match(g.out(), /clock\s+simulated from 2027-03-01T02:00:00\.000Z \(resumed where it was last moved\)/);
  } finally {
    if (g) await stopProcess(g.p);
    await dropSchema(schema);
  }
});

test('savedSimulatedTime: an unset or edited value is no saved time; overlapping moves leave the latest time; a failed save leaves the clock', async () => {
  const store = new SqliteStore(':memory:');
  try {
    assert.equal(await savedSimulatedTime(store.settings), null);
    for (const bad of ['', 'soon', '-5', '1e12', String(Date.UTC(2200, 0, 1)), '12.5']) {
      await store.settings.putSetting(SIMULATED_TIME_SETTING, bad);
      assert.equal(await savedSimulatedTime(store.settings), null, bad);
    }
    // a store whose first write is slow still ends with the latest move, in memory and saved
    const clock = new SimulatedClock(Date.UTC(2027, 0, 1));
    const slowFirst: SettingsStore = { getSetting: (k) => store.settings.getSetting(k), putSetting: (k, v) => new Promise<void>((r) => setTimeout(() => void store.settings.putSetting(k, v).then(r), v === String(Date.UTC(2027, 0, 2)) ? 50 : 0)) };
    const move = simulatedTimeMover(slowFirst, clock);
    const first = move(() => Date.UTC(2027, 0, 2));
    await new Promise((r) => setImmediate(r)); // the first save is under way, storing day 2 slowly
    const second = move((now) => now + 86_400_000);
    assert.deepEqual(await Promise.all([first, second]), [Date.UTC(2027, 0, 2), Date.UTC(2027, 0, 3)], 'the second advance counts from the first');
    assert.equal(clock.now(), Date.UTC(2027, 0, 3));
    assert.equal(await savedSimulatedTime(store.settings), Date.UTC(2027, 0, 3));
    // a failed save is reported to its caller, leaves the clock where it was, and does not stop the next move
    let fail = true;
    const flaky = simulatedTimeMover({ getSetting: (k) => store.settings.getSetting(k), putSetting: async (k, v) => { if (fail) throw new Error('disk full'); await store.settings.putSetting(k, v); } }, clock);
    await assert.rejects(flaky(() => Date.UTC(2027, 0, 9)), /disk full/);
    assert.equal(clock.now(), Date.UTC(2027, 0, 3), 'not moved in memory when not saved');
    assert.equal(await savedSimulatedTime(store.settings), Date.UTC(2027, 0, 3));
    // a target that throws (a refused move) saves nothing and moves nothing
    await assert.rejects(flaky(() => { throw new RangeError('no'); }), /no/);
    await assert.rejects(flaky(() => Date.UTC(2200, 0, 1)), RangeError);
    await assert.rejects(flaky(() => Date.UTC(2027, 0, 5) + 0.5), RangeError);
    fail = false;
    assert.equal(await flaky(() => Date.UTC(2027, 0, 4)), Date.UTC(2027, 0, 4));
    assert.equal(clock.now(), Date.UTC(2027, 0, 4));
    assert.equal(await savedSimulatedTime(store.settings), Date.UTC(2027, 0, 4));
  } finally {
    await store.close();
  }
});

/**
 * SIGTERM or SIGINT while `smsguard start` is still loading (src/runtime/start-signals.ts): the step in
 * progress (here the first start's migrations) finishes, the start stops, closes what had opened
 * and exits with the signal's code, saying so in one line on stderr (no stack, no banner); the
 * gateway lock is given back and the next start on the same database runs. Before 2026-12-08 Node's
 * default ended the process on the spot, silently, with a migration possibly cut in the middle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSmsguard, stopProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_start_signal_test_token_00000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

for (const [sig, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${sig} during the first start's load: the start stops in one line, exit ${code}, lock given back; the next start runs`, { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-start-signal-'));
    const db = join(dir, 'g.db');
    try {
      const p = spawn(process.execPath, [BIN, 'start', '--db', db, '--http-port', '0', '--smpp-port', '0', '--log-level', 'warn'], { cwd: dir, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => p.once('exit', (c, s) => r({ code: c, signal: s })));
      // the lock is the first thing start writes; the migrations of a new database follow it
      await waitFor(() => (existsSync(`${db}-gateway-lock`) ? true : undefined), 60_000, 'the gateway lock taken');
      p.kill(sig);
      const end = await exited;
      assert.deepEqual(end, { code, signal: null }, `exited by the signal's default, not the start's own stop:\n${out}${err}`);
      assert.doesNotMatch(out, /smsguard is running/);
      assert.doesNotMatch(err, /\n\s+at /, `a stack trace:\n${err}`);
      assert.match(err, new RegExp(`^smsguard: ${sig} while starting: stopping once the step in progress is done \\(a second signal exits at once\\)\\n`));
      assert.match(err, new RegExp(`\\nsmsguard: stopped by ${sig} while starting: what had opened is closed; start again when ready\\n$`));
      // the lock went back and the migrations finished: the next start on the same database runs
      const again = await spawnSmsguard(['start', '--db', db, '--http-port', '0', '--smpp-port', '0'], { env: ENV, cwd: dir });
      assert.match(again.output(), /smsguard is running/);
      await stopProcess(again.proc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

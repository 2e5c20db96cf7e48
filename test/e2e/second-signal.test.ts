/**
 * A second SIGTERM or SIGINT during a graceful stop ends the process at once: an operator who presses
 * Ctrl-C again, or a supervisor that repeats its signal, is not kept waiting out `--stop-delay-ms` and
 * the drain. It was ignored: the process went on for the whole stop delay (up to 5 minutes).
 * Nothing is lost by it: what is accepted is in the store, and a batch in hand goes after the restart
 * (as after kill -9: docs/SCALING.md).
 *
 * Also: the start-up banner comes once the signals are handled. Printed before, a signal sent on
 * reading it (as here, and as a supervisor may) killed the process outright one time in three on a
 * busy machine, without the graceful stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmsguard } from '../helpers/process.js';

const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_second_signal_test_token_00000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

for (const [first, second] of [['SIGTERM', 'SIGINT'], ['SIGINT', 'SIGINT']] as const) {
  test(`${first} then ${second} during the stop delay: the process exits at once, saying so, with exit code 1`, { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-second-signal-'));
    try {
      const g = await spawnSmsguard(['start', '--db', join(dir, 'g.db'), '--http-port', '0', '--smpp-port', '0', '--stop-delay-ms', '30000'], { env: ENV });
      const exited = new Promise<number | null>((r) => g.proc.once('exit', (code) => r(code)));
      g.proc.kill(first);
      // the first signal is taken: readiness says stopping, everything else still served
      const readyz = () => fetch(`${g.url}/readyz`).then(
        async (r) => (await r.json() as { status: string }).status,
        (e: Error) => assert.fail(`${String(e.cause ?? e)}; the process: exit ${g.proc.exitCode}, signal ${g.proc.signalCode} (killed by the first signal, before its handlers?): ${g.output()}`),
      );
      for (let i = 0; i < 50 && (await readyz()) !== 'stopping'; i++) await new Promise((res) => setTimeout(res, 100));
      assert.equal(await readyz(), 'stopping');
      const t0 = Date.now();
      g.proc.kill(second);
      const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000))]);
      if (code === 'still running') g.proc.kill('SIGKILL');
      assert.equal(code, 1, `exit code after a second signal (${Date.now() - t0} ms)`);
      assert.match(g.output(), new RegExp(`"sig":"${second}".*second signal: stopping now`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

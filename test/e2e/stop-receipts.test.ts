/**
 * A process stop against a carrier SMSC that sends receipts as our unbind arrives (the fake's
 * `receiptsAtUnbind`: each receipt crosses the stop's unbind on the wire). The stop closes the
 * carrier links before the delivery worker stops taking receipts (src/main.ts), so each is recorded
 * once and answered ESME_ROK, and the SMSC keeps none to deliver again after the restart. Before
 * 2026-12-07 the worker stopped first: each was answered ESME_RX_T_APPN, not recorded, and came again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmsguard } from '../helpers/process.js';
import { startTestGateway, onboard } from '../helpers/gateway.js';
import { until } from '../helpers/wait.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { CommandStatus } from '../../src/smpp/pdu/index.js';
import { FakeSmsc } from '../fakes/smpp/fake-smsc.js';

const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_stop_receipts_test_token_00000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

for (const thread of ['on', 'off'] as const) {
  test(`SIGTERM (client thread ${thread}): receipts crossing the stop's unbind are recorded once, answered ESME_ROK, not delivered again`, { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-stop-receipts-'));
    const db = join(dir, 'smsguard.db');
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, receiptsAtUnbind: true });
    await smsc.listen();
    let p: ChildProcess | null = null;
    try {
      const g = await startTestGateway({ db });
      await g.worker.stop();
      const cp = await onboard(g);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1390000000${i}`, text: '【示例】您的账单已出', type: 'notification' } });
        assert.equal(r.statusCode, 202, r.body);
        ids.push((r.json() as { id: string }).id);
      }
      await g.close();

      const gw = await spawnSmsguard(['start', '--db', db, '--http-port', '0', '--smpp-port', '0', '--upstream-thread', thread, '--upstream', `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier`], { env: ENV });
      p = gw.proc;
      // all three submitted and acknowledged; their receipts wait for our unbind
      await until(() => smsc.heldForUnbind === 3, 20_000, 'the three receipts kept for the unbind');
      const exited = new Promise<number | null>((r) => gw.proc.once('exit', (code) => r(code)));
      gw.proc.kill('SIGTERM');
      assert.equal(await exited, 0, gw.output());
      assert.equal(smsc.unbindsReceived, 1, 'the stop unbound the link');
      assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK, CommandStatus.ESME_ROK, CommandStatus.ESME_ROK], 'each answered ESME_ROK, none refused for later');
      assert.equal(smsc.resendReceipts(), 0, 'none kept by the SMSC for the next bind');
      assert.equal(smsc.received.length, 3, 'nothing submitted twice');
      const s = new SqliteStore(db);
      try {
        for (const id of ids) assert.equal((await s.messages.getMessage(id))?.status, 'delivered', `${id} recorded delivered`);
      } finally {
        await s.close();
      }
    } finally {
      if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      await smsc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

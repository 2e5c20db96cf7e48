/**
 * A receipt that names its message in another reading of the SMSC's id still finds it after a
 * restart. The SMSC answers submit_sm with zero-padded upper-case hex ids (`00000A1F`) and reports
 * in decimal (`2591`), the classic correlation trap. The gateway sends a message and stops before its
 * receipt comes; a new one starts on the same database. Its SMPP client never filed that id, so it
 * cannot read the receipt through its in-memory index: it reports it with the id's other spellings
 * (otherSpellings), and the store finds the message under `00000A1F`. Before, after a restart only
 * the id exactly as written matched: the receipt was acknowledged as matching nothing and the
 * message stayed `submitted` for good.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS } from '../../fakes/smpp/upstream-fixture.js';
import { until } from '../../helpers/wait.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { deliveryGateway, onboardProvider } from '../../helpers/restart-gateway.js';

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: after a restart a receipt in decimal finds the message the SMSC filed under padded hex`, { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-receipt-readings-'));
    const db = join(dir, 'gw.db');
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, decimalReceiptIds: true, messageId: (n) => (0xa1e + n).toString(16).toUpperCase().padStart(8, '0'), dlrDelayMs: () => 2_500 });
    await smsc.listen();
    const clock = new SimulatedClock(NOON_SHANGHAI);
    const run = (store: SqliteStore) => deliveryGateway(store, clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=readings&window=5`, { make });
    try {
      const first = run(new SqliteStore(db));
      let id: string;
      try {
        assert.ok(await first.up.waitUp(5000));
        const principal = await onboardProvider(first.app, await validCreditCode());
        const r = await first.app.submitMessage(principal, { from: '10690001', to: '13800138000', text: '【示例】您的快递已到驿站。', type: 'notification' }, 'http');
        assert.ok(r.ok, JSON.stringify(r));
        id = r.id;
        await until(async () => (await first.app.ctx.store.messages.getMessage(id))?.status === 'submitted', 10_000, 'submitted');
        assert.equal(smsc.acked[0]?.messageId, '00000A1F');
        assert.equal(smsc.receiptAnswers.length, 0, 'its receipt not sent yet');
      } finally {
        await first.stop();
      }

      const second = run(new SqliteStore(db));
      try {
        assert.ok(await second.up.waitUp(5000));
        await until(async () => (await second.app.ctx.store.messages.getMessage(id))?.status === 'delivered', 25_000, 'the message delivered');
        await until(() => smsc.receiptAnswers.length === 1, 5000, 'the receipt answered');
        assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK]);
        assert.deepEqual((await second.app.ctx.store.messages.getMessage(id))?.history.map((h) => h.status), ['accepted', 'submitted', 'delivered']);
      } finally {
        await second.stop();
      }
    } finally {
      await smsc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

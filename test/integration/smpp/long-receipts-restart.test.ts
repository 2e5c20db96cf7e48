/**
 * A long message's part receipts survive a restart between them. The gateway (SQLite file, delivery
 * worker, SMPP client) sends a three-part message; the SMSC reports part 1 at once and parts 2 and 3
 * later. Part 1's receipt is acknowledged once recorded, then the gateway stops (nothing in memory
 * survives) and a new one starts on the same database: the later parts' receipts, delivered to it,
 * find their message through the parts the store filed with `submitted`, and the message becomes
 * `delivered`. Before, the parts' ids and part 1's outcome lived in the client's memory only: the
 * later receipts matched nothing and the message stayed `submitted` for good. The new process also
 * announces the change (`messageStatus`, what sends the content provider its SMPP receipt) though it
 * never submitted the message: before, a status change of a message it did not remember went unannounced.
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
import type { AppEvents } from '../../../src/app/types.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { deliveryGateway, onboardProvider } from '../../helpers/restart-gateway.js';

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: the receipts of a long message's parts survive a restart between them`, { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-long-receipts-'));
    const db = join(dir, 'gw.db');
    // part 1's receipt at once, parts 2 and 3 only after the first gateway has stopped
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, dlrDelayMs: (n) => (n === 1 ? 5 : 2_500) });
    await smsc.listen();
    const clock = new SimulatedClock(NOON_SHANGHAI);
    // A receipt whose id this process never filed is held up to earlyReceiptMs (5 s by default: it may
    // have beaten its submit_sm_resp) before it is looked up in the store. The default here: it must
    // be answered ESME_ROK within receiptAckTimeoutMs (10 s), not refused again and again.
    const run = (store: SqliteStore) => deliveryGateway(store, clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=long&window=5`, { make });
    try {
      const first = run(new SqliteStore(db));
      let id: string;
      let text: string;
      try {
        assert.ok(await first.up.waitUp(5000));
        const principal = await onboardProvider(first.app, await validCreditCode());
        text = `【示例】${'您的快递已到驿站，请凭取件码取件。'.repeat(8)}`;
        const r = await first.app.submitMessage(principal, { from: '10690001', to: '13800138000', text, type: 'notification' }, 'http');
        assert.ok(r.ok, JSON.stringify(r));
        id = r.id;
        await until(() => smsc.acked.length === 3, 10_000, 'three parts taken');
        // part 1's receipt recorded and acknowledged; the message waits for the others
        await until(() => smsc.receiptAnswers.length === 1, 10_000, 'part 1\'s receipt answered');
        assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK]);
        assert.equal((await first.app.ctx.store.messages.getMessage(id))?.status, 'submitted');
      } finally {
        await first.stop();
      }

      const second = run(new SqliteStore(db));
      const announced: AppEvents['messageStatus'][] = [];
      second.app.ctx.events.on('messageStatus', (e) => void announced.push(e));
      try {
        assert.ok(await second.up.waitUp(5000));
        await until(async () => (await second.app.ctx.store.messages.getMessage(id))?.status === 'delivered', 20_000, 'the message delivered');
        await until(() => smsc.receiptAnswers.length === 3, 5000, 'every receipt answered');
        assert.deepEqual(smsc.receiptAnswers, [CommandStatus.ESME_ROK, CommandStatus.ESME_ROK, CommandStatus.ESME_ROK]);
        assert.deepEqual((await second.app.ctx.store.messages.getMessage(id))?.history.map((h) => h.status), ['accepted', 'submitted', 'delivered']);
        await until(() => announced.length === 1, 5000, 'the change announced');
        assert.deepEqual(
          [announced[0].id, announced[0].status, announced[0].from, announced[0].to, announced[0].registeredDelivery, announced[0].text],
          [id, 'delivered', '10690001', '+8613800138000', false, text],
        );
      } finally {
        await second.stop();
      }
    } finally {
      await smsc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * The parts of a long MO survive a restart between them. The gateway (SQLite file, delivery worker,
 * SMPP client) takes part 1 of a user's two-part reply and acknowledges it once kept; then it stops
 * (nothing in memory survives) and a new one starts on the same database; part 2 reaches the new one,
 * and the whole reply is recorded as one MO. Before, the client kept earlier parts in its memory and
 * acknowledged them at once: the SMSC forgot part 1 and the reply was lost. Also: when recording the
 * whole fails, the last part is refused, and the SMSC's resend completes the set again (recorded once).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { CommandStatus, EsmClass, buildConcatUdh, encodeText, smDefaults, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS } from '../../fakes/smpp/upstream-fixture.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { deliveryGateway } from '../../helpers/restart-gateway.js';

/** One UCS-2 part of a long MO from 13800138000 to port 10690002. */
const part = (ref: number, total: number, seq: number, text: string): SmPdu => ({
  ...smDefaults(), command: 'deliver_sm', sequence_number: 0, source_addr: '8613800138000', destination_addr: '10690002', esm_class: EsmClass.UDHI, data_coding: 8,
  short_message: Buffer.concat([buildConcatUdh({ ref, total, seq }), encodeText(text, 8)]),
});

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: the parts of a long MO survive a restart between them; a refused last part completes the set again`, { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-long-mo-'));
    const db = join(dir, 'gw.db');
    const smsc = new FakeSmsc({ misbehaviour: 'none' });
    await smsc.listen();
    const clock = new SimulatedClock(NOON_SHANGHAI);
    const run = async (store: SqliteStore) => {
      const g = deliveryGateway(store, clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=mo`, { make, pollMs: 50 });
      assert.ok(await g.up.waitUp(5000));
      return g;
    };
    const mos = async (store: SqliteStore) => (await store.records.queryRecords({ kind: 'mo', limit: 20 })).records.map((r) => (r.body as { text: string }).text);
    try {
      const first = await run(new SqliteStore(db));
      try {
        const admin = { role: 'admin' as const, actorId: 'a' };
        const cp = await first.app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
        await first.app.addSignature(admin, cp.id, { signature: '【示例】' });
        await first.app.addPort(admin, { number: '10690002', contentProviderId: cp.id, kind: 'commercial' });
        assert.equal(await smsc.sendDeliver(part(7, 2, 1, '我想投诉：你们的短信太多了，')), CommandStatus.ESME_ROK, 'part 1 kept');
        assert.deepEqual(await mos(first.store), [], 'nothing recorded yet');
      } finally {
        await first.stop();
      }

      const second = await run(new SqliteStore(db));
      try {
        assert.equal(await smsc.sendDeliver(part(7, 2, 2, '请不要再发了。')), CommandStatus.ESME_ROK);
        assert.deepEqual(await mos(second.store), ['我想投诉：你们的短信太多了，请不要再发了。']);

        // recording the whole fails once: the last part is refused and kept, the resend completes it
        let failOnce = true;
        second.app.moHandlers.unshift(async () => {
          if (failOnce) {
            failOnce = false;
            throw new Error('store unavailable');
          }
          return null;
        });
        assert.equal(await smsc.sendDeliver(part(8, 2, 1, '第一段，')), CommandStatus.ESME_ROK);
        assert.equal(await smsc.sendDeliver(part(8, 2, 2, '第二段。')), CommandStatus.ESME_RX_T_APPN);
        assert.equal(await smsc.sendDeliver(part(8, 2, 2, '第二段。')), CommandStatus.ESME_ROK);
        assert.deepEqual((await mos(second.store)).sort(), ['我想投诉：你们的短信太多了，请不要再发了。', '第一段，第二段。'].sort());
        // a set once recorded is forgotten: a stray repeat of its first part starts nothing that completes
        assert.equal(await smsc.sendDeliver(part(8, 2, 1, '第一段，')), CommandStatus.ESME_ROK);
        assert.equal((await mos(second.store)).length, 2);
      } finally {
        await second.stop();
      }
    } finally {
      await smsc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

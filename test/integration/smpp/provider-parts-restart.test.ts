/**
 * A content provider sends a long message in two parts over SMPP and asks for a receipt on the first
 * part only (as Kannel does); the gateway restarts before the carrier's receipts come. The new process
 * still sends the provider a receipt under the first part's id: the earlier parts' ids are recorded
 * with the message (`clientPartIds`), the carrier's receipts find their message in the store, and
 * the status change is announced from the message's records. Before, the earlier parts' ids lived
 * in the SMPP server's memory and a status change of a message the process had not submitted itself
 * was never announced: the provider got no receipt at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { concatPart, keepReceipts, onboardSmppProvider, smppGateway, using, withEsme } from '../../helpers/restart-gateway.js';
import { waitFor } from '../../helpers/wait.js';


test('a receipt asked for on the first part of a long message reaches the provider after a restart', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-provider-parts-'));
  const db = join(dir, 'gw.db');
  // the carrier reports only after the first gateway has stopped
  const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, dlrDelayMs: () => 2_500 });
  await smsc.listen();
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const run = (store: SqliteStore) => smppGateway(store, clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier`);
  const receipts: string[] = [];
  const esmeAt = (port: number) => ({ host: '127.0.0.1', port, systemId: 'kannel1', password: 'pw123', bindType: 'transceiver' as const, onDeliver: keepReceipts(receipts) });
  try {
    const ids: string[] = [];
    await using(await run(new SqliteStore(db)), async (first) => {
      await onboardSmppProvider(first, 'kannel1', 'pw123', await validCreditCode());
      await withEsme(esmeAt(first.port), async (esme) => {
        for (const [seq, text, rd] of [[1, '【示例】您的快递已到驿站，请凭取件码取件，驿站营业时间为每天早上八点至晚上九点，', 1], [2, '如有疑问请致电驿站，感谢您的耐心等待与支持。', 0]] as const) {
          const resp = await esme.request(concatPart({ ref: 42, total: 2, seq, text, registeredDelivery: rd }));
          assert.equal(resp.command_status, 0);
          ids.push((resp as { message_id: string }).message_id);
        }
        // the whole (one part of 67 characters for the carrier) reached it; no receipt yet
        await waitFor(() => (smsc.acked.length >= 1 ? true : undefined), 10_000, 'the message at the carrier');
        assert.deepEqual(receipts, []);
      });
    });

    await using(await run(new SqliteStore(db)), (second) => withEsme(esmeAt(second.port), async () => {
      // part 1's id (the one whose receipt was asked for) and the message's (part 2's answer)
      await waitFor(() => (receipts.length >= 2 ? true : undefined), 20_000, 'the receipts at the provider');
      assert.deepEqual([...receipts].sort(), [...ids].sort());
    }));
  } finally {
    await smsc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

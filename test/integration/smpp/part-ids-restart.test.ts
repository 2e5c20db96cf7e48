/**
 * A content provider sends a long message in three parts over SMPP, as Kannel and Net::SMPP clients
 * do, and keeps the id each part was answered with; the gateway restarts (nothing in memory
 * survives) before it asks. With the real App and a SQLite file: query_sm by either earlier part's
 * id answers the message's state (message_id as asked), cancel_sm by one cancels the whole message
 * (a DELETED receipt for each part's id, query_sm by any of them DELETED), and another provider's
 * part id gets ESME_RQUERYFAIL / ESME_RCANCELFAIL as an unknown id does. Before, only the message id
 * (the last part's answer) named the message: every earlier part's id got ESME_RQUERYFAIL /
 * ESME_RCANCELFAIL. No delivery worker runs, so the message waits in the queue and may be cancelled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { App } from '../../../src/app/app.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import type { SmppEsme } from '../../../src/smpp/client/index.js';
import { CommandStatus, MessageState, type CancelSmPdu, type QuerySmRespPdu } from '../../../src/smpp/pdu/index.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { concatPart, keepReceipts, onboardSmppProvider, using, withEsme } from '../../helpers/restart-gateway.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'a' };

/** The App and the SMPP server on `store`, no delivery worker: what is accepted stays queued. */
async function serverOn(store: SqliteStore, clock: SimulatedClock) {
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const creds = new SmppCredentials({ store: new SqliteSmppCredentials(store.db), contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred') });
  const server = new SmppServer({ app, now: () => clock.now(), authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null });
  const port = await server.listen(0, '127.0.0.1');
  return { app, creds, port, stop: async () => { await server.close(); await store.close(); } };
}

const TEXTS = ['您的快递已到驿站，请凭取件码取件，', '驿站营业时间为每天早上八点至晚上九点，', '如有疑问请致电驿站，感谢您的耐心等待与支持。'];

/** Sends a three-part message signed `signature` (UDH reference `ref`) from `from`, each part asking for a receipt; the ids the parts were answered with. */
async function sendInParts(esme: SmppEsme, ref: number, from: string, signature: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, text] of [signature + TEXTS[0], ...TEXTS.slice(1)].entries()) {
    const r = (await esme.request({ ...concatPart({ ref, total: 3, seq: i + 1, text, registeredDelivery: 1 }), source_addr: from })) as { command_status: number; message_id: string };
    assert.equal(r.command_status, CommandStatus.ESME_ROK);
    ids.push(r.message_id);
  }
  return ids;
}

async function query(esme: SmppEsme, id: string): Promise<[number, string, number, string]> {
  const r = (await esme.request({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 0, source_addr: '' })) as QuerySmRespPdu;
  return [r.command_status, r.message_id, r.message_state, r.final_date];
}

async function cancel(esme: SmppEsme, id: string): Promise<number> {
  const pdu: CancelSmPdu = { command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id: id, source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' };
  return (await esme.request(pdu)).command_status;
}

test('after a restart, any part\'s id of a long message names the whole message to query_sm and cancel_sm; another provider\'s part id names nothing', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-part-ids-'));
  const db = join(dir, 'gw.db');
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const receipts: string[] = [];
  const esmeAt = (port: number, systemId: string, onDeliver?: ReturnType<typeof keepReceipts>) => ({ host: '127.0.0.1', port, systemId, password: 'pw123', bindType: 'transceiver' as const, ...(onDeliver ? { onDeliver } : {}) });
  try {
    let ours: string[] = [];
    let theirs: string[] = [];
    await using(await serverOn(new SqliteStore(db), clock), async (first) => {
      await onboardSmppProvider(first, 'kannel1', 'pw123', await validCreditCode());
      // another provider, on a port of its own
      const other = await first.app.createContentProvider(admin, { name: '另一科技有限公司', creditCode: await validCreditCode() });
      await first.app.addSignature(admin, other.id, { signature: '【另一】' });
      await first.app.addPort(admin, { number: '10690009', contentProviderId: other.id, kind: 'service' });
      await first.creds.create(admin, other.id, { systemId: 'other1', password: 'pw123' });
      ours = await withEsme(esmeAt(first.port, 'kannel1'), (e) => sendInParts(e, 42, '10690001', '【示例】'));
      theirs = await withEsme(esmeAt(first.port, 'other1'), (e) => sendInParts(e, 43, '10690009', '【另一】'));
    });
    assert.equal(new Set([...ours, ...theirs]).size, 6, 'each part was answered with an id of its own');

    await using(await serverOn(new SqliteStore(db), clock), (second) => withEsme(esmeAt(second.port, 'kannel1', keepReceipts(receipts)), async (e) => {
      for (const id of ours) assert.deepEqual(await query(e, id), [CommandStatus.ESME_ROK, id, MessageState.ENROUTE, ''], id);
      // the other provider's part ids (and its message id) are as unknown ids to this one
      for (const id of theirs) {
        assert.deepEqual(await query(e, id), [CommandStatus.ESME_RQUERYFAIL, id, 0, ''], id);
        assert.equal(await cancel(e, id), CommandStatus.ESME_RCANCELFAIL, id);
      }
      assert.equal((await second.app.ctx.store.messages.getMessage(theirs[2]))?.status, 'accepted', 'theirs stays queued');
      // by the first part's id: the whole message is cancelled
      assert.equal(await cancel(e, ours[0]), CommandStatus.ESME_ROK);
      assert.equal((await second.app.ctx.store.messages.getMessage(ours[2]))?.status, 'cancelled');
      for (const id of ours) {
        const [status, asked, state, finalDate] = await query(e, id);
        assert.deepEqual([status, asked, state], [CommandStatus.ESME_ROK, id, MessageState.DELETED], id);
        assert.match(finalDate, /^\d{12}\d32\+$/, 'final, with its time');
      }
      assert.equal(await cancel(e, ours[1]), CommandStatus.ESME_RCANCELFAIL, 'cancelled already, by any of its ids');
      // each part's id gets its DELETED receipt, as when cancelled by the message id
      await waitFor(() => (receipts.length >= 3 ? true : undefined), 10_000, 'the DELETED receipts');
      assert.deepEqual([...receipts].sort(), [...ours].sort());
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

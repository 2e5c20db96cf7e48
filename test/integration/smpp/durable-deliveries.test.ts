/**
 * Receipts and MO for a content provider without a receiver bind survive a gateway restart: the
 * provider submits with registered_delivery from a transmitter-only bind, the message is delivered,
 * an MO arrives for its port, the gateway stops; a new gateway on the same SQLite file hands both to
 * the receiver the provider binds next, and deletes them once the ESME answered ESME_ROK.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../../helpers/gateway.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { EsmClass, Tag, decodeText, encodeText, parseDlrText, smDefaults, tlvCString, tlvString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
const TEXT = '【示例】您的验证码是246810，5分钟内有效。';

interface Gw {
  g: TestGateway;
  creds: SmppCredentials;
  server: SmppServer;
  port: number;
  logs: { msg: string; fields?: Record<string, unknown> }[];
}

/** A gateway (real app, simulator upstream) with an SMPP server whose receipts/MO wait in the store. */
async function startGateway(db: string): Promise<Gw> {
  const g = await startTestGateway({ db });
  const creds = new SmppCredentials({ store: new SqliteSmppCredentials(g.store.db), contentProviderExists: async (id) => (await g.store.directory.getContentProvider(id)) !== null, now: () => g.clock.now(), newId: () => g.app.ctx.ids.next('cred') });
  const logs: Gw['logs'] = [];
  const server = new SmppServer({
    app: g.app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await g.store.directory.getPort(n))?.kind ?? null,
    deliveries: g.store.smppDeliveries, log: (msg, fields) => logs.push({ msg, fields }),
  });
  const port = await server.listen(0, '127.0.0.1');
  return { g, creds, server, port, logs };
}

async function stop(gw: Gw): Promise<void> {
  await gw.server.close();
  await gw.g.close();
}

describe('receipts and MO for an unbound provider survive a restart (SQLite file)', () => {
  let dir: string;
  let db: string;
  let gw: Gw;
  let p: Provider;
  let id: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'smsguard-smpp-'));
    db = join(dir, 'gw.db');
  });
  after(async () => {
    if (gw) await stop(gw).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a transmitter-only bind submits with registered_delivery; the receipt and an MO wait in the store', async () => {
    gw = await startGateway(db);
    p = await onboard(gw.g);
    await gw.creds.create(admin, p.id, { systemId: 'durable', password: 'pw123' });
    const tx = await SmppEsme.connect({ host: '127.0.0.1', port: gw.port, systemId: 'durable', password: 'pw123', bindType: 'transmitter' });
    const resp = await tx.request({
      ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8,
      short_message: encodeText(TEXT, 8), registered_delivery: 1, tlvs: [tlvCString(Tag.smsguard_message_type, 'verification')],
    });
    assert.equal(resp.command_status, 0);
    id = (resp as { message_id: string }).message_id;
    await waitFor(async () => ((await gw.g.app.getMessage(admin, id)) as { status: string } | null)?.status === 'delivered' || undefined);
    gw.g.simulator.injectMo({ from: '+8613800138000', to: '10690001', text: '收到，谢谢' });
    await waitFor(async () => ((await gw.g.store.smppDeliveries.count(p.id)) === 2 ? true : undefined));
    const rows = await gw.g.store.smppDeliveries.claim({ contentProviderId: p.id, owner: 'peek', now: Date.now(), leaseMs: 1, limit: 10 });
    assert.deepEqual(rows.map((r) => [r.kind, r.key]), [['receipt', `receipt:${id}:DELIVRD`], ['mo', rows[1].key]]);
    assert.match(rows[1].key, /^mo:/);
    await tx.close();
    await stop(gw);
  });

  test('after a restart on the same file, the receiver the provider binds gets both, oldest first; ESME_ROK deletes them', async () => {
    gw = await startGateway(db);
    assert.equal(await gw.g.store.smppDeliveries.count(p.id), 2, 'still there after the restart');
    const got: SmPdu[] = [];
    const rx = await SmppEsme.connect({ host: '127.0.0.1', port: gw.port, systemId: 'durable', password: 'pw123', bindType: 'receiver', onDeliver: (pdu) => { got.push(pdu as SmPdu); return 0; } });
    await waitFor(() => (got.length >= 2 ? true : undefined));
    const dlr = got[0];
    assert.equal(dlr.esm_class & 0x3c, EsmClass.DELIVERY_RECEIPT);
    assert.equal(tlvString(dlr.tlvs, Tag.receipted_message_id), id);
    assert.equal(parseDlrText(dlr.short_message.toString('latin1'))!.stat, 'DELIVRD');
    assert.equal(got[1].esm_class, 0);
    assert.equal(decodeText(got[1].short_message, got[1].data_coding), '收到，谢谢');
    assert.equal(got[1].destination_addr, '10690001');
    await waitFor(async () => ((await gw.g.store.smppDeliveries.count()) === 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(got.length, 2, 'each sent once');
    await rx.close();
  });
});

/**
 * How receipts/MO that a provider's ESME does not take are kept: a throttled or unanswered
 * deliver_sm goes to the store and is retried with a delay, a refusal for good is dropped, rows past
 * the maximum age are expired with a masked log line, and two gateway processes sharing PostgreSQL
 * send each kept row once.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import type { SmppServerOptions } from '../../../src/smpp/server/server.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, Tag, parseDlrText, tlvString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import type { SmppDeliveryStore } from '../../../src/ports/smpp-deliveries.js';
import type { AppEvents } from '../../../src/app/types.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { openTestPgStore } from '../../helpers/pg.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };

function receipt(id: string, to = '13800138001'): AppEvents['messageStatus'] {
  const t = Date.now();
  return { id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to, submittedAt: t - 1000, registeredDelivery: true, text: 'hello' };
}

const idOf = (p: SmPdu) => tlvString(p.tlvs, Tag.receipted_message_id);

interface Harness {
  app: FakeApp;
  server: SmppServer;
  port: number;
  logs: { msg: string; fields?: Record<string, unknown> }[];
}

async function harness(deliveries: SmppDeliveryStore, o: { now?: () => number; sharedEvents?: boolean; session?: SmppServerOptions['session'] } = {}): Promise<Harness> {
  const app = new FakeApp();
  const store = new MemoryCredentials();
  const creds = new SmppCredentials({ store, contentProviderExists: async () => true, now: () => Date.now(), newId: () => `cred_${Math.random()}` });
  await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  const logs: Harness['logs'] = [];
  const server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', deliveries, log: (msg, fields) => logs.push({ msg, fields }), now: o.now, sharedEvents: o.sharedEvents, session: o.session });
  const port = await server.listen(0, '127.0.0.1');
  return { app, server, port, logs };
}

const receiver = (port: number, onDeliver: (p: SmPdu) => number | Promise<number>) =>
  SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1', bindType: 'receiver', onDeliver: (p) => onDeliver(p as SmPdu) });

describe('smpp deliveries the ESME does not take (SQLite store)', () => {
  let store: SqliteStore;
  let h: Harness;
  before(async () => {
    store = new SqliteStore(':memory:');
    h = await harness(store.smppDeliveries);
  });
  after(async () => {
    await h.server.close();
    await store.close();
  });

  test('a bound receiver gets the receipt straight away: nothing is written to the store', async () => {
    const got: SmPdu[] = [];
    const e = await receiver(h.port, (p) => (got.push(p), 0));
    h.app.events.emit('messageStatus', receipt('msg_hot'));
    await waitFor(() => got.find((p) => idOf(p) === 'msg_hot'));
    await h.server.deliveries.settled();
    assert.equal(await store.smppDeliveries.count(), 0);
    await e.close();
  });

  test('ESME_RTHROTTLED: kept in the store with one attempt, sent again after the delay, deleted on ESME_ROK', async () => {
    const got: { id: string | undefined; at: number }[] = [];
    const e = await receiver(h.port, (p) => {
      got.push({ id: idOf(p), at: Date.now() });
      return got.length === 1 ? CommandStatus.ESME_RTHROTTLED : 0;
    });
    h.app.events.emit('messageStatus', receipt('msg_throttled'));
    await waitFor(async () => ((await store.smppDeliveries.count('cp_1')) === 1 ? true : undefined));
    await waitFor(() => (got.length >= 2 ? true : undefined));
    assert.deepEqual(got.map((g) => g.id), ['msg_throttled', 'msg_throttled']);
    assert.ok(got[1].at - got[0].at >= 900, `retried after the 1 s delay, not at once (${got[1].at - got[0].at} ms)`);
    await waitFor(async () => ((await store.smppDeliveries.count()) === 0 ? true : undefined));
    await e.close();
  });

  test('ESME_RINVBNDSTS (a deliver_sm that crossed the ESME\'s unbind; our own client answers so): kept and sent again, not dropped', async () => {
    const got: (string | undefined)[] = [];
    const e = await receiver(h.port, (p) => (got.push(idOf(p)), got.length === 1 ? CommandStatus.ESME_RINVBNDSTS : 0));
    h.app.events.emit('messageStatus', receipt('msg_crossed'));
    await waitFor(() => (got.length >= 2 ? true : undefined));
    assert.deepEqual(got, ['msg_crossed', 'msg_crossed']);
    assert.ok(!h.logs.some((l) => l.msg === 'smpp deliver_sm refused by ESME' && l.fields?.status === CommandStatus.ESME_RINVBNDSTS));
    await waitFor(async () => ((await store.smppDeliveries.count()) === 0 ? true : undefined));
    await e.close();
  });

  test('a deliver_sm cut off by a disconnect before its answer is kept and goes to the next receiver', async () => {
    let first: SmppEsme | undefined;
    let seen = false;
    first = await receiver(h.port, () => {
      seen = true;
      // never answer: drop the connection instead
      setImmediate(() => first!.conn.socket.destroy());
      return new Promise<number>(() => undefined);
    });
    h.app.events.emit('messageStatus', receipt('msg_cut'));
    await waitFor(() => (seen ? true : undefined));
    await waitFor(async () => ((await store.smppDeliveries.count('cp_1')) === 1 ? true : undefined));
    const got: SmPdu[] = [];
    const second = await receiver(h.port, (p) => (got.push(p), 0));
    const d = await waitFor(() => got.find((p) => idOf(p) === 'msg_cut'));
    assert.equal(parseDlrText(d.short_message.toString('latin1'))!.stat, 'DELIVRD');
    await waitFor(async () => ((await store.smppDeliveries.count()) === 0 ? true : undefined));
    await second.close();
  });

  test('refused for good (ESME_RINVDSTADR): dropped, logged with the number masked, not retried', async () => {
    let n = 0;
    const e = await receiver(h.port, () => (n++, CommandStatus.ESME_RINVDSTADR));
    h.app.events.emit('messageStatus', receipt('msg_refused', '13800138002'));
    await waitFor(() => h.logs.find((l) => l.msg === 'smpp deliver_sm refused by ESME'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(n, 1);
    assert.equal(await store.smppDeliveries.count(), 0);
    const line = JSON.stringify(h.logs.find((l) => l.msg === 'smpp deliver_sm refused by ESME'));
    assert.match(line, /138\*\*\*\*8002/);
    assert.doesNotMatch(line, /13800138002/);
    await e.close();
  });
});

describe('a kept row claimed and sent, then not answered', () => {
  test('no deliver_sm_resp: back in the store after the response timeout, lease dropped; a disconnect likewise; then delivered', async () => {
    const store = new SqliteStore(':memory:');
    const h = await harness(store.smppDeliveries, { session: { responseTimeoutMs: 300 } });
    const row = () => store.db.prepare("SELECT attempts, owner, lease_until AS leaseUntil FROM smpp_deliveries WHERE key = 'receipt:msg_silent:DELIVRD'").get() as { attempts: number; owner: string | null; leaseUntil: number } | undefined;
    const esmes: SmppEsme[] = [];
    try {
      // no receiver: kept; every send below is of the claimed row
      h.app.events.emit('messageStatus', receipt('msg_silent'));
      await waitFor(() => row());
      let silent = 0;
      esmes.push(await receiver(h.port, () => (silent++, new Promise<number>(() => undefined))));
      // sent under a lease, unanswered: after 300 ms the session gives it back, and so does the lease
      await waitFor(() => (silent >= 1 && row()?.attempts === 1 && row()?.owner === null && row()?.leaseUntil === 0 ? true : undefined));
      await esmes.pop()!.close();
      // the next receiver drops its connection on it: back again, lease dropped
      let cut = 0;
      const dropper: SmppEsme = await receiver(h.port, () => {
        cut++;
        setImmediate(() => dropper.conn.socket.destroy());
        return new Promise<number>(() => undefined);
      });
      esmes.push(dropper);
      await waitFor(() => (cut >= 1 && row()?.attempts === 2 && row()?.owner === null && row()?.leaseUntil === 0 ? true : undefined));
      const got: string[] = [];
      esmes.push(await receiver(h.port, (p) => (got.push(idOf(p)!), 0)));
      await waitFor(() => (got.includes('msg_silent') ? true : undefined), 8000);
      await waitFor(async () => ((await store.smppDeliveries.count()) === 0 ? true : undefined));
    } finally {
      await Promise.all(esmes.map((e) => e.close().catch(() => undefined)));
      await h.server.close();
      await store.close();
    }
  });
});

describe('smpp deliveries past the maximum age', () => {
  test('are expired: counted, logged once with numbers masked and no text, and never sent', async () => {
    const store = new SqliteStore(':memory:');
    let offset = 0;
    const h = await harness(store.smppDeliveries, { now: () => Date.now() + offset });
    try {
      h.app.events.emit('messageStatus', receipt('msg_old', '13800138003'));
      h.app.events.emit('moForward', { id: 'mo_old', contentProviderId: 'cp_1', from: '+8613900139003', to: '10690001', text: '秘密内容', at: Date.now() });
      await waitFor(async () => ((await store.smppDeliveries.count()) === 2 ? true : undefined));
      offset = 73 * 3_600_000;
      const line = await waitFor(() => h.logs.find((l) => l.msg === 'smpp deliveries expired undelivered'), 5000);
      assert.equal(line.fields!.count, 2);
      assert.equal(line.fields!.receipts, 1);
      assert.equal(line.fields!.mo, 1);
      assert.deepEqual(line.fields!.providers, { cp_1: 2 });
      const text = JSON.stringify(line);
      assert.match(text, /138\*\*\*\*8003/);
      assert.match(text, /139\*\*\*\*9003/);
      assert.doesNotMatch(text, /13800138003|13900139003|秘密/);
      assert.equal(h.server.deliveries.expired, 2);
      assert.equal(await store.smppDeliveries.count(), 0);
      const got: SmPdu[] = [];
      const e = await receiver(h.port, (p) => (got.push(p), 0));
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(got.length, 0);
      await e.close();
    } finally {
      await h.server.close();
      await store.close();
    }
  });
});

describe('two gateway processes on one PostgreSQL', () => {
  test('each kept row goes to the provider once, though both processes have a receiver of it', async () => {
    const pa = await openTestPgStore();
    const pb = await openTestPgStore({ schema: pa.schema });
    const a = await harness(pa.store.smppDeliveries);
    const b = await harness(pb.store.smppDeliveries);
    try {
      const ids = Array.from({ length: 60 }, (_, i) => `msg_pg_${i}`);
      // no receiver anywhere: all 60 are kept (process a heard them)
      for (const id of ids) a.app.events.emit('messageStatus', receipt(id));
      await waitFor(async () => ((await pa.store.smppDeliveries.count('cp_1')) === 60 ? true : undefined));
      const got: string[] = [];
      const slow = (p: SmPdu) => new Promise<number>((r) => setTimeout(() => (got.push(idOf(p)!), r(0)), 5));
      const [ra, rb] = await Promise.all([receiver(a.port, slow), receiver(b.port, slow)]);
      await waitFor(() => (got.length >= 60 ? true : undefined));
      await waitFor(async () => ((await pa.store.smppDeliveries.count()) === 0 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(got.length, 60, 'no row sent twice');
      assert.deepEqual([...new Set(got)].sort(), [...ids].sort());
      await Promise.all([ra.close(), rb.close()]);
    } finally {
      await a.server.close();
      await b.server.close();
      await pb.store.close();
      await pa.dispose();
    }
  });

  test('events every process hears (NATS fan-out): only the process with the receiver sends; with none bound, one row', async () => {
    const pa = await openTestPgStore();
    const pb = await openTestPgStore({ schema: pa.schema });
    const a = await harness(pa.store.smppDeliveries, { sharedEvents: true });
    const b = await harness(pb.store.smppDeliveries, { sharedEvents: true });
    const both = (id: string) => {
      for (const h of [a, b]) h.app.events.emit('messageStatus', receipt(id));
    };
    try {
      const got: string[] = [];
      const rb = await receiver(b.port, (p) => (got.push(idOf(p)!), 0));
      // a learns of b's receiver on its next pass
      await waitFor(() => (a.server.deliveries.receiverElsewhere('cp_1') ? true : undefined));
      both('msg_shared_1');
      await waitFor(() => (got.includes('msg_shared_1') ? true : undefined));
      await a.server.deliveries.settled();
      assert.equal(await pa.store.smppDeliveries.count(), 0, 'a left it to b');
      assert.equal(a.server.deliveries.leftToPeers, 1);
      // b's receiver goes: a hears that too, and then both keep the event, as one row
      await rb.close();
      await waitFor(() => (a.server.deliveries.receiverElsewhere('cp_1') ? undefined : true));
      both('msg_shared_2');
      await waitFor(async () => ((await pa.store.smppDeliveries.count('cp_1')) === 1 ? true : undefined));
      await Promise.all([a.server.deliveries.settled(), b.server.deliveries.settled()]);
      assert.equal(await pa.store.smppDeliveries.count(), 1);
      const ra = await receiver(a.port, (p) => (got.push(idOf(p)!), 0));
      await waitFor(() => (got.includes('msg_shared_2') ? true : undefined));
      await waitFor(async () => ((await pa.store.smppDeliveries.count()) === 0 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1200));
      assert.deepEqual(got, ['msg_shared_1', 'msg_shared_2'], 'each once');
      await ra.close();
    } finally {
      await a.server.close();
      await b.server.close();
      await pb.store.close();
      await pa.dispose();
    }
  });
});

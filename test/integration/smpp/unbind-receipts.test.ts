/**
 * Receipts in flight at an unbind (docs/SMPP.md, unbind; Receipts and MO to the provider): an
 * unbind, the ESME's or ours (a server stop, a revoked credential), waits for the answers to the
 * deliver_sm already sent, so one the ESME answers across the unbind counts as delivered and is not
 * sent again at its next bind; one it never answers is, as before (at-least-once). Before
 * 2026-12-07 the ESME's unbind was answered at once and our own went at once, and every receipt in
 * flight went again at the next bind (seen with Net::SMPP's client; "~10 repeated receipts around
 * a restart", the window in flight at a stop).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { decodePdu, encodePdu, FrameSplitter, Tag, tlvString, type Pdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import type { AppEvents } from '../../../src/app/types.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { until, waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };
/** The sessions' response timeout here: what an unbind may wait for unanswered deliver_sm. */
const RESPONSE_MS = 1500;

function receipt(id: string): AppEvents['messageStatus'] {
  const t = Date.now();
  return { id, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138001', submittedAt: t - 1000, registeredDelivery: true, text: 'hello' };
}
const idOf = (p: Pdu) => tlvString((p as SmPdu).tlvs, Tag.receipted_message_id);

/** One gateway process's SMPP server over `store` (a restart: a new one over the same store). */
async function server(store: SqliteStore, o: { responseMs?: number; windowSize?: number } = {}): Promise<{ app: FakeApp; server: SmppServer; port: number; credentialId: string }> {
  const app = new FakeApp();
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => `cred_${Math.random()}` });
  const c = await creds.create(admin, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  const s = new SmppServer({ app, authenticate: (id, pw, ip) => creds.authenticate(id, pw, ip), portKind: async () => 'service', deliveries: store.smppDeliveries, session: { responseTimeoutMs: o.responseMs ?? RESPONSE_MS, ...(o.windowSize ? { windowSize: o.windowSize } : {}) }, unbindWaitMs: 2000 });
  return { app, server: s, port: await s.listen(0, '127.0.0.1'), credentialId: c.id };
}

/** Our ESME as a receiver: each deliver_sm is answered when `answer` is called (ESME_ROK), or never. */
async function holdingReceiver(port: number) {
  const got: string[] = [];
  const held: (() => void)[] = [];
  const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1', bindType: 'receiver', onDeliver: (p) => new Promise<number>((r) => {
    got.push(idOf(p)!);
    held.push(() => r(0));
  }) });
  return { e, got, answer: () => held.splice(0).forEach((f) => f()) };
}

/** What a fresh bind of the provider receives within `ms` (answering each ESME_ROK). */
async function nextBind(port: number, ms: number): Promise<string[]> {
  const got: string[] = [];
  const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1', bindType: 'receiver', onDeliver: (p) => (got.push(idOf(p)!), 0) });
  await new Promise((r) => setTimeout(r, ms));
  await e.close();
  return got.sort();
}

/** An ESME on a bare socket: it answers nothing by itself, so the test orders its answers. */
class RawEsme {
  readonly got: Pdu[] = [];
  private seq = 0;
  private constructor(readonly socket: Socket) {
    const fs = new FrameSplitter();
    socket.on('data', (d: Buffer) => fs.push(d, (f) => this.got.push(decodePdu(Buffer.from(f)))));
  }
  static async bind(port: number): Promise<RawEsme> {
    const s = await new Promise<Socket>((resolve, reject) => {
      const c = connect(port, '127.0.0.1');
      c.once('error', reject);
      c.once('connect', () => resolve(c));
    });
    const e = new RawEsme(s);
    e.send({ command: 'bind_receiver', command_status: 0, sequence_number: 0, system_id: 'cp1', password: 'secret1', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
    await e.wait((p) => p.command === 'bind_receiver_resp', 'bind_receiver_resp');
    return e;
  }
  send(p: Pdu): void {
    this.socket.write(encodePdu({ ...p, sequence_number: p.sequence_number || ++this.seq }));
  }
  wait(match: (p: Pdu) => boolean, what: string, ms = 8000): Promise<Pdu> {
    return waitFor(() => this.got.find(match), ms, what);
  }
  delivers(): Pdu[] {
    return this.got.filter((p) => p.command === 'deliver_sm');
  }
  answerDelivers(): void {
    for (const p of this.delivers()) this.send({ command: 'deliver_sm_resp', command_status: 0, sequence_number: p.sequence_number, message_id: '', tlvs: [] });
  }
}

/**
 * A server on a fresh store, a raw ESME bound to it and five receipts sent to it and left unanswered:
 * the set-up of the stop and revocation cases. Closes what it made, whatever `body` did.
 */
async function withFiveInFlight(body: (c: { store: SqliteStore; g: Awaited<ReturnType<typeof server>>; esme: RawEsme }) => Promise<void>): Promise<void> {
  const store = new SqliteStore(':memory:');
  const g = await server(store);
  let e: RawEsme | null = null;
  try {
    e = await RawEsme.bind(g.port);
    for (const id of IDS) g.app.events.emit('messageStatus', receipt(id));
    const esme = e;
    await until(() => esme.delivers().length === 5, 8000, 'all five in flight');
    await body({ store, g, esme });
  } finally {
    e?.socket.destroy();
    await g.server.close();
    await store.close();
  }
}

const IDS = ['msg_a', 'msg_b', 'msg_c', 'msg_d', 'msg_e'];

describe('receipts in flight at an unbind', () => {
  test('the ESME unbinds with receipts in flight and answers them: each counted delivered, none sent again at the next bind (kept rows deleted too)', { timeout: 30_000 }, async () => {
    const store = new SqliteStore(':memory:');
    const g = await server(store);
    try {
      // two wait in the store (no bind yet) and go out from it at the bind; three go straight from memory
      for (const id of IDS.slice(0, 2)) g.app.events.emit('messageStatus', receipt(id));
      await until(async () => (await store.smppDeliveries.count('cp_1')) === 2, 8000, 'two receipts kept');
      const r = await holdingReceiver(g.port);
      await until(() => r.got.length === 2, 8000, 'the kept receipts sent');
      for (const id of IDS.slice(2)) g.app.events.emit('messageStatus', receipt(id));
      await until(() => r.got.length === 5, 8000, 'all five in flight');
      // the ESME's unbind crosses the five receipts; it answers them after it
      const closing = r.e.close();
      await new Promise((res) => setTimeout(res, 100));
      r.answer();
      await closing;
      assert.equal(await r.e.closed(), 'unbound', 'the unbind_resp came (after the answers)');
      await g.server.deliveries.settled();
      assert.equal(await store.smppDeliveries.count('cp_1'), 0, 'nothing kept: the answered receipts are delivered');
      assert.deepEqual(await nextBind(g.port, 1500), [], 'no receipt delivered again at the next bind');
    } finally {
      await g.server.close();
      await store.close();
    }
  });

  test('the ESME unbinds and never answers them: its unbind_resp waits at most the response timeout, and each goes again at the next bind', { timeout: 30_000 }, async () => {
    const store = new SqliteStore(':memory:');
    const g = await server(store);
    try {
      const r = await holdingReceiver(g.port);
      for (const id of IDS) g.app.events.emit('messageStatus', receipt(id));
      await until(() => r.got.length === 5, 8000, 'all five in flight');
      const t0 = Date.now();
      await r.e.close();
      const waited = Date.now() - t0;
      assert.equal(await r.e.closed(), 'unbound', 'answered within the ESME\'s own wait');
      assert.ok(waited >= RESPONSE_MS - 300 && waited < RESPONSE_MS + 1500, `unbind_resp after ${waited} ms`);
      await g.server.deliveries.settled();
      assert.deepEqual(await nextBind(g.port, 2500), IDS, 'at-least-once: every unanswered receipt again');
    } finally {
      await g.server.close();
      await store.close();
    }
  });

  test('the receipts queued behind the window of a bind that unbinds go to the provider\'s other bind at once, not after the wait', { timeout: 30_000 }, async () => {
    const store = new SqliteStore(':memory:');
    const g = await server(store, { responseMs: 6000, windowSize: 2 });
    try {
      const a = await holdingReceiver(g.port);
      for (const id of IDS.slice(0, 4)) g.app.events.emit('messageStatus', receipt(id));
      await until(() => a.got.length === 2, 8000, 'two in flight on the first bind, two queued');
      const gotB: string[] = [];
      const b = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: 'cp1', password: 'secret1', bindType: 'receiver', onDeliver: (p) => (gotB.push(idOf(p)!), 0) });
      let closedAt = 0;
      const t0 = Date.now();
      // the first ESME unbinds and never answers: its unbind waits (at most 6 s, its own 3 s unbind wait ends it first)
      const closing = a.e.close().then(() => (closedAt = Date.now()));
      await until(() => gotB.length === 2, 8000, 'the two queued on the other bind');
      const gotAt = Date.now();
      assert.deepEqual(gotB.sort(), IDS.slice(2, 4));
      assert.equal(closedAt, 0, `taken by the other bind after ${gotAt - t0} ms, while the first still waited`);
      await closing;
      await b.close();
    } finally {
      await g.server.close();
      await store.close();
    }
  });

  test('a server stop with receipts in flight: the unbind goes after their answers (ESME answering unbind_resp first), none sent again after the restart', { timeout: 30_000 }, async () => {
    await withFiveInFlight(async ({ store, g, esme }) => {
    const stopped = g.server.close();
    // An ESME that answers an unbind before the deliver_sm it holds (as an ESME that hands them to
    // its application first does): its answers would come after the session ended.
    await new Promise((res) => setTimeout(res, 300));
    const early = esme.got.find((p) => p.command === 'unbind');
    if (early) esme.send({ command: 'unbind_resp', command_status: 0, sequence_number: early.sequence_number });
    esme.answerDelivers();
    const unbind = early ?? (await esme.wait((p) => p.command === 'unbind', 'the unbind, after the answers'));
    if (!early) esme.send({ command: 'unbind_resp', command_status: 0, sequence_number: unbind.sequence_number });
    await stopped;
    assert.equal(early, undefined, 'no unbind while receipts were in flight');
    assert.equal(await store.smppDeliveries.count('cp_1'), 0, 'nothing kept for the next bind');
    // the restart: a new server over the same store
    const g2 = await server(store);
    try {
      assert.deepEqual(await nextBind(g2.port, 1500), [], 'no receipt delivered again after the restart');
    } finally {
      await g2.server.close();
    }
    });
  });

  test('a revoked credential with receipts in flight: its bind is unbound after their answers, nothing kept', { timeout: 30_000 }, async () => {
    await withFiveInFlight(async ({ store, g, esme }) => {
    const revoked = g.server.revokeCredential(g.credentialId);
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(esme.got.find((p) => p.command === 'unbind'), undefined, 'no unbind while receipts are in flight');
    esme.answerDelivers();
    const unbind = await esme.wait((p) => p.command === 'unbind', 'the unbind, after the answers');
    esme.send({ command: 'unbind_resp', command_status: 0, sequence_number: unbind.sequence_number });
    await revoked;
    await g.server.deliveries.settled();
    assert.equal(await store.smppDeliveries.count('cp_1'), 0, 'nothing kept: each answered receipt delivered');
    });
  });

  test('a server stop whose ESME never answers the receipts: the unbind goes after the response timeout, and they are delivered after the restart', { timeout: 30_000 }, async () => {
    await withFiveInFlight(async ({ store, g, esme }) => {
    const t0 = Date.now();
    const stopped = g.server.close();
    const unbind = await esme.wait((p) => p.command === 'unbind', 'the unbind');
    const waited = Date.now() - t0;
    assert.ok(waited >= RESPONSE_MS - 300, `unbind after ${waited} ms: the receipts' response timeout first`);
    esme.send({ command: 'unbind_resp', command_status: 0, sequence_number: unbind.sequence_number });
    await stopped;
    assert.equal(await store.smppDeliveries.count('cp_1'), 5, 'kept for the next bind');
    const g2 = await server(store);
    try {
      assert.deepEqual(await nextBind(g2.port, 2500), IDS, 'at-least-once: each delivered after the restart');
    } finally {
      await g2.server.close();
    }
    });
  });
});

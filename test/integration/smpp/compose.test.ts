/** startSmpp as main.ts would call it: simulator upstream over SMPP, SMPP server for providers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { App } from '../../../src/app/app.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { startSmpp, upstreamLinks } from '../../../src/smpp/compose.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { encodeText, smDefaults } from '../../../src/smpp/pdu/index.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { startSmppDoors } from '../../helpers/smpp-doors.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { until } from '../../helpers/wait.js';

test('upstream URLs: comma-separated smpp:// links with options', () => {
  const l = upstreamLinks('smpp://a:b@127.0.0.1:2775?window=7&throughput=100&prefixes=86138,86139&weight=2&name=cmcc, smpp://c:d@10.0.0.1');
  assert.equal(l.length, 2);
  assert.deepEqual([l[0].name, l[0].window, l[0].throughput, l[0].prefixes, l[0].weight, l[0].systemId, l[0].password], ['cmcc', 7, 100, ['86138', '86139'], 2, 'a', 'b']);
  assert.deepEqual([l[1].port, l[1].window], [2775, 100]);
  assert.throws(() => upstreamLinks('http://x'), /smpp:\/\//);
});

test('startSmpp: a provider binds, submits, and the message reaches the simulator over SMPP', async () => {
  const { store, clock, app, sim, admin, smpp } = await startSmppDoors();
  const worker = new DeliveryWorker(app.ctx, smpp.egress!, { pollMs: 50 }, (mo) => app.receiveMo(mo, 'system'));
  worker.start();
  try {
    assert.ok(smpp.simulatorSmppPort! > 0);
    // Generous waits: CI runs test files in parallel on two cores (seen to fail once at 3 s).
    assert.ok(await smpp.egress!.waitUp(15_000));
    const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    await app.addSignature(admin, cp.id, { signature: '【示例】' });
    await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
    await smpp.credentials.create(admin, cp.id, { systemId: 'shili', password: 'pw' });
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: smpp.smppPort!, systemId: 'shili', password: 'pw' });
    const text = '【示例】您的快递已到驿站。';
    const r = await e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8, short_message: encodeText(text, 8) });
    assert.equal(r.command_status, 0);
    await worker.drain();
    const end = Date.now() + 15_000;
    while (!sim.outbox().some((d) => d.text === text)) {
      if (Date.now() > end) assert.fail('not delivered to the simulator');
      await new Promise((res) => setTimeout(res, 10));
    }
    // What the README's `GET /v1/simulator/outbox?to=13800138000` filters on: the number in E.164,
    // though the gateway's SMPP client sent it as 8613800138000.
    assert.deepEqual(sim.outbox('+8613800138000').map((d) => d.text), [text]);
    await e.close();
  } finally {
    await worker.stop();
    await smpp.close();
    await store.close();
  }
});

test('startSmpp: an SMPP port already taken rejects, and what it had started (the simulator SMSC, the upstream link) is closed', async () => {
  const { createServer } = await import('node:net');
  const listen = (port: number) => new Promise<import('node:net').Server>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(port, '127.0.0.1', () => res(s));
  });
  const close = (s: import('node:net').Server) => new Promise((r) => s.close(r));
  const taken = await listen(0);
  const probe = await listen(0);
  const simPort = (probe.address() as { port: number }).port;
  await close(probe);
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  try {
    await assert.rejects(startSmpp({
      app, credentialStore: new SqliteSmppCredentials(store.db), contentProviderExists: async () => false,
      portKind: async () => null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
      smppPort: (taken.address() as { port: number }).port, smppHost: '127.0.0.1', upstream: 'simulator', simulator: new SimulatorSmsc(clock), simulatorSmppPort: simPort,
    }), /EADDRINUSE/);
    // The simulator SMSC had listened on simPort before the server failed: the port is free again.
    await close(await listen(simPort));
  } finally {
    await close(taken);
    await store.close();
  }
});

for (const upstreamThread of [true, false]) {
  test(`heldLinks (the stops in force in scale-out): a held link never binds, the others do; a start binds it (client ${upstreamThread ? 'on its thread' : 'in process'})`, { timeout: 30_000 }, async () => {
    const held = new FakeSmsc({ misbehaviour: 'none', dlr: false });
    const other = new FakeSmsc({ misbehaviour: 'none', dlr: false });
    await held.listen();
    await other.listen();
    const store = new SqliteStore(':memory:');
    const clock = new SimulatedClock(NOON_SHANGHAI);
    const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
    const doors = await startSmpp({
      app, credentialStore: new SqliteSmppCredentials(store.db), contentProviderExists: async () => false,
      portKind: async () => null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
      smppPort: null, smppHost: '127.0.0.1', upstreamThread,
      upstream: `smpp://u:p@127.0.0.1:${held.port}?name=held,smpp://u:p@127.0.0.1:${other.port}?name=other`,
      heldLinks: [{ name: 'held', by: 'tok_op', at: 1 }, { name: 'gone', by: 'tok_op', at: 1 }],
    });
    try {
      const stateOf = async (name: string) => (await doors.egress!.linkStatus(1000)).links.find((l) => l.name === name)?.state;
      await until(async () => (await stateOf('other')) === 'bound', 5000, 'the other link bound');
      // the links connect side by side: had the held one been let go, it would have bound by now
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(held.binds, 0, 'the held link never bound');
      const s = await doors.egress!.linkStatus(1000);
      const byName = Object.fromEntries(s.links.map((l) => [l.name, l]));
      assert.deepEqual([byName.held.state, byName.held.stoppedBy, byName.held.stoppedAt], ['stopped', 'tok_op', 1]);
      assert.equal(byName.other.state, 'bound');
      const r = await doors.egress!.startLink('held', 1000);
      assert.ok(r.ok && r.changed);
      await until(() => held.binds === 1, 5000, 'the started link to bind');
    } finally {
      await doors.close();
      await held.close();
      await other.close();
      await store.close();
    }
  });
}

/**
 * The SMPP server keeps the acknowledged parts of unfinished long messages in its deliveries' store
 * (provider_parts): a part is answered ESME_ROK only once kept, refused with ESME_RSYSERR when it
 * could not be (its sender sends it again, and the set still completes), and a set's parts leave the
 * store once it is decided or expires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { MemorySmppDeliveries } from '../../../src/smpp/server/memory-deliveries.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, Tag, buildConcatUdh, encodeText, smDefaults, tlvCString, tlvUtf8CString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { ProviderPart } from '../../../src/ports/smpp-deliveries.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';
import { until } from '../../helpers/wait.js';

/** Fails the next `failNext` keeps (each a turn's parts). */
class FlakyParts extends MemorySmppDeliveries {
  failNext = 0;
  override async keepParts(parts: readonly ProviderPart[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('disk full');
    }
    return super.keepParts(parts);
  }
}

const part = (ref: number, total: number, seq: number, text: string, registered_delivery = 0): SmPdu => ({
  ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', esm_class: EsmClass.UDHI, data_coding: 8, registered_delivery,
  short_message: Buffer.concat([buildConcatUdh({ ref, total, seq }), encodeText(text, 8)]),
});

test('a part is acknowledged once kept, refused when it cannot be; the store forgets sets decided or expired', { timeout: 30_000 }, async () => {
  const app = new FakeApp();
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => 'cred_1' });
  await creds.create({ role: 'admin', actorId: 'a' }, 'cp_1', { systemId: 'cp1', password: 'pw' });
  const parts = new FlakyParts();
  const logs: string[] = [];
  const server = new SmppServer({ app, deliveries: parts, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', reassemblyTtlMs: 300, log: (m) => void logs.push(m) });
  const port = await server.listen(0, '127.0.0.1');
  const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'pw', bindType: 'transmitter' });
  try {
    parts.failNext = 1;
    assert.equal((await e.request(part(5, 2, 1, '【示例】第一段'))).command_status, CommandStatus.ESME_RSYSERR, 'not kept: refused');
    assert.ok(logs.includes('smpp part not kept'));
    assert.deepEqual(await parts.openParts(), []);
    assert.equal((await e.request(part(5, 2, 1, '【示例】第一段'))).command_status, CommandStatus.ESME_ROK, 'sent again: kept');
    assert.equal((await parts.openParts()).length, 1);
    const last = await e.request(part(5, 2, 2, '第二段'));
    assert.equal(last.command_status, CommandStatus.ESME_ROK);
    assert.equal(app.submissions.at(-1)!.input.text, '【示例】第一段第二段');
    await until(async () => (await parts.openParts()).length === 0, 2000, 'the decided set forgotten');

    assert.equal((await e.request(part(6, 3, 1, '【示例】只有一段', 1))).command_status, CommandStatus.ESME_ROK);
    assert.equal((await parts.openParts()).length, 1);
    // the server's housekeeping expires sets once a second; the part's EXPIRED receipt waits for a receiver bind
    await until(async () => (await parts.openParts()).length === 0, 5000, 'the expired set forgotten');
    assert.ok(logs.includes('smpp partial message dropped'));
    await until(async () => (await parts.count('cp_1')) === 1, 2000, 'the EXPIRED receipt kept for the provider');
  } finally {
    await e.close();
    await server.close();
  }
});

test('two gateway processes on one store: a set reopened by the one that started later is not reported expired once the other completed it', { timeout: 30_000 }, async () => {
  const app = new FakeApp();
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => 'cred_1' });
  await creds.create({ role: 'admin', actorId: 'a' }, 'cp_1', { systemId: 'cp1', password: 'pw' });
  const shared = new MemorySmppDeliveries();
  const make = () => new SmppServer({ app, deliveries: shared, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', reassemblyTtlMs: 400 });
  const a = make();
  const portA = await a.listen(0, '127.0.0.1');
  const e = await SmppEsme.connect({ host: '127.0.0.1', port: portA, systemId: 'cp1', password: 'pw', bindType: 'transmitter' });
  let b: SmppServer | null = null;
  try {
    assert.equal((await e.request(part(9, 2, 1, '【示例】上半', 1))).command_status, CommandStatus.ESME_ROK);
    // another process starts meanwhile and reopens the set from the shared store
    b = make();
    await b.listen(0, '127.0.0.1');
    assert.equal((await e.request(part(9, 2, 2, '下半', 1))).command_status, CommandStatus.ESME_ROK);
    assert.equal(app.submissions.at(-1)!.input.text, '【示例】上半下半');
    await until(async () => (await shared.openParts()).length === 0, 2000, 'the set dropped by the process that completed it');
    // the later process's copy expires (housekeeping runs each second): it finds nothing kept and says nothing
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(await shared.count('cp_1'), 0, 'no EXPIRED receipt for a part of a message that was accepted');
  } finally {
    await e.close();
    await a.close();
    await b?.close();
  }
});

/**
 * Two gateway processes (servers) on one shared store, an ESME bound to each as provider cp_1: the
 * set-up of the cases whose parts go to both. Closes what it made, whatever `body` did.
 */
async function withTwoProcesses(body: (c: { app: FakeApp; shared: MemorySmppDeliveries; ea: SmppEsme; eb: SmppEsme }) => Promise<void>): Promise<void> {
  const app = new FakeApp();
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => 'cred_1' });
  await creds.create({ role: 'admin', actorId: 'a' }, 'cp_1', { systemId: 'cp1', password: 'pw' });
  const shared = new MemorySmppDeliveries();
  const make = () => new SmppServer({ app, deliveries: shared, sharedEvents: true, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async () => 'service', reassemblyTtlMs: 400 });
  const a = make();
  const b = make();
  const [portA, portB] = [await a.listen(0, '127.0.0.1'), await b.listen(0, '127.0.0.1')];
  const ea = await SmppEsme.connect({ host: '127.0.0.1', port: portA, systemId: 'cp1', password: 'pw', bindType: 'transmitter' });
  const eb = await SmppEsme.connect({ host: '127.0.0.1', port: portB, systemId: 'cp1', password: 'pw', bindType: 'transmitter' });
  try {
    await body({ app, shared, ea, eb });
  } finally {
    await ea.close();
    await eb.close();
    await a.close();
    await b.close();
  }
}

test('two gateway processes on one store: the parts of one set sent to each meet, and the process holding the last part decides the whole', { timeout: 30_000 }, async () => {
  await withTwoProcesses(async ({ app, shared, ea, eb }) => {
    const before = app.submissions.length;
    const first = await ea.request(part(11, 3, 1, '【示例】第一', 1));
    assert.equal(first.command_status, CommandStatus.ESME_ROK);
    assert.equal((await eb.request(part(11, 3, 3, '第三', 1))).command_status, CommandStatus.ESME_ROK);
    assert.equal(app.submissions.length, before, 'two of three: nothing decided');
    const last = await ea.request(part(11, 3, 2, '第二', 1));
    assert.equal(last.command_status, CommandStatus.ESME_ROK);
    assert.equal(app.submissions.length, before + 1);
    const s = app.submissions.at(-1)!;
    assert.equal(s.input.text, '【示例】第一第二第三', 'decided on the whole text, in part order');
    assert.match((last as { message_id: string }).message_id, /^msg_/, 'the part that completed it carries the message id');
    assert.equal((s.input.clientPartIds as string[]).length, 2, 'the other parts\' ids recorded with it');
    assert.ok((s.input.clientPartIds as string[]).includes((first as { message_id: string }).message_id));
    assert.deepEqual(await shared.openParts(), []);
    // the copy the other process held expires unreported
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(await shared.count('cp_1'), 0, 'no EXPIRED receipt for parts of a message that was decided');
  });
});

test('two gateway processes on one store: the vendor TLVs of a part another process kept are the set\'s; parts disagreeing across processes refuse it', { timeout: 30_000 }, async () => {
  await withTwoProcesses(async ({ app, shared, ea, eb }) => {
    const withTlvs = (p: SmPdu, category: string): SmPdu => ({ ...p, tlvs: [tlvUtf8CString(Tag.smsguard_category, category), tlvCString(Tag.smsguard_charged_service, 'chs_1')] });
    const before = app.submissions.length;
    // part 1 with the TLVs to B; parts 2 and 3 to A, which takes the set whole from the store
    assert.equal((await eb.request(withTlvs(part(21, 3, 1, '【示例】第一'), 'promotions'))).command_status, CommandStatus.ESME_ROK);
    assert.equal((await ea.request(part(21, 3, 2, '第二'))).command_status, CommandStatus.ESME_ROK);
    assert.equal((await ea.request(part(21, 3, 3, '第三'))).command_status, CommandStatus.ESME_ROK);
    assert.equal(app.submissions.length, before + 1);
    const s = app.submissions.at(-1)!;
    assert.deepEqual([s.input.text, s.input.category, s.input.chargedServiceId], ['【示例】第一第二第三', 'promotions', 'chs_1']);
    // part 1 says promotions (B), part 2 news (A): refused whole, nothing decided
    assert.equal((await eb.request(withTlvs(part(22, 3, 1, '【示例】第一'), 'promotions'))).command_status, CommandStatus.ESME_ROK);
    assert.equal((await ea.request(withTlvs(part(22, 3, 2, '第二'), 'news'))).command_status, CommandStatus.ESME_ROK);
    assert.equal((await ea.request(part(22, 3, 3, '第三'))).command_status, CommandStatus.ESME_RINVOPTPARAMVAL);
    assert.equal(app.submissions.length, before + 1, 'nothing decided');
    assert.deepEqual(await shared.openParts(), []);
  });
});

test('a set reopened at start that finds no room (smaller bounds than the process that kept it) ends as expired, its parts told; the others complete', { timeout: 30_000 }, async () => {
  const app = new FakeApp();
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => 'cred_1' });
  await creds.create({ role: 'admin', actorId: 'a' }, 'cp_1', { systemId: 'cp1', password: 'pw' });
  const parts = new MemorySmppDeliveries();
  const opts = { app, deliveries: parts, authenticate: (s: string, p: string, ip: string) => creds.authenticate(s, p, ip), portKind: async () => 'service' };
  const first = new SmppServer(opts);
  const e = await SmppEsme.connect({ host: '127.0.0.1', port: await first.listen(0, '127.0.0.1'), systemId: 'cp1', password: 'pw', bindType: 'transmitter' });
  for (const ref of [7, 8]) assert.equal((await e.request(part(ref, 2, 1, '【示例】前一半', 1))).command_status, CommandStatus.ESME_ROK);
  await e.close();
  await first.close();
  assert.equal((await parts.openParts()).length, 2, 'both kept across the restart');
  const logs: string[] = [];
  const second = new SmppServer({ ...opts, reassembly: { maxSetsPerOwner: 1 }, log: (m) => void logs.push(m) });
  const e2 = await SmppEsme.connect({ host: '127.0.0.1', port: await second.listen(0, '127.0.0.1'), systemId: 'cp1', password: 'pw', bindType: 'transmitter' });
  try {
    await until(async () => (await parts.openParts()).length === 1, 2000, 'the set with no room forgotten');
    assert.ok(logs.includes('smpp partial message dropped'));
    await until(async () => (await parts.count('cp_1')) === 1, 2000, 'its part\'s EXPIRED receipt kept for the provider');
    assert.equal((await e2.request(part(7, 2, 2, '后一半'))).command_status, CommandStatus.ESME_ROK);
    assert.equal(app.submissions.at(-1)!.input.text, '【示例】前一半后一半', 'the set that had room completes');
  } finally {
    await e2.close();
    await second.close();
  }
});

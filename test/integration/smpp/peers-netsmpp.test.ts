/**
 * Interop with Perl Net::SMPP (shared/peers/kannel), an SMPP implementation nobody here wrote:
 * smpp-client.pl binds to smsguard's SMPP server, and smsguard's upstream client binds to
 * smsc-sink.pl. Skips with a clear message when Net::SMPP is not installed (CI installs it).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmppGateway, type SmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { freePort, netSmppMissing, parseKv, peersDir, start, waitListening } from '../../fakes/smpp/peers.js';
import { until } from '../../helpers/wait.js';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { Tag, tlvString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { MemoryCredentials } from '../../fakes/smpp/memory-credentials.js';
import { FakeApp } from '../../fakes/smpp/fake-app.js';

/**
 * A Net::SMPP receiver that unbinds with `n` receipts in flight and answers them after its unbind
 * (`answer`) or never (`ignore`); resolves with its RESULT, the rows kept for the provider and what a
 * fresh bind of our own client receives next (docs/SMPP.md, unbind).
 */
async function netSmppUnbindsWithReceipts(n: number, mode: 'answer' | 'ignore'): Promise<{ result: Record<string, string>; out: string; kept: number; again: string[] }> {
  const store = new SqliteStore(':memory:');
  const app = new FakeApp();
  const creds = new SmppCredentials({ store: new MemoryCredentials(), contentProviderExists: async () => true, now: () => Date.now(), newId: () => `cred_${Math.random()}` });
  await creds.create({ role: 'admin', actorId: 'a' }, 'cp_1', { systemId: 'cp1', password: 'secret1' });
  const server = new SmppServer({ app, authenticate: (id, pw, ip) => creds.authenticate(id, pw, ip), portKind: async () => 'service', deliveries: store.smppDeliveries, session: { responseTimeoutMs: 1500 } });
  const port = await server.listen(0, '127.0.0.1');
  try {
    const script = fileURLToPath(new URL('../../fakes/smpp/netsmpp-unbind-receipts.pl', import.meta.url));
    const p = start('perl', [script, String(port), 'cp1', 'secret1', String(n), mode]);
    await until(() => server.bindCount('cp_1') === 1, 10_000, 'the Net::SMPP receiver bound');
    const t = Date.now();
    for (let i = 0; i < n; i++) app.events.emit('messageStatus', { id: `msg_${i}`, contentProviderId: 'cp_1', status: 'delivered', at: t, from: '10690001', to: '13800138001', submittedAt: t - 1000, registeredDelivery: true, text: 'hello' });
    assert.equal(await p.exited, 0, p.out());
    await until(() => server.bindCount('cp_1') === 0, 10_000, 'the session ended');
    await server.deliveries.settled();
    const kept = await store.smppDeliveries.count('cp_1');
    const again: string[] = [];
    const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'cp1', password: 'secret1', bindType: 'receiver', onDeliver: (d) => (again.push(tlvString((d as SmPdu).tlvs, Tag.receipted_message_id)!), 0) });
    await new Promise((r) => setTimeout(r, 2500));
    await e.close();
    return { result: parseKv(p.out().split('\n').find((l) => l.startsWith('RESULT')) ?? ''), out: p.out(), kept, again: again.sort() };
  } finally {
    await server.close();
    await store.close();
  }
}

const skip = netSmppMissing();

describe('interop with Perl Net::SMPP', { skip }, () => {
  test('smpp-client.pl → smsguard SMPP server: Chinese UCS-2 submits decided, receipts back', async () => {
    const g: SmppGateway = await startSmppGateway();
    try {
      const n = 40;
      const p = start('perl', [join(peersDir()!, 'smpp-client.pl'), '--host', '127.0.0.1', '--port', String(g.port), '--system-id', g.systemId, '--password', g.password,
        '--count', String(n), '--window', '10', '--source', '10690001', '--dest', '13800000000', '--dest-step', '1', '--ucs2',
        '--text', '【示例】您的验证码是%n，5分钟内有效。', '--registered-delivery', '1', '--expect-deliver', String(n), '--wait-deliver', '20', '--max-seconds', '60']);
      const code = await p.exited;
      const line = p.out().split('\n').find((l) => l.startsWith('RESULT')) ?? '';
      assert.equal(code, 0, p.out());
      const r = parseKv(line);
      assert.equal(r.resp_ok, String(n), line);
      const texts = g.sim.outbox().map((d) => d.text);
      assert.equal(texts.length, n);
      assert.ok(texts.includes('【示例】您的验证码是7，5分钟内有效。'), texts[0]);
    } finally {
      await g.close();
    }
  });

  test('smpp-client.pl: a rejected submit gets the table status (unsigned text → signature_missing 0x406)', async () => {
    const g = await startSmppGateway();
    try {
      const p = start('perl', [join(peersDir()!, 'smpp-client.pl'), '--host', '127.0.0.1', '--port', String(g.port), '--system-id', g.systemId, '--password', g.password,
        '--count', '3', '--source', '10690001', '--dest', '13800138000', '--text', 'no signature here', '--max-seconds', '20']);
      const code = await p.exited;
      assert.equal(code, 2, 'not every submit answered ESME_ROK');
      const out = p.out();
      assert.match(out, /0x00000406/, out);
      assert.equal(g.sim.outbox().length, 0);
    } finally {
      await g.close();
    }
  });

  test('Net::SMPP submit_multi → smsguard: one message per SME destination, a distribution list and a bad number listed in unsuccess_sme', async () => {
    const g = await startSmppGateway();
    try {
      const script = fileURLToPath(new URL('../../fakes/smpp/netsmpp-submit-multi.pl', import.meta.url));
      const p = start('perl', [script, String(g.port), g.systemId, g.password, '10690001', '【示例】您的订单已发货。', '13800138001', 'dl:vip', '13800138002', 'abc']);
      assert.equal(await p.exited, 0, p.out());
      const r = parseKv(p.out().split('\n').find((l) => l.startsWith('RESULT')) ?? '');
      assert.equal(r.status, '0x00000000', p.out());
      assert.equal(r.no_unsuccess, '2');
      assert.equal(r.unsuccess, 'vip/0x00000040,abc/0x0000000b', 'ESME_RINVDESTFLAG, and invalid_msisdn as ESME_RINVDSTADR');
      const first = (await g.app.getMessage({ role: 'admin', actorId: 'a' }, r.message_id)) as { to: string };
      assert.match(first.to, /13800138001$/, 'message_id names the first destination taken');
      await until(() => g.sim.outbox().length === 2, 10_000);
      assert.deepEqual(g.sim.outbox().map((d) => d.text), ['【示例】您的订单已发货。', '【示例】您的订单已发货。']);
    } finally {
      await g.close();
    }
  });

  test('Net::SMPP replace_sm → smsguard: a queued message\'s text replaced and decided again (an unsigned replacement refused 0x406, nothing changed)', async () => {
    const g = await startSmppGateway({ realClock: true });
    try {
      const script = fileURLToPath(new URL('../../fakes/smpp/netsmpp-replace.pl', import.meta.url));
      // scheduled ten minutes ahead, so it waits in the queue; then replaced, then an unsigned text refused
      const p = start('perl', [script, String(g.port), g.systemId, g.password, '10690001', '13800138401', '000000001000000R', '【示例】明天上午十点开会', '【示例】会议改到明天下午三点', '会议取消']);
      assert.equal(await p.exited, 0, p.out());
      const r = parseKv(p.out().split('\n').find((l) => l.startsWith('RESULT')) ?? '');
      assert.equal(r.submit, '0x00000000', p.out());
      assert.equal(r.replace, '0x00000000,0x00000406', 'replaced; then signature_missing from the status table');
      const m = (await g.app.getMessage({ role: 'admin', actorId: 'a' }, r.message_id)) as { text: string; status: string };
      assert.deepEqual([m.text, m.status], ['【示例】会议改到明天下午三点', 'accepted']);
    } finally {
      await g.close();
    }
  });

  test('Net::SMPP receiver unbinds with receipts in flight and answers them after its unbind: counted delivered, none sent again at the next bind', { timeout: 40_000 }, async () => {
    const r = await netSmppUnbindsWithReceipts(5, 'answer');
    assert.deepEqual([r.result.held, r.result.unbind_ok, r.result.late], ['5', '1', '0'], r.out);
    assert.equal(r.kept, 0, 'nothing kept for the next bind');
    assert.deepEqual(r.again, [], 'no receipt delivered twice');
  });

  test('Net::SMPP receiver unbinds and never answers its receipts: unbind_resp within the response timeout, each delivered at the next bind', { timeout: 40_000 }, async () => {
    const r = await netSmppUnbindsWithReceipts(5, 'ignore');
    assert.deepEqual([r.result.held, r.result.unbind_ok], ['5', '1'], r.out);
    assert.deepEqual(r.again, ['msg_0', 'msg_1', 'msg_2', 'msg_3', 'msg_4'], 'at-least-once');
  });

  test('smsguard upstream client → smsc-sink.pl: submitted, acknowledged, receipts matched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-sink-'));
    const port = await freePort();
    const stats = join(dir, 'sink.stats');
    const sink = start('perl', [join(peersDir()!, 'smsc-sink.pl'), '--port', String(port), '--system-id', 'test', '--password', 'test', '--stats', stats, '--dlr', '--max-seconds', '120', '--quiet']);
    let g: SmppGateway | null = null;
    try {
      await waitListening(port);
      g = await startSmppGateway({ upstreamUrl: `smpp://test:test@127.0.0.1:${port}?name=sink` });
      const principal = { role: 'content-provider' as const, contentProviderId: g.cpId, actorId: 't' };
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        const o = await g.app.submitMessage(principal, { from: '10690001', to: `1380013${String(8000 + i)}`, text: `【示例】您的订单${i}已发货。`, type: 'notification' }, 'http');
        assert.ok(o.ok, JSON.stringify(o));
        ids.push(o.id);
      }
      const gw = g;
      await until(async () => {
        for (const id of ids) if ((await gw.app.getMessage({ role: 'admin', actorId: 'a' }, id) as { status: string }).status !== 'delivered') return false;
        return true;
      }, 20_000);
      await until(() => /submit=25\b/.test(readFileSync(stats, 'utf8')), 20_000);
      const s = parseKv(readFileSync(stats, 'utf8'));
      assert.equal(s.submit, '25', 'each message submitted exactly once');
    } finally {
      await g?.close();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Interop with the Node `smpp` package (0.5.x), the SMPP client most Node content providers bind
 * with, written by nobody here: it binds transceiver to smsguard's SMPP server, submits Chinese text
 * (it picks UCS-2 itself), a long message in UDH parts and a refused one, receives its receipts and
 * an MO as deliver_sm, answers our enquire_link itself and unbinds. The package keeps no window of
 * its own (issue 4): a burst of submits written without waiting must each get exactly one answer, and
 * everything answered ESME_ROK must reach the SMSC once.
 *
 * The vendor TLVs (docs/SMPP.md) are declared to the package the way its users would:
 * `smpp.addTLV('smsguard_message_type', { id: 0x1400, type: smpp.types.tlv.cstring })`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ADMIN, startSmppGateway, type SmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { waitFor } from '../../helpers/wait.js';

/** The few parts of the untyped package this test uses. */
interface NodeSmppPdu {
  command: string;
  command_status: number;
  sequence_number: number;
  message_id?: string;
  esm_class?: number;
  source_addr?: string;
  destination_addr?: string;
  short_message?: { message: string | Buffer; udh?: Buffer[] };
  receipted_message_id?: string;
  response(o?: Record<string, unknown>): NodeSmppPdu;
}
interface NodeSmppSession {
  on(event: string, cb: (pdu: NodeSmppPdu) => void): void;
  once(event: string, cb: (x: unknown) => void): void;
  send(pdu: NodeSmppPdu): boolean;
  bind_transceiver(o: Record<string, unknown>, cb: (pdu: NodeSmppPdu) => void): void;
  submit_sm(o: Record<string, unknown>, cb: (pdu: NodeSmppPdu) => void): void;
  unbind(cb: (pdu: NodeSmppPdu) => void): void;
  close(): void;
}
interface NodeSmpp {
  connect(o: { url: string; auto_enquire_link_period?: number }, onConnect?: () => void): NodeSmppSession;
  addTLV(tag: string, o: { id: number; type: unknown }): void;
  types: { tlv: { cstring: unknown } };
}

const smpp = createRequire(import.meta.url)('smpp') as NodeSmpp;
smpp.addTLV('smsguard_message_type', { id: 0x1400, type: smpp.types.tlv.cstring });

/** Binds the package's client transceiver; answers deliver_sm and our enquire_link as its users must. */
async function bind(g: SmppGateway): Promise<{ s: NodeSmppSession; delivers: NodeSmppPdu[]; enquiresAnswered: () => number }> {
  const delivers: NodeSmppPdu[] = [];
  let enquires = 0;
  const s = await new Promise<NodeSmppSession>((res, rej) => {
    const x = smpp.connect({ url: `smpp://127.0.0.1:${g.port}` }, () => res(x));
    x.once('error', rej);
  });
  s.on('deliver_sm', (pdu) => {
    delivers.push(pdu);
    s.send(pdu.response());
  });
  s.on('enquire_link', (pdu) => {
    enquires++;
    s.send(pdu.response());
  });
  const r = await new Promise<NodeSmppPdu>((res) => s.bind_transceiver({ system_id: g.systemId, password: g.password }, res));
  assert.equal(r.command_status, 0, `bind_transceiver answered 0x${r.command_status.toString(16)}`);
  return { s, delivers, enquiresAnswered: () => enquires };
}

function submit(s: NodeSmppSession, o: Record<string, unknown>): Promise<NodeSmppPdu> {
  return new Promise((res) => s.submit_sm({ source_addr: '10690001', registered_delivery: 1, smsguard_message_type: 'verification', ...o }, res));
}

const textOf = (p: NodeSmppPdu) => String(p.short_message?.message ?? '');

/** Runs `fn` over a fresh bind of the package's client, then unbinds (asserting ESME_ROK) and closes it. */
async function withBind(g: SmppGateway, fn: (b: Awaited<ReturnType<typeof bind>>) => Promise<void>): Promise<void> {
  const b = await bind(g);
  try {
    await fn(b);
  } finally {
    const u = await new Promise<NodeSmppPdu>((res) => b.s.unbind(res));
    b.s.close();
    assert.equal(u.command_status, 0, 'unbind_resp');
  }
}

describe('interop with the Node smpp package (0.5.x) as a content provider\'s ESME', () => {
  let g: SmppGateway;
  before(async () => {
    g = await startSmppGateway();
  });
  after(async () => {
    await g.close();
  });

  test('Chinese submits (the package picks UCS-2) are decided, reach the SMSC as written, and their receipts come back', async () => {
    await withBind(g, async ({ s, delivers }) => {
      const text = '【示例】您的验证码是482915，5分钟内有效。';
      const r = await submit(s, { destination_addr: '13800138000', short_message: text });
      assert.equal(r.command_status, 0);
      assert.match(r.message_id ?? '', /\S/);
      await waitFor(() => g.sim.outbox().find((d) => d.text === text));
      const dlr = await waitFor(() => delivers.find((d) => d.receipted_message_id === r.message_id));
      assert.equal((dlr.esm_class ?? 0) & 0x3c, 0x04, 'a delivery receipt (esm_class 0x04)');
      assert.match(textOf(dlr), new RegExp(`^id:${r.message_id} .*stat:DELIVRD`));
    });
  });

  test('a refusal reaches the package as the table\'s command_status (no signature → 0x406), and nothing is sent', async () => {
    await withBind(g, async ({ s }) => {
      const before = g.sim.outbox().length;
      const r = await submit(s, { destination_addr: '13900139000', short_message: '您的验证码是654321' });
      assert.equal(r.command_status, 0x406);
      await g.worker.drain();
      assert.equal(g.sim.outbox().length, before);
    });
  });

  test('a long message in the package\'s UDH form ({udh, message}) is put together and decided whole', async () => {
    await withBind(g, async ({ s }) => {
      const parts = ['【示例】您的订单已发货，' + '物流信息更新。'.repeat(8), '请留意查收，如有疑问请联系客服。'];
      const whole = parts.join('');
      const resps: NodeSmppPdu[] = [];
      for (let k = 1; k <= 2; k++) {
        resps.push(await submit(s, { destination_addr: '13800138010', smsguard_message_type: 'notification', short_message: { udh: Buffer.from([0x05, 0x00, 0x03, 0x2a, 2, k]), message: parts[k - 1] } }));
      }
      assert.deepEqual(resps.map((r) => r.command_status), [0, 0]);
      await waitFor(() => g.sim.outbox().find((d) => d.text === whole));
      assert.equal(g.sim.outbox().filter((d) => d.to.endsWith('13800138010')).length, 1);
    });
  });

  test('a long message in message_payload (the package codes it as it codes short_message) is decided whole', async () => {
    await withBind(g, async ({ s }) => {
      const whole = '【示例】您的账单已生成，' + '本期应还金额请于到期日前还款。'.repeat(6);
      const r = await submit(s, { destination_addr: '13800138011', smsguard_message_type: 'notification', message_payload: whole });
      assert.equal(r.command_status, 0);
      await waitFor(() => g.sim.outbox().find((d) => d.text === whole));
    });
  });

  test('an MO at the carrier reaches the package as deliver_sm in its own text', async () => {
    await withBind(g, async ({ s, delivers }) => {
      g.sim.injectMo({ from: '+8613700137000', to: '10690001', text: '收到，谢谢' });
      const mo = await waitFor(() => delivers.find((d) => textOf(d) === '收到，谢谢'));
      assert.equal((mo.esm_class ?? 0) & 0x3c, 0, 'an MO, not a receipt');
      assert.equal(mo.destination_addr, '10690001');
      assert.match(mo.source_addr ?? '', /13700137000$/);
    });
  });

  test('a burst of 300 submits written without waiting (the package has no window): each answered once, the accepted ones sent once', async () => {
    await withBind(g, async ({ s }) => {
      const n = 300;
      const answers = new Map<number, NodeSmppPdu[]>();
      s.on('submit_sm_resp', (p) => answers.set(p.sequence_number, [...(answers.get(p.sequence_number) ?? []), p]));
      const texts: string[] = [];
      const all = [];
      for (let i = 0; i < n; i++) {
        const text = `【示例】您的验证码是${String(100000 + i)}，5分钟内有效。`;
        texts.push(text);
        all.push(submit(s, { destination_addr: `1380020${String(i).padStart(4, '0')}`, short_message: text }));
      }
      const resps = await Promise.all(all);
      assert.equal(answers.size, n, 'one answer per request');
      assert.ok([...answers.values()].every((a) => a.length === 1), 'no request answered twice');
      // past the window (100) the server may throttle; whatever it accepted is sent, exactly once
      assert.ok(resps.every((r) => r.command_status === 0 || r.command_status === 0x58), resps.map((r) => r.command_status).join(','));
      const accepted = resps.map((r, i) => (r.command_status === 0 ? texts[i] : null)).filter((t): t is string => t !== null);
      assert.ok(accepted.length >= 100, `${accepted.length} accepted`);
      await waitFor(() => accepted.every((t) => g.sim.outbox().some((d) => d.text === t)) || undefined, 20_000);
      const sent = g.sim.outbox().map((d) => d.text);
      for (const t of texts) assert.equal(sent.filter((x) => x === t).length, accepted.includes(t) ? 1 : 0, t);
    });
  });

  test('our enquire_link reaches the package, its user answers it, and the bind outlives the idle timeout', async () => {
    // enquire_link after 150 ms of quiet, closed after 600 ms with no word from the ESME: only the
    // package's answers keep the bind up through 1.5 s of quiet
    const gw = await startSmppGateway({ session: { enquireLinkIntervalMs: 150, idleTimeoutMs: 600 } });
    try {
      await withBind(gw, async ({ s, enquiresAnswered }) => {
        let closed = false;
        s.on('close', () => (closed = true));
        await new Promise((r) => setTimeout(r, 1500));
        assert.ok(enquiresAnswered() >= 3, `${enquiresAnswered()} enquire_link answered`);
        assert.equal(closed, false);
        const r = await submit(s, { destination_addr: '13800138020', short_message: '【示例】您的验证码是111111，5分钟内有效。' });
        assert.equal(r.command_status, 0);
      });
    } finally {
      await gw.close();
    }
  });
});

interface NodeSmppServer {
  listen(port: number, host: string, cb: () => void): void;
  address(): { port: number };
  close(cb?: () => void): void;
  sessions: NodeSmppSession[];
}
interface NodeSmppSessionAsSmsc extends NodeSmppSession {
  deliver_sm(o: Record<string, unknown>, cb?: (pdu: NodeSmppPdu) => void): void;
}

/**
 * An SMSC written with the package's server, as a developer's stand-in for a carrier: answers binds
 * and submits with decimal ids, sends each submit's receipt (data_coding 0, its own Appendix B text,
 * no receipted_message_id TLV: the body is all there is) and, on `mo()`, a reply in UCS-2.
 */
async function nodeSmsc(): Promise<{ port: number; submits: NodeSmppPdu[]; receiptsAnswered: number[]; mo(from: string, to: string, text: string): void; close(): Promise<void> }> {
  const submits: NodeSmppPdu[] = [];
  const receiptsAnswered: number[] = [];
  let next = 1000;
  const stamp = '2611301200';
  const server = (smpp as unknown as { createServer(cb: (s: NodeSmppSessionAsSmsc) => void): NodeSmppServer }).createServer((s) => {
    s.on('bind_transceiver', (pdu) => s.send(pdu.response()));
    s.on('enquire_link', (pdu) => s.send(pdu.response()));
    s.on('unbind', (pdu) => {
      s.send(pdu.response());
      s.close();
    });
    s.on('submit_sm', (pdu) => {
      submits.push(pdu);
      const id = String(next++);
      s.send(pdu.response({ message_id: id }));
      setTimeout(() => s.deliver_sm({
        source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 0x04,
        short_message: `id:${id} sub:001 dlvrd:001 submit date:${stamp} done date:${stamp} stat:DELIVRD err:000 text:`,
      }, (r) => receiptsAnswered.push(r.command_status)), 20);
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return {
    port: server.address().port,
    submits,
    receiptsAnswered,
    mo(from, to, text) {
      for (const s of server.sessions as NodeSmppSessionAsSmsc[]) s.deliver_sm({ source_addr: from, destination_addr: to, short_message: text });
    },
    close: () => new Promise((res) => server.close(() => res())),
  };
}

describe('interop with the Node smpp package (0.5.x) as the carrier SMSC smsguard\'s client binds to', () => {
  test('a message reaches it whole in UCS-2, its receipt (body only, decimal id) makes the message delivered, and an MO it sends reaches the provider', async () => {
    const smsc = await nodeSmsc();
    const g = await startSmppGateway({ upstreamUrl: `smpp://smsguard:pw@127.0.0.1:${smsc.port}?name=nodesmsc` });
    try {
      await withBind(g, async ({ s, delivers }) => {
        const text = '【示例】您的验证码是731204，5分钟内有效。';
        const r = await submit(s, { destination_addr: '13800138030', short_message: text });
        assert.equal(r.command_status, 0);
        const sent = await waitFor(() => smsc.submits.find((p) => textOf(p) === text));
        assert.equal((sent as unknown as { data_coding: number }).data_coding, 8);
        assert.match(sent.destination_addr ?? '', /13800138030$/);
        const id = r.message_id!;
        await waitFor(async () => ((await g.app.getMessage(ADMIN, id)) as { status: string } | null)?.status === 'delivered' || undefined);
        // the provider's own receipt, under smsguard's id
        await waitFor(() => delivers.find((d) => d.receipted_message_id === id));
        assert.deepEqual(smsc.receiptsAnswered, [0]);
        smsc.mo('8613700137031', '10690001', '收到，谢谢');
        const mo = await waitFor(() => delivers.find((d) => textOf(d) === '收到，谢谢'));
        assert.match(mo.source_addr ?? '', /13700137031$/);
      });
    } finally {
      await g.close();
      await smsc.close();
    }
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Session, RateLimiter, responseFor, type SessionHandler, type SessionOptions } from '../../../src/smpp/session/index.js';
import { CommandStatus, decodePdu, encodePdu, PduDecodeError, smDefaults, type CancelSmPdu, type MultiDest, type Pdu, type QuerySmPdu, type ReplaceSmPdu, type SmPdu, type SubmitMultiPdu } from '../../../src/smpp/pdu/index.js';
import { cstr, rawPdu } from '../../helpers/raw-pdu.js';

type Ev = { kind: string; [k: string]: unknown };

/** A session whose output is recorded; `wire` holds PDUs it sent (through the real codec). */
function mk(opts: Partial<SessionOptions> & { role: 'smsc' | 'esme' }, extra: Partial<SessionHandler<number>> = {}, now = 0) {
  const wire: Pdu[] = [];
  const events: Ev[] = [];
  const h: SessionHandler<number> = {
    send: (p) => wire.push(decodePdu(encodePdu(p))),
    close: (reason) => events.push({ kind: 'close', reason }),
    onBind: (p) => events.push({ kind: 'bind', pdu: p }),
    onRequest: (p) => events.push({ kind: 'request', pdu: p }),
    onResponse: (resp, _req, ctx) => events.push({ kind: 'response', resp, ctx }),
    onTimeout: (_req, ctx) => events.push({ kind: 'timeout', ctx }),
    onBound: (type) => events.push({ kind: 'bound', type }),
    onBindFailed: (status) => events.push({ kind: 'bindFailed', status }),
    onClosed: (reason, unanswered) => events.push({ kind: 'closed', reason, ctxs: unanswered.map((u) => u.ctx) }),
    ...extra,
  };
  const s = new Session<number>(opts, h, now);
  return { s, wire, events };
}

const submit = (to = '13800138000'): SmPdu => ({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, destination_addr: to, short_message: Buffer.from('hi') });

/** Binds an esme session by feeding it the bind_resp. */
function boundEsme(opts: Partial<SessionOptions> = {}) {
  const e = mk({ role: 'esme', ...opts });
  e.s.bind('transceiver', { systemId: 'sys', password: 'pw' }, 0);
  const bind = e.wire.shift()!;
  e.s.receive(responseFor(bind, 0, 'SMSC'), 0);
  return e;
}

describe('session: bind', () => {
  test('esme ⇄ smsc bind transceiver through the codec', () => {
    const e = mk({ role: 'esme' });
    const srv = mk({ role: 'smsc' });
    e.s.bind('transceiver', { systemId: 'cp1', password: 'secret' }, 0);
    srv.s.receive(e.wire.shift()!, 0);
    const bindEv = srv.events.find((x) => x.kind === 'bind')!;
    assert.equal((bindEv.pdu as { system_id: string }).system_id, 'cp1');
    assert.equal(srv.s.state, 'binding');
    srv.s.acceptBind('smsguard');
    assert.equal(srv.s.state, 'bound_trx');
    // SMPP 3.4 §4.1.2: the bind_resp says which version we speak, so the ESME may use optional parameters.
    const resp = srv.wire[0] as { command: string; tlvs: { tag: number; value: Uint8Array }[] };
    assert.equal(resp.command, 'bind_transceiver_resp');
    assert.deepEqual([...resp.tlvs.find((t) => t.tag === 0x0210)!.value], [0x34]);
    e.s.receive(srv.wire.shift()!, 1);
    assert.equal(e.s.state, 'bound_trx');
    assert.deepEqual(e.events.map((x) => x.kind), ['bound']);
  });

  test('an ESME bound as SMPP 3.3 (interface_version 0x33) gets no TLVs: none in bind_resp, none on deliver_sm', () => {
    const receipt = (): SmPdu => ({ ...smDefaults(), command: 'deliver_sm', sequence_number: 0, esm_class: 4, short_message: Buffer.from('id:1 stat:DELIVRD'), tlvs: [{ tag: 0x001e, value: Buffer.from('1\0') }, { tag: 0x0427, value: Buffer.from([2]) }] });
    for (const [version, tlvs] of [[0x33, 0], [0x00, 0], [0x34, 2], [0x50, 2]] as const) {
      const srv = mk({ role: 'smsc' });
      srv.s.receive({ command: 'bind_receiver', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: version, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
      srv.s.acceptBind('s');
      const resp = srv.wire[0] as { tlvs: unknown[] };
      assert.equal(resp.tlvs.length, tlvs === 0 ? 0 : 1, `bind_resp to 0x${version.toString(16)}`);
      const d = receipt();
      srv.s.request(d, 1, 0);
      assert.equal((srv.wire[1] as SmPdu).tlvs.length, tlvs, `deliver_sm to 0x${version.toString(16)}`);
      assert.equal((srv.wire[1] as SmPdu).short_message.toString(), 'id:1 stat:DELIVRD', 'the text stays');
      assert.equal(d.tlvs.length, 2, "the caller's PDU keeps its TLVs (it may go to another bind)");
    }
  });

  test('rejected bind: esme learns the status and is back to open', () => {
    const e = mk({ role: 'esme' });
    e.s.bind('transmitter', { systemId: 'x', password: 'y' }, 0);
    e.s.receive(responseFor(e.wire.shift()!, CommandStatus.ESME_RINVPASWD), 0);
    assert.equal(e.s.state, 'open');
    assert.deepEqual(e.events, [{ kind: 'bindFailed', status: CommandStatus.ESME_RINVPASWD }]);
  });

  test('submit_sm before bind → ESME_RINVBNDSTS; second bind → ESME_RALYBND', () => {
    const srv = mk({ role: 'smsc' });
    srv.s.receive({ ...submit(), sequence_number: 9 }, 0);
    assert.equal(srv.wire[0].command, 'submit_sm_resp');
    assert.equal(srv.wire[0].command_status, CommandStatus.ESME_RINVBNDSTS);
    assert.equal(srv.wire[0].sequence_number, 9);
    const bind: Pdu = { command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' };
    srv.s.receive(bind, 0);
    srv.s.acceptBind('s');
    srv.s.receive({ ...bind, sequence_number: 2 }, 0);
    assert.equal(srv.wire.at(-1)!.command_status, CommandStatus.ESME_RALYBND);
  });

  test('a receiver bind may not submit', () => {
    const srv = mk({ role: 'smsc' });
    srv.s.receive({ command: 'bind_receiver', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
    srv.s.acceptBind('s');
    srv.s.receive({ ...submit(), sequence_number: 2 }, 0);
    assert.equal(srv.wire.at(-1)!.command_status, CommandStatus.ESME_RINVBNDSTS);
  });

  test('a submit crossing our unbind (smsc role) is answered ESME_RSYSERR, temporary; one its bind could not send stays ESME_RINVBNDSTS', () => {
    const bindOf = (command: 'bind_transceiver' | 'bind_receiver') => ({ command, command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }) as const;
    const trx = mk({ role: 'smsc' });
    trx.s.receive(bindOf('bind_transceiver'), 0);
    trx.s.acceptBind('s');
    trx.s.unbind(0);
    assert.equal(trx.wire.at(-1)!.command, 'unbind');
    trx.s.receive({ ...submit(), sequence_number: 2 }, 0);
    assert.deepEqual([trx.wire.at(-1)!.command, trx.wire.at(-1)!.command_status], ['submit_sm_resp', CommandStatus.ESME_RSYSERR]);
    const rx = mk({ role: 'smsc' });
    rx.s.receive(bindOf('bind_receiver'), 0);
    rx.s.acceptBind('s');
    rx.s.unbind(0);
    rx.s.receive({ ...submit(), sequence_number: 2 }, 0);
    assert.equal(rx.wire.at(-1)!.command_status, CommandStatus.ESME_RINVBNDSTS);
  });

  test('no bind within bindTimeoutMs closes (smsc role)', () => {
    const srv = mk({ role: 'smsc', bindTimeoutMs: 1000 });
    srv.s.tick(999);
    assert.equal(srv.s.state, 'open');
    srv.s.tick(1000);
    assert.equal(srv.s.state, 'closed');
  });
});

describe('session: window, timeouts, keepalive', () => {
  test('window caps in-flight requests; responses let the queue through in order', () => {
    const e = boundEsme({ windowSize: 3 });
    for (let i = 0; i < 5; i++) e.s.request(submit(), i, 0);
    assert.equal(e.wire.length, 3);
    assert.equal(e.s.inFlight, 3);
    assert.equal(e.s.backlog, 2);
    e.s.receive(responseFor(e.wire[0], 0, 'm0'), 1);
    assert.equal(e.wire.length, 4);
    const seqs = e.wire.map((p) => p.sequence_number);
    assert.equal(new Set(seqs).size, 4, 'sequence numbers are unique');
    assert.deepEqual(e.events.filter((x) => x.kind === 'response').map((x) => x.ctx), [0]);
  });

  test('requests queued before the bind completes go out once bound', () => {
    const e = mk({ role: 'esme' });
    e.s.bind('transmitter', { systemId: 'a', password: 'b' }, 0);
    e.s.request(submit(), 1, 0);
    assert.equal(e.wire.length, 1);
    e.s.receive(responseFor(e.wire[0], 0, 'x'), 0);
    assert.equal(e.wire.length, 2);
    assert.equal(e.wire[1].command, 'submit_sm');
  });

  test('an unanswered request times out, the late answer is ignored', () => {
    const e = boundEsme({ responseTimeoutMs: 1000, enquireLinkIntervalMs: 1e9, idleTimeoutMs: 1e9 });
    e.s.request(submit(), 7, 0);
    e.s.tick(999);
    assert.equal(e.events.filter((x) => x.kind === 'timeout').length, 0);
    e.s.tick(1000);
    assert.deepEqual(e.events.filter((x) => x.kind === 'timeout').map((x) => x.ctx), [7]);
    e.s.receive(responseFor(e.wire[0], 0, 'late'), 1001);
    assert.equal(e.events.filter((x) => x.kind === 'response').length, 0);
  });

  test('idle link: enquire_link after the interval; unanswered → close with requests handed back', () => {
    const e = boundEsme({ enquireLinkIntervalMs: 100, responseTimeoutMs: 50, idleTimeoutMs: 1e9, windowSize: 1 });
    e.s.request(submit(), 1, 0);
    e.s.request(submit(), 2, 0);
    e.s.receive(responseFor(e.wire[0], 0, 'a'), 0); // 1 answered, 2 sent
    e.s.tick(100);
    // request 2 timed out at 50 but tick only now runs: it reports timeout, then enquire_link goes out
    assert.equal(e.wire.at(-1)!.command, 'enquire_link');
    e.s.tick(150);
    assert.equal(e.s.state, 'closed');
    assert.equal(e.events.find((x) => x.kind === 'close')!.reason, 'enquire_link unanswered');
  });

  test('enquire_link from the peer is answered in any state', () => {
    const srv = mk({ role: 'smsc' });
    srv.s.receive({ command: 'enquire_link', command_status: 0, sequence_number: 33 }, 0);
    assert.deepEqual(srv.wire[0], { command: 'enquire_link_resp', command_status: 0, sequence_number: 33 });
  });

  test('an unbind before any bind (OPEN state, SMPP 3.4 §2.3) is answered ESME_RINVBNDSTS and the connection stays open for a bind', () => {
    for (const role of ['smsc', 'esme'] as const) {
      const x = mk({ role, bindTimeoutMs: 1000 });
      x.s.receive({ command: 'unbind', command_status: 0, sequence_number: 7 }, 0);
      assert.deepEqual(x.wire, [{ command: 'unbind_resp', command_status: CommandStatus.ESME_RINVBNDSTS, sequence_number: 7 }], role);
      assert.equal(x.s.state, 'open', role);
      assert.equal(x.events.filter((e) => e.kind === 'close' || e.kind === 'closed').length, 0, `${role}: not closed`);
    }
    // an smsc still takes a bind after it, and a bound session's unbind is answered as ever
    const srv = mk({ role: 'smsc', bindTimeoutMs: 1000 });
    srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 1 }, 0);
    srv.s.receive({ command: 'bind_transmitter', command_status: 0, sequence_number: 2, system_id: 'cp', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 1);
    // while the bind is being checked (binding) the session is not bound either
    srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 3 }, 1);
    srv.s.acceptBind('smsguard');
    srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 4 }, 2);
    assert.deepEqual(srv.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [
      ['unbind_resp', CommandStatus.ESME_RINVBNDSTS, 1], ['unbind_resp', CommandStatus.ESME_RINVBNDSTS, 3], ['bind_transmitter_resp', 0, 2], ['unbind_resp', 0, 4],
    ]);
    assert.equal(srv.s.state, 'closed');
    // one that never binds is still closed by the bind timeout
    const idle = mk({ role: 'smsc', bindTimeoutMs: 1000 });
    idle.s.receive({ command: 'unbind', command_status: 0, sequence_number: 1 }, 0);
    idle.s.tick(1000);
    assert.equal(idle.s.state, 'closed');
  });

  test('peer unbind: unbind_resp then close; everything unanswered handed back exactly once', () => {
    const e = boundEsme({ windowSize: 2 });
    e.s.receive({ command: 'unbind', command_status: 0, sequence_number: 99 }, 0);
    assert.equal(e.wire.at(-1)!.command, 'unbind_resp');
    assert.equal(e.s.state, 'closed');
    e.s.request(submit(), 9, 1);
    assert.deepEqual(e.events.at(-1), { kind: 'closed', reason: 'peer unbound', ctxs: [9] });
  });

  describe("the SMSC's unbind with our submit_sm in flight (esme role): their answers come first", () => {
    /** A bound transceiver with two submits written (ctx 0, 1) and two queued (ctx 2, 3; window 2), then the SMSC's unbind. */
    const unbound = (extra: Partial<SessionHandler<number>> = {}) => {
      const e = mk({ role: 'esme', windowSize: 2, responseTimeoutMs: 1000 }, extra);
      e.s.bind('transceiver', { systemId: 'sys', password: 'pw' }, 0);
      e.s.receive(responseFor(e.wire.shift()!, 0, 'SMSC'), 0);
      for (let i = 0; i < 4; i++) e.s.request(submit(), i, 0);
      e.s.receive({ command: 'unbind', command_status: 0, sequence_number: 99 }, 10);
      return e;
    };

    test('no unbind_resp and no new submit until each in flight is answered; each answer goes up; the queued handed back', () => {
      const back: number[][] = [];
      const e = unbound({ onHandBack: (q) => back.push(q.map((u) => u.ctx)) });
      assert.equal(e.s.state, 'unbinding');
      assert.deepEqual(e.wire.map((p) => p.command), ['submit_sm', 'submit_sm'], 'no unbind_resp yet');
      assert.deepEqual(back, [[2, 3]], 'the queued ones go back at once, to fail over');
      e.s.receive(responseFor(e.wire[0], 0, 'id0'), 20);
      assert.deepEqual(e.wire.map((p) => p.command), ['submit_sm', 'submit_sm'], 'the freed slot sends nothing');
      e.s.receive(responseFor(e.wire[1], 0, 'id1'), 30);
      assert.deepEqual(e.wire.map((p) => [p.command, p.sequence_number]).slice(2), [['unbind_resp', 99]]);
      assert.equal(e.s.state, 'closed');
      const answered = e.events.filter((x) => x.kind === 'response').map((x) => [x.ctx, (x.resp as { message_id: string }).message_id]);
      assert.deepEqual(answered, [[0, 'id0'], [1, 'id1']]);
      assert.deepEqual(e.events.find((x) => x.kind === 'closed')!.ctxs, [], 'nothing handed back twice');
    });

    test('answers never coming: each times out within the response timeout, then unbind_resp; without onHandBack the queued go back at the close', () => {
      const e = unbound();
      e.s.tick(999);
      assert.equal(e.s.state, 'unbinding');
      e.s.tick(1000);
      assert.deepEqual(e.events.filter((x) => x.kind === 'timeout').map((x) => x.ctx), [0, 1]);
      assert.equal(e.wire.at(-1)!.command, 'unbind_resp');
      assert.equal(e.s.state, 'closed');
      assert.deepEqual(e.events.find((x) => x.kind === 'closed')!.ctxs, [2, 3]);
    });
  });

  describe('our unbind (esme role): deliver_sm that cross it are taken and answered before the close', () => {
    const receipt = (seq: number): SmPdu => ({ ...smDefaults(), command: 'deliver_sm', sequence_number: seq, esm_class: 4, short_message: Buffer.from('id:1 stat:DELIVRD') });
    const unbinding = (type: 'transceiver' | 'transmitter' = 'transceiver') => {
      const e = mk({ role: 'esme', responseTimeoutMs: 1000 });
      e.s.bind(type, { systemId: 'sys', password: 'pw' }, 0);
      e.s.receive(responseFor(e.wire.shift()!, 0, 'SMSC'), 0);
      e.s.unbind(10);
      return e;
    };

    test('a deliver_sm after our unbind is handed up; the unbind_resp waits for its answer; one after the unbind_resp is refused', () => {
      const e = unbinding();
      const unbind = e.wire[0];
      e.s.receive(receipt(70), 11);
      assert.deepEqual(e.events.filter((x) => x.kind === 'request').map((x) => (x.pdu as SmPdu).sequence_number), [70], 'taken as on a bound session');
      e.s.receive(responseFor(unbind, 0), 12);
      assert.equal(e.s.state, 'unbinding', 'not closed while the receipt is being recorded');
      e.s.receive(receipt(71), 13);
      assert.deepEqual([e.wire.at(-1)!.command, e.wire.at(-1)!.sequence_number, e.wire.at(-1)!.command_status], ['deliver_sm_resp', 71, CommandStatus.ESME_RINVBNDSTS], 'none taken after the unbind_resp');
      e.s.respond(responseFor(receipt(70), CommandStatus.ESME_ROK));
      assert.deepEqual([e.wire.at(-1)!.command, e.wire.at(-1)!.sequence_number, e.wire.at(-1)!.command_status], ['deliver_sm_resp', 70, CommandStatus.ESME_ROK]);
      assert.equal(e.s.state, 'closed');
    });

    test('answered before the unbind_resp: closes on the unbind_resp as before; never answered: closes at the response timeout', () => {
      const a = unbinding();
      a.s.receive(receipt(70), 11);
      a.s.respond(responseFor(receipt(70), CommandStatus.ESME_ROK));
      assert.equal(a.s.state, 'unbinding');
      a.s.receive(responseFor(a.wire[0], 0), 12);
      assert.equal(a.s.state, 'closed');
      const b = unbinding();
      b.s.receive(receipt(70), 11);
      b.s.receive(responseFor(b.wire[0], 0), 12);
      b.s.tick(1011);
      assert.equal(b.s.state, 'unbinding');
      b.s.tick(1012);
      assert.equal(b.s.state, 'closed');
      assert.deepEqual(b.events.find((x) => x.kind === 'close'), { kind: 'close', reason: 'unbound (answers outstanding)' });
    });

    test("a transmitter's unbind takes no deliver_sm (it could not before it either); the SMSC's crossing unbind waits for those taken", () => {
      const tx = unbinding('transmitter');
      tx.s.receive(receipt(70), 11);
      assert.deepEqual([tx.wire.at(-1)!.command, tx.wire.at(-1)!.command_status], ['deliver_sm_resp', CommandStatus.ESME_RINVBNDSTS]);
      const e = unbinding();
      e.s.receive(receipt(70), 11);
      e.s.receive({ command: 'unbind', command_status: 0, sequence_number: 80 }, 12);
      assert.equal(e.wire.at(-1)!.command, 'unbind', 'no unbind_resp while the receipt is being recorded');
      e.s.receive(receipt(71), 13);
      assert.equal(e.wire.at(-1)!.command_status, CommandStatus.ESME_RINVBNDSTS, 'none taken after the SMSC unbinds');
      e.s.respond(responseFor(receipt(70), CommandStatus.ESME_ROK));
      assert.deepEqual(e.wire.slice(-2).map((p) => [p.command, p.sequence_number]), [['deliver_sm_resp', 70], ['unbind_resp', 80]]);
      assert.equal(e.s.state, 'closed');
    });
  });

  test('peer unbind behind requests still handled: answered after them, or after the response timeout', () => {
    const bound = () => {
      const srv = mk({ role: 'smsc', responseTimeoutMs: 1000 });
      srv.s.receive({ command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'cp', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
      srv.s.acceptBind('smsguard');
      srv.wire.length = 0;
      return srv;
    };
    const srv = bound();
    srv.s.receive({ ...submit(), sequence_number: 10 }, 0);
    srv.s.receive({ ...submit(), sequence_number: 11 }, 0);
    srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 12 }, 0);
    assert.equal(srv.wire.length, 0, 'no unbind_resp while submits are open');
    srv.s.receive({ ...submit(), sequence_number: 13 }, 0);
    assert.deepEqual([srv.wire[0].command, srv.wire[0].command_status], ['submit_sm_resp', CommandStatus.ESME_RINVBNDSTS], 'nothing new taken');
    srv.s.respond(responseFor({ command: 'submit_sm', sequence_number: 10 }, 0, 'm10'));
    assert.ok(!srv.events.some((x) => x.kind === 'close'));
    srv.s.respond(responseFor({ command: 'submit_sm', sequence_number: 11 }, 0, 'm11'));
    assert.deepEqual(srv.wire.map((p) => [p.command, p.sequence_number]), [['submit_sm_resp', 13], ['submit_sm_resp', 10], ['submit_sm_resp', 11], ['unbind_resp', 12]]);
    assert.equal(srv.s.state, 'closed');
    // a submit never answered does not hold the unbind for ever
    const slow = bound();
    slow.s.receive({ ...submit(), sequence_number: 20 }, 0);
    slow.s.receive({ command: 'unbind', command_status: 0, sequence_number: 21 }, 0);
    slow.s.tick(999);
    assert.equal(slow.s.state, 'unbinding');
    slow.s.tick(1000);
    assert.deepEqual(slow.wire.map((p) => p.command), ['unbind_resp']);
    assert.equal(slow.s.state, 'closed');
  });

  test('our unbind: closes on unbind_resp', () => {
    const e = boundEsme();
    e.s.unbind(0);
    assert.equal(e.s.state, 'unbinding');
    e.s.receive(responseFor(e.wire.at(-1)!, 0), 1);
    assert.equal(e.s.state, 'closed');
  });

  describe('an unbind with our deliver_sm in flight (smsc role): they are answered first', () => {
    const deliver = (): SmPdu => ({ ...smDefaults(), command: 'deliver_sm', sequence_number: 0, esm_class: 4, short_message: Buffer.from('id:1 stat:DELIVRD') });
    /** A bound receiver with three deliver_sm written (ctx 1..3) and one more queued (ctx 4, window 3). */
    const rx = () => {
      const srv = mk({ role: 'smsc', responseTimeoutMs: 1000, windowSize: 3 });
      srv.s.receive({ command: 'bind_receiver', command_status: 0, sequence_number: 1, system_id: 'cp', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
      srv.s.acceptBind('smsguard');
      srv.wire.length = 0;
      for (let i = 1; i <= 4; i++) srv.s.request(deliver(), i, 0);
      return srv;
    };
    const answer = (srv: ReturnType<typeof rx>, i: number, at: number) => srv.s.receive(responseFor(srv.wire[i], 0), at);

    test("the ESME's unbind: no new deliver_sm, unbind_resp once each has its answer; the queued one handed back", () => {
      const srv = rx();
      assert.equal(srv.wire.length, 3);
      srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 50 }, 10);
      assert.equal(srv.s.state, 'unbinding');
      assert.equal(srv.wire.length, 3, 'no unbind_resp yet');
      answer(srv, 0, 20);
      assert.equal(srv.wire.length, 3, 'no deliver_sm into the freed slot');
      answer(srv, 1, 20);
      answer(srv, 2, 30);
      assert.deepEqual(srv.wire.slice(3).map((p) => [p.command, p.sequence_number]), [['unbind_resp', 50]]);
      assert.deepEqual(srv.events.filter((x) => x.kind === 'response').map((x) => x.ctx), [1, 2, 3], 'each answer reaches the layer above');
      assert.deepEqual(srv.events.find((x) => x.kind === 'closed'), { kind: 'closed', reason: 'peer unbound', ctxs: [4] });
    });

    test("the ESME's unbind, answers never coming: unbind_resp at the deliver_sm's response timeout, each handed back once", () => {
      const srv = rx();
      srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 50 }, 10);
      answer(srv, 1, 20);
      srv.s.tick(999);
      assert.equal(srv.s.state, 'unbinding');
      srv.s.tick(1000);
      assert.equal(srv.wire.at(-1)!.command, 'unbind_resp');
      assert.equal(srv.s.state, 'closed');
      const ends = srv.events.filter((x) => x.kind === 'timeout' || x.kind === 'response' || x.kind === 'closed');
      assert.deepEqual(ends.map((x) => x.ctx ?? x.ctxs), [2, 1, 3, [4]]);
    });

    test('our unbind (a stop, a revocation): sent once the deliver_sm in flight are answered, or timed out', () => {
      const srv = rx();
      srv.s.unbind(10);
      assert.equal(srv.s.unbindHeld, true);
      assert.equal(srv.wire.length, 3, 'no unbind while deliver_sm are in flight');
      answer(srv, 0, 20);
      answer(srv, 1, 20);
      assert.equal(srv.wire.length, 3);
      srv.s.tick(1000); // the third times out
      assert.equal(srv.s.unbindHeld, false);
      assert.equal(srv.wire.at(-1)!.command, 'unbind');
      srv.s.receive(responseFor(srv.wire.at(-1)!, 0), 1001);
      assert.equal(srv.s.state, 'closed');
      assert.deepEqual(srv.events.filter((x) => ['response', 'timeout', 'closed'].includes(x.kind)).map((x) => x.ctx ?? x.ctxs), [1, 2, 3, [4]]);
    });

    test("the ESME's unbind crossing our held one: answered once ours in flight are settled", () => {
      const srv = rx();
      srv.s.unbind(10);
      srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 60 }, 11);
      assert.equal(srv.wire.length, 3);
      for (const i of [0, 1, 2]) answer(srv, i, 20);
      assert.deepEqual(srv.wire.slice(3).map((p) => [p.command, p.sequence_number]), [['unbind_resp', 60]], 'no unbind of ours after it');
      assert.equal(srv.s.state, 'closed');
    });

    test('with onHandBack: the queued deliver_sm are handed back when the wait begins, not at the close', () => {
      for (const ours of [true, false]) {
        const back: number[][] = [];
        const srv = mk({ role: 'smsc', responseTimeoutMs: 1000, windowSize: 3 }, { onHandBack: (q) => back.push(q.map((u) => u.ctx)) });
        srv.s.receive({ command: 'bind_receiver', command_status: 0, sequence_number: 1, system_id: 'cp', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
        srv.s.acceptBind('smsguard');
        srv.wire.length = 0;
        for (let i = 1; i <= 5; i++) srv.s.request(deliver(), i, 0);
        if (ours) srv.s.unbind(10);
        else srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 50 }, 10);
        assert.deepEqual(back, [[4, 5]], ours ? 'our unbind' : "the ESME's unbind");
        for (const i of [0, 1, 2]) answer(srv, i, 20);
        if (ours) srv.s.receive(responseFor(srv.wire.at(-1)!, 0), 21);
        assert.equal(srv.s.state, 'closed');
        assert.deepEqual(srv.events.find((x) => x.kind === 'closed')!.ctxs, [], 'nothing handed back twice');
      }
    });

    test('nothing in flight: our unbind goes at once, the ESME\'s is answered at once (as before)', () => {
      const a = mk({ role: 'smsc' });
      a.s.receive({ command: 'bind_receiver', command_status: 0, sequence_number: 1, system_id: 'cp', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
      a.s.acceptBind('s');
      a.s.unbind(0);
      assert.equal(a.wire.at(-1)!.command, 'unbind');
      const b = mk({ role: 'smsc' });
      b.s.receive({ command: 'bind_receiver', command_status: 0, sequence_number: 1, system_id: 'cp', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
      b.s.acceptBind('s');
      b.s.receive({ command: 'unbind', command_status: 0, sequence_number: 2 }, 0);
      assert.equal(b.wire.at(-1)!.command, 'unbind_resp');
      assert.equal(b.s.state, 'closed');
    });
  });

  test('generic_nack from the peer answers the request it names', () => {
    const e = boundEsme();
    e.s.request(submit(), 5, 0);
    e.s.receive({ command: 'generic_nack', command_status: CommandStatus.ESME_RSYSERR, sequence_number: e.wire[0].sequence_number }, 0);
    const r = e.events.find((x) => x.kind === 'response')!;
    assert.equal(r.ctx, 5);
    assert.equal((r.resp as Pdu).command_status, CommandStatus.ESME_RSYSERR);
  });
});

describe('session: flow control and bad input', () => {
  function boundSmsc(opts: Partial<SessionOptions> = {}) {
    const srv = mk({ role: 'smsc', ...opts });
    srv.s.receive({ command: 'bind_transceiver', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
    srv.s.acceptBind('s');
    srv.wire.length = 0;
    return srv;
  }

  test('past the content provider rate: ESME_RTHROTTLED, and the rate recovers with time', () => {
    const srv = boundSmsc({ inboundRate: new RateLimiter(2, 2, 0) });
    for (let i = 1; i <= 3; i++) srv.s.receive({ ...submit(), sequence_number: 10 + i }, 0);
    assert.equal(srv.events.filter((x) => x.kind === 'request').length, 2);
    assert.deepEqual(srv.wire.map((p) => [p.sequence_number, p.command_status]), [[13, CommandStatus.ESME_RTHROTTLED]]);
    srv.s.receive({ ...submit(), sequence_number: 20 }, 500);
    assert.equal(srv.events.filter((x) => x.kind === 'request').length, 3);
  });

  test('inbound window: unanswered requests beyond it are throttled and reading pauses', () => {
    const srv = boundSmsc({ inboundWindow: 2 });
    srv.s.receive({ ...submit(), sequence_number: 2 }, 0);
    assert.equal(srv.s.wantsRead, true);
    srv.s.receive({ ...submit(), sequence_number: 3 }, 0);
    assert.equal(srv.s.wantsRead, false);
    srv.s.receive({ ...submit(), sequence_number: 4 }, 0);
    assert.equal(srv.wire.at(-1)!.command_status, CommandStatus.ESME_RTHROTTLED);
    srv.s.respond(responseFor({ command: 'submit_sm', sequence_number: 2 }, 0, 'id'));
    assert.equal(srv.s.wantsRead, true);
  });

  test('undecodable submit_sm → submit_sm_resp with the error status; unknown id → generic_nack; framing → close', () => {
    const srv = boundSmsc({ maxDecodeErrors: 3 });
    srv.s.decodeError(new PduDecodeError('bad', CommandStatus.ESME_RINVMSGLEN, 5, 0x04), 0);
    assert.deepEqual([srv.wire[0].command, srv.wire[0].command_status, srv.wire[0].sequence_number], ['submit_sm_resp', CommandStatus.ESME_RINVMSGLEN, 5]);
    srv.s.decodeError(new PduDecodeError('bad', CommandStatus.ESME_RINVCMDID, 6, 0x77), 0);
    assert.equal(srv.wire[1].command, 'generic_nack');
    srv.s.decodeError(new PduDecodeError('len', CommandStatus.ESME_RINVCMDLEN, 0, undefined, true), 0);
    assert.equal(srv.s.state, 'closed');
  });

  test('a bad command_length: generic_nack ESME_RINVCMDLEN with the header sequence_number, then close', () => {
    const srv = boundSmsc();
    srv.s.decodeError(new PduDecodeError('len', CommandStatus.ESME_RINVCMDLEN, 0x1234, undefined, true), 0);
    assert.deepEqual(srv.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [['generic_nack', CommandStatus.ESME_RINVCMDLEN, 0x1234]]);
    assert.equal(srv.s.state, 'closed');
    const closeAt = srv.events.findIndex((e) => e.kind === 'close');
    assert.ok(closeAt >= 0, 'closed after the nack');
  });

  test('too many malformed PDUs cost the session', () => {
    const srv = boundSmsc({ maxDecodeErrors: 2 });
    for (let i = 0; i < 3; i++) srv.s.decodeError(new PduDecodeError('bad', CommandStatus.ESME_RINVCMDID, i, 0x77), 0);
    assert.equal(srv.s.state, 'closed');
  });

  test('alert_notification and outbind from an SMSC (esme role) take no answer and cost nothing', () => {
    const e = boundEsme({ maxDecodeErrors: 2 });
    const frame = (id: number, body: Buffer) => {
      const h = Buffer.alloc(16);
      h.writeUInt32BE(16 + body.length, 0);
      h.writeUInt32BE(id, 4);
      h.writeUInt32BE(7, 12);
      return Buffer.concat([h, body]);
    };
    // alert_notification (SMPP 3.4 §4.12): source and esme addresses; outbind (§4.1.7): system_id, password
    const alert = frame(0x102, Buffer.from('\x01\x018613800138000\0\x01\x0110690001\0', 'latin1'));
    const outbind = frame(0x0b, Buffer.from('smsc\0pw\0', 'latin1'));
    for (let i = 0; i < 5; i++) {
      for (const f of [alert, outbind]) {
        assert.throws(() => decodePdu(f), (err: unknown) => {
          e.s.decodeError(err as PduDecodeError, 0);
          return err instanceof PduDecodeError;
        });
      }
    }
    assert.equal(e.wire.length, 0, 'no generic_nack for PDUs that have no response');
    assert.equal(e.s.state, 'bound_trx');
    // an SMSC sending another unknown command still gets generic_nack and is counted
    e.s.decodeError(new PduDecodeError('bad', CommandStatus.ESME_RINVCMDID, 9, 0x77), 0);
    assert.deepEqual(e.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [['generic_nack', CommandStatus.ESME_RINVCMDID, 9]]);
  });

  test('a bind_*, submit_sm, submit_multi, query_sm, cancel_sm or replace_sm from an SMSC (esme role): its resp ESME_RINVBNDSTS whatever its fields, never counted as malformed', () => {
    const frame = rawPdu;
    const readable: Pdu[] = [
      { command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
      { command: 'bind_receiver', command_status: 0, sequence_number: 2, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
      { command: 'bind_transceiver', command_status: 0, sequence_number: 3, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
      { ...submit(), sequence_number: 4 },
      {
        command: 'submit_multi', command_status: 0, sequence_number: 5, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001',
        dest_addresses: [{ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '13800138000' }], esm_class: 0, protocol_id: 0, priority_flag: 0,
        schedule_delivery_time: '', validity_period: '', registered_delivery: 0, replace_if_present_flag: 0, data_coding: 0, sm_default_msg_id: 0, short_message: Buffer.from('hi'), tlvs: [],
      },
      { command: 'query_sm', command_status: 0, sequence_number: 6, message_id: 'm1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' },
      { command: 'cancel_sm', command_status: 0, sequence_number: 7, service_type: '', message_id: 'm1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' },
      {
        command: 'replace_sm', command_status: 0, sequence_number: 8, message_id: 'm1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001',
        schedule_delivery_time: '', validity_period: '', registered_delivery: 0, sm_default_msg_id: 0, short_message: Buffer.from('new'),
      },
    ];
    const frames = [
      ...readable.map((p) => encodePdu(p)),
      // bodies that do not decode: each would have got its field's status and counted
      frame(0x02, 11, Buffer.concat([cstr('x'.repeat(40)), cstr('pw'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])), // system_id over 16
      frame(0x04, 12, Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr('8'.repeat(30)), Buffer.from([1, 1]), cstr('13800138000')])), // source over 21
      frame(0x21, 13, Buffer.concat([cstr(''), Buffer.from([0, 0]), cstr('10690001'), Buffer.from([1, 3])])), // dest_flag 3
      frame(0x03, 14, Buffer.concat([cstr('m'.repeat(80)), Buffer.from([0, 0]), cstr('')])), // message_id over 65
      frame(0x08, 15, Buffer.concat([cstr(''), cstr('m'.repeat(80))])),
      frame(0x07, 16, Buffer.concat([cstr('m'.repeat(80))])),
    ];
    let undecodable = 0;
    const feed = (e: ReturnType<typeof mk>, f: Buffer) => {
      try {
        e.s.receive(decodePdu(f), 0);
      } catch (err) {
        assert.ok(err instanceof PduDecodeError);
        undecodable++;
        e.s.decodeError(err, 0);
      }
    };
    const resp = ['bind_transmitter_resp', 'bind_receiver_resp', 'bind_transceiver_resp', 'submit_sm_resp', 'submit_multi_resp', 'query_sm_resp', 'cancel_sm_resp', 'replace_sm_resp'];
    const want = [...resp.map((c, i) => [c, CommandStatus.ESME_RINVBNDSTS, i + 1]), ...['bind_transmitter_resp', 'submit_sm_resp', 'submit_multi_resp', 'query_sm_resp', 'cancel_sm_resp', 'replace_sm_resp'].map((c, i) => [c, CommandStatus.ESME_RINVBNDSTS, 11 + i])];
    const e = boundEsme({ maxDecodeErrors: 2 });
    e.wire.length = 0;
    for (let round = 0; round < 3; round++) for (const f of frames) feed(e, f);
    assert.deepEqual(e.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [...want, ...want, ...want]);
    assert.equal(undecodable, 18, 'the last six frames of each round do not decode');
    assert.equal(e.s.state, 'bound_trx', 'none of the 42 counted as malformed (three would have closed it)');
    assert.ok(!e.events.some((x) => x.kind === 'request'), 'nothing handed up');
    // before our bind is answered too: no state allows them from an SMSC
    const binding = mk({ role: 'esme', maxDecodeErrors: 2 });
    binding.s.bind('transceiver', { systemId: 'sys', password: 'pw' }, 0);
    binding.wire.length = 0;
    for (const f of frames) feed(binding, f);
    assert.deepEqual(binding.wire.map((p) => [p.command, p.command_status, p.sequence_number]), want);
    assert.equal(binding.s.state, 'binding');
    // a malformed deliver_sm (which an SMSC may send) still gets its field's status and counts
    e.wire.length = 0;
    e.s.decodeError(new PduDecodeError('long addr', CommandStatus.ESME_RINVPARLEN, 30, 0x05), 0);
    assert.deepEqual(e.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [['deliver_sm_resp', CommandStatus.ESME_RINVPARLEN, 30]]);
  });

  test('a deliver_sm, alert_notification or outbind from an ESME (smsc role): ESME_RINVBNDSTS whatever its fields, never counted as malformed', () => {
    const frame = rawPdu;
    /** A deliver_sm body: service_type, source, dest, then the fixed fields up to sm_length, short_message, TLVs. */
    const deliverBody = (o: { source?: string; schedule?: string; smLength?: number; sm?: string; tlvs?: Buffer } = {}) => Buffer.concat([
      cstr(''), Buffer.from([1, 1]), cstr(o.source ?? '8613800138000'), Buffer.from([0, 0]), cstr('10690001'), Buffer.from([4, 0, 0]),
      cstr(o.schedule ?? ''), cstr(''), Buffer.from([0, 0, 0, 0, o.smLength ?? (o.sm ?? 'id:1').length]), Buffer.from(o.sm ?? 'id:1', 'latin1'), o.tlvs ?? Buffer.alloc(0),
    ]);
    const frames = [
      frame(0x05, 11, deliverBody({ source: '8'.repeat(30) })), // an address over its 20 characters (was ESME_RINVPARLEN)
      frame(0x05, 12, deliverBody({ smLength: 200 })), // sm_length past the end (was ESME_RINVMSGLEN)
      frame(0x05, 13, deliverBody({ tlvs: Buffer.from([0x04, 0x27, 0, 9, 1]) })), // a TLV overrunning the PDU (was ESME_RINVOPTPARSTREAM)
      frame(0x05, 14, deliverBody({ schedule: '0000000010000000R0' })), // an over-long time (was ESME_RINVSCHED)
      frame(0x05, 15, deliverBody()), // readable: the session's bind-state rule, as before
      frame(0x102, 16, Buffer.from('\x01\x018613800138000\0\x01\x0110690001\0', 'latin1')),
      frame(0x0b, 17, Buffer.from('smsc\0pw\0', 'latin1')),
    ];
    const feed = (srv: ReturnType<typeof boundSmsc>, f: Buffer) => {
      try {
        srv.s.receive(decodePdu(f), 0);
      } catch (err) {
        srv.s.decodeError(err as PduDecodeError, 0);
      }
    };
    const srv = boundSmsc({ maxDecodeErrors: 2 });
    for (let round = 0; round < 3; round++) for (const f of frames) feed(srv, f);
    const want = [11, 12, 13, 14, 15].map((q) => ['deliver_sm_resp', CommandStatus.ESME_RINVBNDSTS, q]).concat([['generic_nack', CommandStatus.ESME_RINVBNDSTS, 16], ['generic_nack', CommandStatus.ESME_RINVBNDSTS, 17]]);
    assert.deepEqual(srv.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [...want, ...want, ...want]);
    assert.equal(srv.s.state, 'bound_trx', 'none of the 21 counted as malformed (two would have closed it)');
    assert.equal(srv.s.inboundInFlight, 0, 'nothing handed up');
    // before any bind too: no state allows them from an ESME
    const open = mk({ role: 'smsc', maxDecodeErrors: 2 });
    for (const f of frames) feed(open, f);
    assert.deepEqual(open.wire.map((p) => [p.command, p.command_status, p.sequence_number]), want);
    assert.equal(open.s.state, 'open');
    // a malformed submit_sm (which an ESME may send) still gets its field's status and counts
    srv.wire.length = 0;
    srv.s.decodeError(new PduDecodeError('long addr', CommandStatus.ESME_RINVPARLEN, 30, 0x04), 0);
    assert.deepEqual(srv.wire.map((p) => [p.command, p.command_status, p.sequence_number]), [['submit_sm_resp', CommandStatus.ESME_RINVPARLEN, 30]]);
  });

  test('outbound rate cap holds requests until tokens return', () => {
    const e = boundEsme({ outboundRate: new RateLimiter(10, 1, 0) });
    e.s.request(submit(), 1, 0);
    e.s.request(submit(), 2, 0);
    assert.equal(e.s.inFlight, 1);
    e.s.tick(50);
    assert.equal(e.s.inFlight, 1);
    e.s.tick(100);
    assert.equal(e.s.inFlight, 2);
  });
});

/**
 * The three requests about a message already submitted that an ESME may send the SMSC role (handed up
 * through their own handlers; the server answers them: query.ts, cancel_sm and replace_sm in
 * server.ts), held to the same session rules.
 */
const QUERIES = [
  {
    name: 'query_sm (SMPP 3.4 §4.8)', command: 'query_sm', resp: 'query_sm_resp', id: 0x03, handler: 'onQuery', other: 'onCancel', token: false,
    pdu: (seq: number): QuerySmPdu | CancelSmPdu | ReplaceSmPdu => ({ command: 'query_sm', command_status: 0, sequence_number: seq, message_id: 'msg_1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' }),
  },
  {
    name: 'cancel_sm (SMPP 3.4 §4.9)', command: 'cancel_sm', resp: 'cancel_sm_resp', id: 0x08, handler: 'onCancel', other: 'onQuery', token: false,
    pdu: (seq: number): QuerySmPdu | CancelSmPdu | ReplaceSmPdu => ({ command: 'cancel_sm', command_status: 0, sequence_number: seq, service_type: '', message_id: 'msg_1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '', dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' }),
  },
  {
    name: 'replace_sm (SMPP 3.4 §4.10)', command: 'replace_sm', resp: 'replace_sm_resp', id: 0x07, handler: 'onReplace', other: 'onCancel', token: true,
    pdu: (seq: number): QuerySmPdu | CancelSmPdu | ReplaceSmPdu => ({
      command: 'replace_sm', command_status: 0, sequence_number: seq, message_id: 'msg_1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001',
      schedule_delivery_time: '', validity_period: '', registered_delivery: 0, sm_default_msg_id: 0, short_message: Buffer.from('new'),
    }),
  },
] as const;

for (const q of QUERIES) {
  describe(`session: ${q.name}`, () => {
    const bindOf = (command: 'bind_transmitter' | 'bind_transceiver' | 'bind_receiver') => ({ command, command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }) as const;
    /** An smsc session that offers this request (its handler), bound as `bind`. */
    function offering(bind: 'bind_transmitter' | 'bind_transceiver' | 'bind_receiver' | null, opts: Partial<SessionOptions> = {}) {
      const srv = mk({ role: 'smsc', ...opts }, { [q.handler]: (p: Pdu) => srv.events.push({ kind: q.command, pdu: p }) });
      if (bind) {
        srv.s.receive(bindOf(bind), 0);
        srv.s.acceptBind('s');
      }
      srv.wire.length = 0;
      return srv;
    }
    const answers = (srv: ReturnType<typeof mk>) => srv.wire.map((p) => [p.command, p.command_status, p.sequence_number]);
    const handed = (srv: ReturnType<typeof mk>) => srv.events.filter((e) => e.kind === q.command);

    test(`a transmitter or transceiver bind hands it up (${q.handler}) and \`respond\` answers it`, () => {
      for (const bind of ['bind_transmitter', 'bind_transceiver'] as const) {
        const srv = offering(bind);
        srv.s.receive(q.pdu(7), 0);
        assert.deepEqual(handed(srv).map((e) => (e.pdu as QuerySmPdu | CancelSmPdu).message_id), ['msg_1'], bind);
        assert.equal(srv.s.inboundInFlight, 1);
        srv.s.respond(responseFor(q.pdu(7), CommandStatus.ESME_ROK));
        assert.equal(srv.s.inboundInFlight, 0);
        assert.deepEqual(answers(srv), [[q.resp, 0, 7]]);
      }
    });

    test('a receiver bind, or no bind yet, is refused ESME_RINVBNDSTS and nothing is handed up', () => {
      for (const bind of ['bind_receiver', null] as const) {
        const srv = offering(bind);
        srv.s.receive(q.pdu(8), 0);
        assert.deepEqual(answers(srv), [[q.resp, CommandStatus.ESME_RINVBNDSTS, 8]], String(bind));
        assert.equal(handed(srv).length, 0);
      }
    });

    test('one crossing our unbind is answered ESME_RSYSERR (temporary), as a submit is', () => {
      const srv = offering('bind_transmitter');
      srv.s.unbind(0);
      srv.wire.length = 0;
      srv.s.receive(q.pdu(9), 0);
      assert.deepEqual(answers(srv), [[q.resp, CommandStatus.ESME_RSYSERR, 9]]);
    });

    test(`counts in the inbound window, ${q.token ? 'takes a submit\'s throughput token' : 'takes no throughput token'}, and a peer unbind waits for its answer`, () => {
      const srv = offering('bind_transceiver', { inboundWindow: 1, inboundRate: new RateLimiter(1, 1, 0) });
      srv.s.receive(q.pdu(2), 0);
      srv.s.receive(q.pdu(3), 0);
      assert.deepEqual(answers(srv), [[q.resp, CommandStatus.ESME_RTHROTTLED, 3]]);
      srv.s.respond(responseFor(q.pdu(2), 0));
      // replace_sm spent the one token (a submit past it is throttled); query_sm and cancel_sm left it for a submit
      srv.s.receive({ ...submit(), sequence_number: 4 }, 0);
      assert.equal(srv.events.filter((e) => e.kind === 'request').length, q.token ? 0 : 1);
      if (q.token) {
        assert.deepEqual(answers(srv).at(-1), ['submit_sm_resp', CommandStatus.ESME_RTHROTTLED, 4]);
        srv.s.receive(q.pdu(5), 0);
        assert.deepEqual(answers(srv).at(-1), [q.resp, CommandStatus.ESME_RTHROTTLED, 5], 'past the rate, with the window free');
        srv.s.receive(q.pdu(5), 1000);
      } else {
        srv.s.respond(responseFor({ command: 'submit_sm', sequence_number: 4 }, 0, 'id'));
        srv.s.receive(q.pdu(5), 0);
      }
      srv.s.receive({ command: 'unbind', command_status: 0, sequence_number: 6 }, 0);
      assert.equal(srv.s.state, 'unbinding', `the unbind waits for the ${q.command} it follows`);
      srv.s.respond(responseFor(q.pdu(5), 0));
      assert.deepEqual(answers(srv).slice(-2), [[q.resp, 0, 5], ['unbind_resp', 0, 6]]);
      assert.equal(srv.s.state, 'closed');
    });

    test(`not offered (an smsc without ${q.handler}, as the simulator): generic_nack ESME_RINVCMDID; from an SMSC (esme role): ${q.resp} ESME_RINVBNDSTS; never counted as malformed`, () => {
      // an smsc offering only the other request does not take this one for it
      const srv = mk({ role: 'smsc', maxDecodeErrors: 1 }, { [q.other]: () => assert.fail(`a ${q.command} handed to ${q.other}`) });
      srv.s.receive(bindOf('bind_transceiver'), 0);
      srv.s.acceptBind('s');
      srv.wire.length = 0;
      for (let i = 0; i < 5; i++) srv.s.receive(q.pdu(10 + i), 0);
      assert.equal(srv.s.state, 'bound_trx');
      assert.ok(answers(srv).every(([c, st]) => c === 'generic_nack' && st === CommandStatus.ESME_RINVCMDID) && srv.wire.length === 5);
      const e = boundEsme();
      e.wire.length = 0;
      e.s.receive(q.pdu(20), 0);
      assert.deepEqual(answers(e), [[q.resp, CommandStatus.ESME_RINVBNDSTS, 20]]);
    });

    test(`an undecodable ${q.command} gets ${q.resp} with the decode status (ESME_RINVMSGID for an over-long id)`, () => {
      const srv = offering('bind_transmitter');
      srv.s.decodeError(new PduDecodeError('long id', CommandStatus.ESME_RINVMSGID, 11, q.id), 0);
      assert.deepEqual(answers(srv), [[q.resp, CommandStatus.ESME_RINVMSGID, 11]]);
    });
  });
}

describe('session: submit_multi (SMPP 3.4 §4.5)', () => {
  const sme = (n: number): MultiDest => ({ dest_flag: 1, dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: String(13800138000 + n) });
  const multi = (seq: number, dests: MultiDest[]): SubmitMultiPdu => ({
    command: 'submit_multi', command_status: 0, sequence_number: seq, service_type: '', source_addr_ton: 0, source_addr_npi: 0, source_addr: '10690001', dest_addresses: dests,
    esm_class: 0, protocol_id: 0, priority_flag: 0, schedule_delivery_time: '', validity_period: '', registered_delivery: 0, replace_if_present_flag: 0, data_coding: 0, sm_default_msg_id: 0,
    short_message: Buffer.from('hi'), tlvs: [],
  });
  function offering(bind: 'bind_transmitter' | 'bind_receiver' | null, opts: Partial<SessionOptions> = {}) {
    const srv = mk({ role: 'smsc', ...opts }, { onSubmitMulti: (p, granted) => srv.events.push({ kind: 'multi', pdu: p, granted }) });
    if (bind) {
      srv.s.receive({ command: bind, command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
      srv.s.acceptBind('s');
    }
    srv.wire.length = 0;
    return srv;
  }
  const answers = (srv: ReturnType<typeof mk>) => srv.wire.map((p) => [p.command, p.command_status, p.sequence_number]);
  const handed = (srv: ReturnType<typeof mk>) => srv.events.filter((e) => e.kind === 'multi').map((e) => [(e.pdu as SubmitMultiPdu).sequence_number, e.granted]);

  test('a transmitter bind hands it up with a token per SME address; one window slot; respond answers it', () => {
    const srv = offering('bind_transmitter', { inboundWindow: 1 });
    srv.s.receive(multi(5, [sme(1), { dest_flag: 2, dl_name: 'vip' }, sme(2)]), 0);
    assert.deepEqual(handed(srv), [[5, 2]], 'two SME addresses, two tokens (no limiter: all granted)');
    assert.equal(srv.s.inboundInFlight, 1);
    srv.s.receive(multi(6, [sme(3)]), 0);
    assert.deepEqual(answers(srv), [['submit_multi_resp', CommandStatus.ESME_RTHROTTLED, 6]], 'the window counts it as one request');
    srv.s.respond({ command: 'submit_multi_resp', command_status: 0, sequence_number: 5, message_id: 'm', unsuccess_sme: [] });
    assert.equal(srv.s.inboundInFlight, 0);
  });

  test('number_of_dests 0 or over 254 is ESME_RINVNUMDESTS, before any window slot or token', () => {
    const rate = new RateLimiter(1, 1, 0);
    const srv = offering('bind_transmitter', { inboundRate: rate });
    srv.s.receive(multi(1, []), 0);
    srv.s.receive(multi(2, Array.from({ length: 255 }, (_, i) => sme(i))), 0);
    assert.deepEqual(answers(srv), [['submit_multi_resp', CommandStatus.ESME_RINVNUMDESTS, 1], ['submit_multi_resp', CommandStatus.ESME_RINVNUMDESTS, 2]]);
    assert.deepEqual(handed(srv), []);
    srv.s.receive(multi(3, Array.from({ length: 254 }, (_, i) => sme(i))), 0);
    assert.deepEqual(handed(srv), [[3, 1]], '254 is allowed; the token left was not spent on the refusals');
  });

  test('the throughput counts per destination: the tokens there are go to the first SME addresses; none left is ESME_RTHROTTLED', () => {
    const srv = offering('bind_transmitter', { inboundRate: new RateLimiter(2, 3, 0) });
    srv.s.receive(multi(1, [sme(1), sme(2)]), 0);
    srv.s.receive(multi(2, [sme(3), sme(4), sme(5)]), 0);
    srv.s.receive(multi(3, [sme(6)]), 0);
    assert.deepEqual(handed(srv), [[1, 2], [2, 1]]);
    assert.deepEqual(answers(srv), [['submit_multi_resp', CommandStatus.ESME_RTHROTTLED, 3]]);
    // a list of distribution lists only takes no token and is handed up (the server refuses each)
    srv.s.receive(multi(4, [{ dest_flag: 2, dl_name: 'vip' }]), 0);
    assert.deepEqual(handed(srv).at(-1), [4, 0]);
    srv.s.receive({ ...submit(), sequence_number: 5 }, 0);
    assert.deepEqual(answers(srv).at(-1), ['submit_sm_resp', CommandStatus.ESME_RTHROTTLED, 5], 'the same bucket as submit_sm');
    srv.s.receive(multi(6, [sme(7), sme(8)]), 1000);
    assert.deepEqual(handed(srv).at(-1), [6, 2], 'refilled');
  });

  test('a receiver bind or no bind: ESME_RINVBNDSTS; crossing our unbind: ESME_RSYSERR; not offered (no handler): generic_nack; from an SMSC (esme role): ESME_RINVBNDSTS; never counted as malformed', () => {
    for (const bind of ['bind_receiver', null] as const) {
      const srv = offering(bind);
      srv.s.receive(multi(8, [sme(1)]), 0);
      assert.deepEqual(answers(srv), [['submit_multi_resp', CommandStatus.ESME_RINVBNDSTS, 8]], String(bind));
    }
    const stopping = offering('bind_transmitter');
    stopping.s.unbind(0);
    stopping.wire.length = 0;
    stopping.s.receive(multi(9, [sme(1)]), 0);
    assert.deepEqual(answers(stopping), [['submit_multi_resp', CommandStatus.ESME_RSYSERR, 9]]);
    const plain = mk({ role: 'smsc', maxDecodeErrors: 1 });
    plain.s.receive({ command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }, 0);
    plain.s.acceptBind('s');
    plain.wire.length = 0;
    for (let i = 0; i < 3; i++) plain.s.receive(multi(10 + i, [sme(1)]), 0);
    assert.deepEqual(answers(plain), [10, 11, 12].map((q) => ['generic_nack', CommandStatus.ESME_RINVCMDID, q]));
    assert.equal(plain.s.state, 'bound_tx');
    const e = boundEsme();
    e.wire.length = 0;
    e.s.receive(multi(20, [sme(1)]), 0);
    assert.deepEqual(answers(e), [['submit_multi_resp', CommandStatus.ESME_RINVBNDSTS, 20]]);
  });

  test('an undecodable submit_multi gets submit_multi_resp with the decode status (ESME_RINVDESTFLAG)', () => {
    const srv = offering('bind_transmitter');
    srv.s.decodeError(new PduDecodeError('dest_flag 3', CommandStatus.ESME_RINVDESTFLAG, 11, 0x21), 0);
    assert.deepEqual(answers(srv), [['submit_multi_resp', CommandStatus.ESME_RINVDESTFLAG, 11]]);
  });
});

describe('session: property', () => {
  test('every request ends exactly once: response, timeout or handed back on close', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('req' as const) }),
      fc.record({ k: fc.constant('answer' as const), i: fc.nat() }),
      fc.record({ k: fc.constant('nack' as const), i: fc.nat() }),
      fc.record({ k: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ k: fc.constant('peerUnbind' as const) }),
      fc.record({ k: fc.constant('garbage' as const), fatal: fc.boolean() }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 5 }), (ops, win) => {
      const endings = new Map<number, number>();
      const end = (c: number) => endings.set(c, (endings.get(c) ?? 0) + 1);
      const e = mk({ role: 'esme', windowSize: win, responseTimeoutMs: 300, enquireLinkIntervalMs: 250, idleTimeoutMs: 1000, maxDecodeErrors: 3 }, {
        onResponse: (_r, _q, c) => end(c),
        onTimeout: (_q, c) => end(c),
        onClosed: (_r, u) => u.forEach((x) => end(x.ctx)),
      });
      e.s.bind('transceiver', { systemId: 'a', password: 'b' }, 0);
      e.s.receive(responseFor(e.wire[0], 0), 0);
      let now = 0;
      let n = 0;
      for (const o of ops) {
        if (o.k === 'req') e.s.request(submit(), n++, now);
        else if (o.k === 'tick') e.s.tick((now += o.dt));
        else if (o.k === 'peerUnbind') e.s.receive({ command: 'unbind', command_status: 0, sequence_number: 1 }, now);
        else if (o.k === 'garbage') e.s.decodeError(new PduDecodeError('x', 2, 0, o.fatal ? undefined : 0x80000004, o.fatal), now);
        else {
          const sent = e.wire.filter((p) => p.command === 'submit_sm' || p.command === 'enquire_link');
          if (sent.length === 0) continue;
          const p = sent[o.i % sent.length];
          e.s.receive(o.k === 'nack' ? { command: 'generic_nack', command_status: 8, sequence_number: p.sequence_number } : responseFor(p, 0, 'id'), now);
        }
      }
      e.s.terminate('end');
      for (let c = 0; c < n; c++) assert.equal(endings.get(c), 1, `request ${c} ended ${endings.get(c) ?? 0} times`);
    }), { numRuns: 1000 });
  });
});

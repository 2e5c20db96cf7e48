/** The TCP adapter over a real loopback socket: reading pauses while the inbound window is full and resumes when answers go out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { SmppConnection } from '../../../src/smpp/transport/connection.js';
import { responseFor } from '../../../src/smpp/session/responses.js';
import { CommandStatus, decodePdu, encodePdu, FrameSplitter, smDefaults, type Pdu, type SmPdu } from '../../../src/smpp/pdu/index.js';

test('inbound window full → reading pauses; an answer resumes it', async () => {
  const held: SmPdu[] = [];
  let serverConn: SmppConnection | null = null;
  const server = createServer((s: Socket) => {
    serverConn = new SmppConnection(s, { session: { role: 'smsc', inboundWindow: 3 } }, {
      onBind: () => serverConn!.session.acceptBind('t'),
      onRequest: (p) => held.push(p as SmPdu), // never answered until the test says so
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const c = connect({ host: '127.0.0.1', port });
  await new Promise((r) => c.once('connect', r));
  const got: Pdu[] = [];
  const fs = new FrameSplitter();
  c.on('data', (d: Buffer) => fs.push(d, (f) => got.push(decodePdu(Buffer.from(f)))));
  const wait = async (cond: () => boolean) => {
    const end = Date.now() + 3000;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  c.write(encodePdu({ command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }));
  await wait(() => got.length === 1);
  const sub = (seq: number): SmPdu => ({ ...smDefaults(), command: 'submit_sm', sequence_number: seq, destination_addr: '1', short_message: Buffer.from('x') });
  c.write(Buffer.concat([2, 3, 4].map((s) => encodePdu(sub(s)))));
  await wait(() => held.length === 3);
  await wait(() => serverConn!.socket.isPaused());
  c.write(encodePdu(sub(5)));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(held.length, 3, 'nothing more is read while the window is full');
  serverConn!.respond(responseFor(held[0], 0, 'id-2'));
  await wait(() => !serverConn!.socket.isPaused());
  // seq 5 is now read: the window has a slot again, so it is handed up (not throttled)
  await wait(() => held.length === 4);
  assert.equal(held[3].sequence_number, 5);
  await wait(() => got.some((p) => p.sequence_number === 2));
  assert.equal(got.find((p) => p.sequence_number === 2)!.command_status, CommandStatus.ESME_ROK);
  c.destroy();
  await new Promise((r) => server.close(r));
});

test('esme close: the SMSC answers our unbind at once while a deliver_sm that crossed it is still being handled; the socket stays until it is answered (the response timeout after the unbind_resp), not the unbind wait', { timeout: 20_000 }, async () => {
  // A raw SMSC: sends a receipt just before reading our unbind, answers the unbind at once, reads on.
  let smsc: Socket | null = null;
  const got: Pdu[] = [];
  const server = createServer((s: Socket) => {
    smsc = s;
    const fs = new FrameSplitter();
    s.on('data', (d: Buffer) => fs.push(d, (f) => {
      const p = decodePdu(Buffer.from(f));
      got.push(p);
      if (p.command === 'bind_transceiver') s.write(encodePdu({ command: 'bind_transceiver_resp', command_status: 0, sequence_number: p.sequence_number, system_id: 'smsc', tlvs: [] }));
      if (p.command === 'unbind') s.write(encodePdu({ command: 'unbind_resp', command_status: 0, sequence_number: p.sequence_number }));
    }));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const c = connect({ host: '127.0.0.1', port });
  await new Promise((r) => c.once('connect', r));
  let bound = false;
  let conn: SmppConnection | null = null;
  // recording the receipt takes 1.5 s; the unbind wait is 300 ms, the response timeout 5 s
  conn = new SmppConnection(c, { session: { role: 'esme', responseTimeoutMs: 5000 }, tickMs: 50 }, {
    onBound: () => { bound = true; },
    onRequest: (p) => void setTimeout(() => conn!.respond(responseFor(p, CommandStatus.ESME_ROK)), 1500),
  });
  conn.session.bind('transceiver', { systemId: 'a', password: 'b' }, Date.now());
  const end = Date.now() + 3000;
  while (!bound) {
    if (Date.now() > end) throw new Error('not bound');
    await new Promise((r) => setTimeout(r, 5));
  }
  // the receipt crosses our unbind on the wire
  smsc!.write(encodePdu({ ...smDefaults(), command: 'deliver_sm', sequence_number: 77, esm_class: 0x04, source_addr: '1', destination_addr: '2', short_message: Buffer.from('id:1 stat:DELIVRD') }));
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await conn.close({ unbindWaitMs: 300 });
  const resp = got.find((p) => p.command === 'deliver_sm_resp' && p.sequence_number === 77);
  assert.ok(resp, `the receipt answered before the socket closed (after ${Date.now() - t0} ms)`);
  assert.equal(resp.command_status, CommandStatus.ESME_ROK);
  smsc!.destroy();
  await new Promise((r) => server.close(r));
});

test('smsc close: the ESME answers the deliver_sm in flight but never our unbind; the unbind wait counts from the unbind, not from the response timeout the deliver_sm had', { timeout: 20_000 }, async () => {
  // A raw ESME: answers a deliver_sm 300 ms after it comes, ignores the unbind (and all else).
  const got: Pdu[] = [];
  let conn: SmppConnection | null = null;
  let bound = false;
  const server = createServer((s: Socket) => {
    conn = new SmppConnection(s, { session: { role: 'smsc', responseTimeoutMs: 5000 }, tickMs: 50 }, {
      onBind: () => {
        conn!.session.acceptBind('esme');
        bound = true;
      },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const c = connect({ host: '127.0.0.1', port });
  await new Promise((r) => c.once('connect', r));
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  c.on('error', () => undefined);
  const fs = new FrameSplitter();
  c.on('data', (d: Buffer) => fs.push(d, (f) => {
    const p = decodePdu(Buffer.from(f));
    got.push(p);
    if (p.command === 'deliver_sm') setTimeout(() => c.write(encodePdu(responseFor(p, CommandStatus.ESME_ROK))), 300);
  }));
  c.write(encodePdu({ command: 'bind_transceiver', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }));
  const end = Date.now() + 3000;
  while (!bound) {
    if (Date.now() > end) throw new Error('not bound');
    await new Promise((r) => setTimeout(r, 5));
  }
  let answered = -1;
  conn!.handler.onResponse = (r) => void (answered = r.command_status);
  conn!.session.request({ ...smDefaults(), command: 'deliver_sm', sequence_number: 0, esm_class: 0x04, source_addr: '1', destination_addr: '2', short_message: Buffer.from('id:1 stat:DELIVRD') }, undefined, Date.now());
  await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  await conn!.close({ unbindWaitMs: 500 });
  const took = Date.now() - t0;
  await closed;
  assert.equal(answered, CommandStatus.ESME_ROK, 'the deliver_sm had its answer before the unbind');
  const iResp = got.findIndex((p) => p.command === 'deliver_sm');
  const iUnbind = got.findIndex((p) => p.command === 'unbind');
  assert.ok(iUnbind > iResp && iResp >= 0, 'the unbind went after the deliver_sm');
  // 300 ms for the answer, 500 ms for the unbind_resp; before 2026-12-08 5 s + 500 ms (the wait counted from the response timeout)
  assert.ok(took >= 700 && took < 2000, `closed after ${took} ms`);
  await new Promise((r) => server.close(r));
});

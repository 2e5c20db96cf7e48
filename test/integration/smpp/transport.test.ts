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

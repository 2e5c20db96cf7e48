/**
 * A carrier SMSC that sends our client a request only an ESME issues (SMPP 3.4 §2.3: bind_*,
 * submit_sm, submit_multi, query_sm, cancel_sm, replace_sm) breaks the bind-state rule whatever the
 * PDU holds: over the wire each is answered its own response with ESME_RINVBNDSTS, readable or not,
 * and none counts as malformed, so a dozen of them (past the ten undecodable PDUs that cost a link)
 * leave the link bound and taking MO. The mirror of the server's answer to an ESME's deliver_sm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { FrameSplitter } from '../../../src/smpp/pdu/frame.js';
import { CommandStatus, decodePdu, encodePdu, smDefaults, type Pdu } from '../../../src/smpp/pdu/index.js';
import { responseFor } from '../../../src/smpp/session/index.js';
import { until } from '../../helpers/wait.js';
import { cstr, rawPdu } from '../../helpers/raw-pdu.js';

const frame = rawPdu;

test('an SMSC\'s bind_*, submit_sm, submit_multi, query_sm, cancel_sm or replace_sm, readable or not, is answered its resp ESME_RINVBNDSTS and costs the link nothing', { timeout: 30_000 }, async () => {
  const got: Pdu[] = [];
  const sockets: Socket[] = [];
  let closed = false;
  const srv = createServer((s) => {
    sockets.push(s);
    const split = new FrameSplitter();
    s.on('data', (chunk) => split.push(chunk, (f) => {
      const p = decodePdu(Buffer.from(f));
      if (p.command === 'bind_transceiver') s.write(encodePdu(responseFor(p, CommandStatus.ESME_ROK, 'SMSC')));
      else if (p.command === 'enquire_link') s.write(encodePdu(responseFor(p, CommandStatus.ESME_ROK)));
      else got.push(p);
    }));
    s.on('close', () => (closed = true));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${port}?name=smsc`)] });
  const mos: string[] = [];
  up.onMo((mo) => void mos.push(mo.text));
  up.start();
  try {
    assert.ok(await up.waitUp(5000));
    const readable = [
      encodePdu({ command: 'bind_transmitter', command_status: 0, sequence_number: 1, system_id: 'a', password: 'b', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' }),
      encodePdu({ ...smDefaults(), command: 'submit_sm', sequence_number: 2, destination_addr: '13800138000', short_message: Buffer.from('hi') }),
      encodePdu({ command: 'query_sm', command_status: 0, sequence_number: 3, message_id: 'm1', source_addr_ton: 0, source_addr_npi: 0, source_addr: '' }),
    ];
    const malformed = [
      frame(0x09, 4, Buffer.concat([cstr('x'.repeat(40)), cstr('pw'), cstr(''), Buffer.from([0x34, 0, 0]), cstr('')])),
      frame(0x04, 5, Buffer.concat([cstr(''), Buffer.from([1, 1]), cstr('8'.repeat(30)), Buffer.from([1, 1]), cstr('13800138000')])),
      frame(0x21, 6, Buffer.concat([cstr(''), Buffer.from([0, 0]), cstr('10690001'), Buffer.from([1, 3])])),
      frame(0x08, 7, Buffer.concat([cstr(''), cstr('m'.repeat(80))])),
      frame(0x07, 8, Buffer.concat([cstr('m'.repeat(80))])),
    ];
    // 24 in all, 15 of them undecodable: the old code closed the link at the eleventh
    for (let round = 0; round < 3; round++) for (const f of [...readable, ...malformed]) sockets[0].write(f);
    await until(() => got.length >= 24, 5000);
    const want = [
      ['bind_transmitter_resp', 1], ['submit_sm_resp', 2], ['query_sm_resp', 3], ['bind_transceiver_resp', 4], ['submit_sm_resp', 5],
      ['submit_multi_resp', 6], ['cancel_sm_resp', 7], ['replace_sm_resp', 8],
    ].map(([c, q]) => [c, CommandStatus.ESME_RINVBNDSTS, q]);
    assert.deepEqual(got.map((p) => [p.command, p.command_status, p.sequence_number]), [...want, ...want, ...want]);
    assert.equal(closed, false, 'the link stays');
    // and still takes MO on the same connection
    got.length = 0;
    sockets[0].write(encodePdu({ ...smDefaults(), command: 'deliver_sm', sequence_number: 50, source_addr: '8613800138000', destination_addr: '10690001', short_message: Buffer.from('hello') }));
    await until(() => got.length >= 1, 5000);
    assert.deepEqual([got[0].command, got[0].command_status], ['deliver_sm_resp', CommandStatus.ESME_ROK]);
    assert.deepEqual(mos, ['hello']);
  } finally {
    await up.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => srv.close(r));
  }
});

/**
 * A minimal SMSC sink for the SMPP benchmark, in its own process: accepts any bind, answers every
 * submit_sm with a hex message id and sends one delivery receipt per submit that asks for it.
 * Usage: node --import tsx bench/smpp-sink.ts PORT — prints `READY <port>`, and on SIGTERM a JSON
 * line with its counters.
 */
import { createServer } from 'node:net';
import { SmppConnection } from '../src/smpp/transport/connection.js';
import { responseFor } from '../src/smpp/session/responses.js';
import { EsmClass, Tag, buildDlrText, smPdu, tlvCString, tlvU8, type SmPdu } from '../src/smpp/pdu/index.js';

const port = Number(process.argv[2] ?? 0);
let submits = 0;
let dlrs = 0;
let dlrRetries = 0;
let id = 0x100000;

const server = createServer((socket) => {
  // a receipt the ESME did not take (throttled, timed out) is sent again, as SMSCs do
  const conn: SmppConnection<SmPdu> = new SmppConnection<SmPdu>(socket, { session: { role: 'smsc', inboundWindow: 5000, windowSize: 5000, responseTimeoutMs: 60_000, idleTimeoutMs: 600_000 } }, {
    onBind: () => conn.session.acceptBind('sink'),
    onResponse: (resp, _req, d) => {
      if (resp.command_status !== 0) {
        dlrRetries++;
        setTimeout(() => conn.session.request(d, d, Date.now()), 50);
      }
    },
    onTimeout: (_req, d) => conn.session.request(d, d, Date.now()),
    onRequest: (p) => {
      const pdu = p as SmPdu;
      submits++;
      const mid = (id++).toString(16).toUpperCase();
      conn.respond(responseFor(pdu, 0, mid));
      if (pdu.registered_delivery & 1) {
        const now = Date.now();
        const d = smPdu({
          command: 'deliver_sm', sequence_number: 0, source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: EsmClass.DELIVERY_RECEIPT,
          short_message: Buffer.from(buildDlrText({ id: mid, sub: 1, dlvrd: 1, submitDate: now, doneDate: now, stat: 'DELIVRD', err: '0', text: '' }), 'latin1'),
          tlvs: [tlvCString(Tag.receipted_message_id, mid), tlvU8(Tag.message_state, 2)],
        });
        conn.session.request(d, d, now);
        dlrs++;
      }
    },
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ submits, dlrs, dlrRetries })}\n`);
  process.exit(0);
});

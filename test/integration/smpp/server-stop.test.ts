/**
 * The SMPP server's graceful stop (docs/SMPP.md, Shutdown): `stopServer()` unbinds every bound ESME
 * at once, a submit that crosses the unbind is answered with a temporary status, the ESME's
 * unbind_resp ends the session without waiting out the bound, no new connection is taken, and a
 * receipt that becomes due afterwards (the delivery worker drains through the egress, still up) is
 * kept in the store for the ESME's next bind. A raw ESME, so the test decides when unbind_resp goes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { CommandStatus, decodePdu, encodePdu, encodeText, FrameSplitter, smDefaults, type Pdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { validCreditCode } from '../../helpers/gateway.js';
import { startSmppDoors } from '../../helpers/smpp-doors.js';
import { waitFor } from '../../helpers/wait.js';

/** An ESME on a bare socket: it answers nothing by itself. */
class RawEsme {
  readonly got: Pdu[] = [];
  readonly closed: Promise<void>;
  private seq = 0;
  private constructor(readonly socket: Socket) {
    const fs = new FrameSplitter();
    socket.on('data', (d: Buffer) => fs.push(d, (f) => this.got.push(decodePdu(Buffer.from(f)))));
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }
  static open(port: number): Promise<RawEsme> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new RawEsme(s));
      });
    });
  }
  send(p: Pdu): number {
    const sequence_number = p.sequence_number || ++this.seq;
    this.socket.write(encodePdu({ ...p, sequence_number }));
    return sequence_number;
  }
  /** The first PDU from the gateway that `match`es. */
  wait(match: (p: Pdu) => boolean, what: string): Promise<Pdu> {
    return waitFor(() => this.got.find(match), 8000, what);
  }
}

function submit(text: string): SmPdu {
  return { ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138000', data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 1 };
}

test('stopServer: bound ESMEs are unbound at once, a crossing submit gets ESME_RSYSERR, unbind_resp ends the session, a receipt due later is kept; the egress stays', { timeout: 60_000 }, async () => {
  const { store, app, sim, admin, smpp } = await startSmppDoors({ deliveries: true });
  // Not started yet: the message waits in the queue, as it would for a drain after the server stopped.
  const worker = new DeliveryWorker(app.ctx, smpp.egress!, { pollMs: 50 }, (mo) => app.receiveMo(mo, 'system'));
  let esme: RawEsme | null = null;
  try {
    assert.ok(await smpp.egress!.waitUp(15_000));
    const cp = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
    await app.addSignature(admin, cp.id, { signature: '【示例】' });
    await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
    await smpp.credentials.create(admin, cp.id, { systemId: 'shili', password: 'pw' });

    const e = (esme = await RawEsme.open(smpp.smppPort!));
    const bindSeq = e.send({ command: 'bind_transceiver', command_status: 0, sequence_number: 0, system_id: 'shili', password: 'pw', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' });
    assert.equal((await e.wait((p) => p.command === 'bind_transceiver_resp' && p.sequence_number === bindSeq, 'bind_transceiver_resp')).command_status, 0);
    const firstSeq = e.send(submit('【示例】您的快递已到驿站。'));
    assert.equal((await e.wait((p) => p.command === 'submit_sm_resp' && p.sequence_number === firstSeq, 'the first submit_sm_resp')).command_status, 0);

    const t0 = Date.now();
    const stopped = smpp.stopServer();
    const unbind = await e.wait((p) => p.command === 'unbind', 'unbind from the gateway');
    // A submit the ESME sent before it saw the unbind: temporary, so it is sent again, never decided.
    const lateSeq = e.send(submit('【示例】这条在停止之后。'));
    const late = await e.wait((p) => p.command === 'submit_sm_resp' && p.sequence_number === lateSeq, 'the late submit_sm_resp');
    assert.equal(late.command_status, CommandStatus.ESME_RSYSERR);
    e.send({ command: 'unbind_resp', command_status: 0, sequence_number: unbind.sequence_number });
    await stopped;
    await e.closed;
    // Honoured: the session ended on the answer, not after the 2 s bound.
    assert.ok(Date.now() - t0 < 1500, `stopServer took ${Date.now() - t0} ms after an unbind_resp`);
    assert.equal(smpp.server!.bindCount(), 0);
    // No new connection, so no new bind.
    await assert.rejects(RawEsme.open(smpp.smppPort!), /ECONNREFUSED/);

    // The egress is untouched: the worker drains through it, and the receipt that comes back waits
    // in the store for the provider's next bind.
    assert.equal(smpp.egress!.bound?.(), true);
    worker.start();
    await worker.drain(10_000);
    assert.deepEqual(sim.outbox().map((d) => d.text), ['【示例】您的快递已到驿站。'], 'the late submit was not decided');
    await waitFor(async () => ((await store.smppDeliveries.count(cp.id)) === 1 ? true : undefined), 8000, 'the receipt kept in the store');
    await worker.stop();
    await smpp.close();
    assert.equal(await store.smppDeliveries.count(cp.id), 1, 'still kept after the SMPP doors closed');
  } finally {
    esme?.socket.destroy();
    await worker.stop();
    await smpp.close();
    await store.close();
  }
});

/**
 * cancel_sm through the whole gateway (real App, SQLite store, SMPP client): a message the delivery
 * worker has taken but cannot send (its carrier link is down, so its part waits in the link's queue)
 * is given up unwritten and cancelled: ESME_ROK, a DELETED receipt, and the carrier never gets it
 * once the link is back. Without the take-back, the batch's lease made every such cancel fail
 * exactly when it is wanted (the link down); a message already written is still refused.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, MessageState, Tag, encodeText, parseDlrText, smDefaults, tlvInt, tlvString, type Pdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { carrierDown, handedIds, startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { waitFor } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };

describe('cancel_sm with the real App', () => {
  test('taken by a batch while the link is down: given up unwritten, cancelled, DELETED receipt; never sent', async () => {
    const g = await startSmppGateway();
    const got: SmPdu[] = [];
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password, onDeliver: (p: Pdu) => { got.push(p as SmPdu); return 0; } });
    // what the delivery worker has handed to the SMPP client
    const handed = handedIds(g);
    try {
      const sm = (to: string) => e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: to, data_coding: 8, short_message: encodeText('【示例】明天上午十点的会议取消', 8), registered_delivery: 1 });
      // one sent while the link is up: too late to cancel
      const sent = (await sm('13800138201')) as Pdu & { message_id: string };
      await waitFor(() => g.sim.outbox().length === 1 || undefined);
      await waitFor(async () => ((await g.app.getMessage(admin, sent.message_id)).status !== 'accepted') || undefined);
      // the carrier goes away; the next message is claimed and waits for a link
      await carrierDown(g);
      const r = (await sm('13800138202')) as Pdu & { message_id: string };
      assert.equal(r.command_status, 0);
      await waitFor(() => handed.has(r.message_id) || undefined);
      // taken by a batch: the store alone would refuse it (its lease runs)
      assert.equal(await g.store.outbox.cancel(r.message_id, g.cpId, g.app.ctx.clock.now(), 'test'), 'claimed');
      const cancel = (id: string) => e.request({ command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001', dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: '13800138202' } as never);
      assert.equal((await cancel(r.message_id)).command_status, CommandStatus.ESME_ROK);
      assert.equal((await g.app.getMessage(admin, r.message_id)).status, 'cancelled');
      const dlr = await waitFor(() => got.find((d) => tlvString(d.tlvs, Tag.receipted_message_id) === r.message_id));
      assert.equal(parseDlrText(dlr.short_message.toString('latin1'))!.stat, 'DELETED');
      assert.equal(tlvInt(dlr.tlvs, Tag.message_state), MessageState.DELETED);
      assert.equal((await cancel(sent.message_id)).command_status, CommandStatus.ESME_RCANCELFAIL, 'already sent');
      assert.equal((await cancel(r.message_id)).command_status, CommandStatus.ESME_RCANCELFAIL, 'already cancelled');
      assert.equal(g.sim.outbox('+8613800138202').length, 0);
    } finally {
      await e.close();
      await g.close();
    }
  });
});

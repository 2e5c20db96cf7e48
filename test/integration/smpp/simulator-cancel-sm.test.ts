/**
 * The built-in simulator as an SMPP SMSC answers cancel_sm (src/smpp/simulator/simulator-server.ts):
 * ESME_ROK for a message it still holds (SimulatorOptions.holdMs), which it then never delivers;
 * ESME_RCANCELFAIL for one cancelled already, delivered, unknown, and for the "cancel all" form.
 * Before: it did not offer cancel_sm (generic_nack ESME_RINVCMDID).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, encodeText, smDefaults, type Pdu } from '../../../src/smpp/pdu/index.js';
import { SmppSimulatorServer } from '../../../src/smpp/simulator/index.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SystemClock } from '../../../src/simulator/clock.js';

test('simulator cancel_sm: ESME_ROK once for a message held, never delivered; ESME_RCANCELFAIL otherwise', async () => {
  const held = new SimulatorSmsc(new SystemClock(), { holdMs: 60_000 });
  const server = new SmppSimulatorServer({ sim: held });
  const port = await server.listen(0);
  const e = await SmppEsme.connect({ host: '127.0.0.1', port, systemId: 'any', password: 'any' });
  try {
    const submit = async (to: string) => ((await e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: to, data_coding: 8, short_message: encodeText('【示例】取件码 1234', 8), registered_delivery: 1 })) as Pdu & { message_id: string }).message_id;
    const cancel = async (id: string) => (await e.request({ command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001', dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '8613800138000' } as never)).command_status;
    const id = await submit('8613800138000');
    assert.equal(held.holding, 1);
    assert.equal(await cancel(id), CommandStatus.ESME_ROK);
    assert.equal(held.holding, 0);
    assert.equal(await cancel(id), CommandStatus.ESME_RCANCELFAIL, 'cancelled already');
    assert.equal(await cancel('NOSUCHID'), CommandStatus.ESME_RCANCELFAIL, 'unknown');
    assert.equal(await cancel(''), CommandStatus.ESME_RCANCELFAIL, 'the cancel-all form');
    // one delivered already (no hold): refused
    held.holdMs = 0;
    const sent = await submit('8613800138001');
    await new Promise((r) => setImmediate(r));
    assert.equal(await cancel(sent), CommandStatus.ESME_RCANCELFAIL, 'delivered');
  } finally {
    await e.close();
    await server.close();
    await held.close();
  }
});

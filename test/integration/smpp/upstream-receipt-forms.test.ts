/**
 * The forms a carrier's delivery receipt takes (SMPP 3.4 Appendix B text, §5.3.2.12
 * receipted_message_id and §5.3.2.35 message_state): the Appendix B text in short_message (the usual
 * form, covered everywhere), in message_payload with sm_length 0, carried by a data_sm, or in UCS-2;
 * and the TLVs alone. Each reaches the receipt handler under the SMSC's id with its stat. Before 2026-12-07 a
 * text in message_payload was never read: without the TLVs the receipt matched nothing, was
 * acknowledged, and its message stayed `submitted`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { CommandStatus, EsmClass, Tag, buildDlrText, smDefaults, tlvCString, tlvOctets, tlvU8, type DataSmPdu, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { UPSTREAM_MAKERS, withUpstream } from '../../fakes/smpp/upstream-fixture.js';
import { waitFor } from '../../helpers/wait.js';

const text = (id: string, stat: string) => Buffer.from(buildDlrText({ id, sub: 1, dlvrd: stat === 'DELIVRD' ? 1 : 0, submitDate: Date.now(), doneDate: Date.now(), stat, err: '0', text: '' }), 'latin1');

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: a receipt's text in message_payload or a data_sm, or its TLVs alone, reaches the handler`, { timeout: 30_000 }, async () => {
    const receipts: DeliveryReceipt[] = [];
    await withUpstream(make, { params: 'name=forms', upstream: { earlyReceiptMs: 100 }, onReceipt: (r) => { receipts.push(r); } }, async (up, smsc) => {
      const list: OutboundMessage[] = Array.from({ length: 5 }, (_, i) => ({ id: `msg_form_${i}`, contentProviderId: 'cp', from: '10690001', to: `+86138000${String(i).padStart(5, '0')}`, text: `form ${i}`, registeredDelivery: true, attempts: 0, submittedAt: 0 }));
      const rs = await Promise.all(list.map((m) => up.submit(m)));
      const ids = rs.map((r) => (r.ok ? r.upstreamId : assert.fail('submitted')));
      const base = { ...smDefaults(), command: 'deliver_sm' as const, sequence_number: 0, source_addr: '8613800000000', destination_addr: '10690001', esm_class: EsmClass.DELIVERY_RECEIPT };
      // 1. deliver_sm, sm_length 0, the text in message_payload, no receipted_message_id
      const viaPayload: SmPdu = { ...base, short_message: Buffer.alloc(0), tlvs: [tlvOctets(Tag.message_payload, text(ids[0], 'DELIVRD'))] };
      // 2. data_sm with the text in message_payload
      const dataSm = (tlvs: DataSmPdu['tlvs']): DataSmPdu => ({
        command: 'data_sm', command_status: 0, sequence_number: 0, service_type: '', source_addr_ton: 1, source_addr_npi: 1, source_addr: '8613800000001',
        dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '10690001', esm_class: EsmClass.DELIVERY_RECEIPT, registered_delivery: 0, data_coding: 0, tlvs,
      });
      // 3. data_sm with the TLVs only (SMPP 3.4 §4.7: receipted_message_id and message_state)
      // 4. deliver_sm with the TLVs only, no text
      const viaTlvs: SmPdu = { ...base, short_message: Buffer.alloc(0), tlvs: [tlvCString(Tag.receipted_message_id, ids[3]), tlvU8(Tag.message_state, 2)] };
      assert.equal(await smsc.sendDeliver(viaPayload), CommandStatus.ESME_ROK);
      assert.equal(await smsc.sendDeliver(dataSm([tlvOctets(Tag.message_payload, text(ids[1], 'UNDELIV'))])), CommandStatus.ESME_ROK);
      assert.equal(await smsc.sendDeliver(dataSm([tlvCString(Tag.receipted_message_id, ids[2]), tlvU8(Tag.message_state, 8)])), CommandStatus.ESME_ROK);
      assert.equal(await smsc.sendDeliver(viaTlvs), CommandStatus.ESME_ROK);
      // 5. deliver_sm whose text is in UCS-2 (data_coding 8), as some SMSCs write the receipt of a UCS-2 message
      const ucs2 = Buffer.from(text(ids[4], 'EXPIRED').toString('latin1'), 'utf16le').swap16();
      assert.equal(await smsc.sendDeliver({ ...base, data_coding: 8, short_message: ucs2 }), CommandStatus.ESME_ROK);
      await waitFor(() => receipts.length >= 5 || undefined, 5000).catch(() => undefined);
      assert.deepEqual(receipts.map((r) => [r.upstreamId, r.stat]).sort(), [[ids[0], 'DELIVRD'], [ids[1], 'UNDELIV'], [ids[2], 'REJECTD'], [ids[3], 'DELIVRD'], [ids[4], 'EXPIRED']].sort());
    });
  });
}

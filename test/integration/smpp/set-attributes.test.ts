/**
 * A long message's smsguard vendor TLVs are the set's (docs/SMPP.md, Long messages;
 * src/smpp/server/set-attributes.ts): a 0x1400 / 0x1401 / 0x1403 given on any part applies to the
 * whole, and parts giving different values refuse the set ESME_RINVOPTPARAMVAL (0xC4), nothing
 * decided, recorded or sent, the earlier parts told REJECTD err:0c4 when the set asked. Before
 * 2026-12-07 only the part completing the set was read: a commercial message giving its category on
 * its first part (as many ESMEs give per-message attributes) was refused invalid_request (0x45), and
 * parts disagreeing were decided by the last one. Whole gateway (real pipeline, consents, SQLite),
 * UDH and SAR sets. (Charged services: charged-service.test.ts; a restart between the parts:
 * provider-partial-restart.test.ts.)
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSmppGateway, type SmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import { SmppEsme } from '../../../src/smpp/client/esme.js';
import { CommandStatus, EsmClass, Tag, buildConcatUdh, encodeText, parseDlrText, smDefaults, tlvString, tlvU16, tlvU8, tlvUtf8CString, type SmPdu } from '../../../src/smpp/pdu/index.js';
import { waitFor } from '../../helpers/wait.js';

const COMMERCIAL_PORT = '10690002';
const TEXT = `【示例】${'会员日全场满减，满二百减三十，'.repeat(3)}回T退订`;

describe('SMPP long messages: vendor TLVs are the set\'s', () => {
  let g: SmppGateway;
  let e: SmppEsme;
  const got: SmPdu[] = [];

  before(async () => {
    g = await startSmppGateway();
    const cp = { role: 'content-provider' as const, contentProviderId: g.cpId, actorId: 't' };
    for (let i = 0; i < 6; i++) {
      await g.app.grantConsent(cp, { msisdn: `1380013810${i}`, category: 'promotions', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: `form-${i}`, capturedAt: '2026-11-01T00:00:00Z' } });
    }
    e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password, onDeliver: (p) => { got.push(p as SmPdu); return 0; } });
  });
  after(async () => {
    await e?.close();
    await g?.close();
  });

  /** The two halves of TEXT as parts of one set, `tlvs[i]` on part i+1 (UDH or SAR). */
  const parts = (via: 'udh' | 'sar', to: string, ref: number, tlvs: SmPdu['tlvs'][], rd = 0): SmPdu[] => {
    const octets = encodeText(TEXT, 8);
    const half = Math.ceil(octets.length / 4) * 2;
    return [octets.subarray(0, half), octets.subarray(half)].map((o, i) => ({
      ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: COMMERCIAL_PORT, destination_addr: to, data_coding: 8, registered_delivery: i === 0 ? rd : 0,
      ...(via === 'udh'
        ? { esm_class: EsmClass.UDHI, short_message: Buffer.concat([buildConcatUdh({ ref, total: 2, seq: i + 1 }), o]), tlvs: tlvs[i] }
        : { short_message: Buffer.from(o), tlvs: [...tlvs[i], tlvU16(Tag.sar_msg_ref_num, ref), tlvU8(Tag.sar_total_segments, 2), tlvU8(Tag.sar_segment_seqnum, i + 1)] }),
    }) as SmPdu);
  };
  const category = (c: string) => tlvUtf8CString(Tag.smsguard_category, c);
  const send = async (pdus: SmPdu[]) => {
    const out: { status: number; id: string }[] = [];
    for (const p of pdus) {
      const r = await e.request(p);
      out.push({ status: r.command_status, id: (r as { message_id?: string }).message_id ?? '' });
    }
    return out;
  };
  const records = async (to: string) => (await g.store.records.queryRecords({ kind: 'mt', msisdn: `+86${to}`, limit: 10 })).records;

  for (const via of ['udh', 'sar'] as const) {
    test(`${via}: the category on the first part only is the set's: the commercial message is decided with it and accepted`, async () => {
      const to = via === 'udh' ? '13800138100' : '13800138101';
      const [first, last] = await send(parts(via, to, 11, [[category('promotions')], []]));
      assert.equal(first.status, CommandStatus.ESME_ROK);
      assert.equal(last.status, CommandStatus.ESME_ROK, `0x${last.status.toString(16)} (0x45: no category read)`);
      const m = (await g.app.getMessage({ role: 'admin', actorId: 'a' }, last.id)) as { category?: string; type?: string; text?: string };
      assert.deepEqual([m.type, m.category, m.text], ['commercial', 'promotions', TEXT]);
    });

    test(`${via}: parts giving different categories refuse the set 0xC4: nothing decided, recorded or sent; the first part told REJECTD err:0c4`, async () => {
      const to = via === 'udh' ? '13800138102' : '13800138103';
      const [first, last] = await send(parts(via, to, 12, [[category('promotions')], [category('news')]], 1));
      assert.equal(first.status, CommandStatus.ESME_ROK, 'an earlier part is acknowledged');
      assert.equal(last.status, CommandStatus.ESME_RINVOPTPARAMVAL, `0x${last.status.toString(16)}`);
      assert.equal(last.id, '');
      const rec = await waitFor(() => got.find((p) => tlvString(p.tlvs, Tag.receipted_message_id) === first.id));
      assert.deepEqual(((x) => [x?.stat, x?.err])(parseDlrText(rec.short_message.toString('latin1'))), ['REJECTD', '0c4']);
      await g.worker.drain();
      assert.deepEqual(g.sim.outbox().filter((m) => m.to.endsWith(to)), [], 'nothing sent');
      assert.deepEqual(await records(to), [], 'nothing recorded: no decision was made');
      assert.deepEqual(await g.store.smppDeliveries.openParts(), [], 'the set is gone');
    });
  }

  test('the same value on every part, or a value on one part and none on another, is no disagreement; a type on the last part only still counts', async () => {
    const to = '13800138104';
    const [, same] = await send(parts('udh', to, 13, [[category('promotions')], [category('promotions')]]));
    assert.equal(same.status, CommandStatus.ESME_ROK);
    // 0x1400 on part 2, the category on part 1: both the set's
    const to2 = '13800138105';
    const [, mixed] = await send(parts('sar', to2, 14, [[category('promotions')], [tlvUtf8CString(Tag.smsguard_message_type, 'commercial')]]));
    assert.equal(mixed.status, CommandStatus.ESME_ROK, `0x${mixed.status.toString(16)}`);
  });
});

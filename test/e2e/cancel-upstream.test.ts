/**
 * A cancel of a message already written to the carrier and not final (`submitted`): the gateway
 * sends cancel_sm upstream, on the link that carried it, and the message ends `cancelled` only when
 * the carrier says ESME_ROK (docs/SMPP.md "cancel_sm"). Through the whole single-process gateway
 * (SQLite, delivery worker, SMPP client), its HTTP door (DELETE /v1/messages/{id}) and its SMPP door
 * (cancel_sm from the provider's ESME), with the built-in simulator holding what it took (holdMs); a
 * carrier that refuses (test/fakes/smpp FakeSmsc 'refuses_cancel'); one that takes back some parts
 * of a long message and refuses the next (the 409 and the message's history say which; before, only
 * the refusal's reason, and nothing on record); the carrier link down. Before:
 * 409 / ESME_RCANCELFAIL for every message written, "smsguard does not send cancel_sm upstream".
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../src/http/app.js';
import { SmppEsme } from '../../src/smpp/client/esme.js';
import { CommandStatus, MessageState, Tag, encodeText, parseDlrText, smDefaults, tlvInt, tlvString, type Pdu, type SmPdu } from '../../src/smpp/pdu/index.js';
import { carrierDown, startSmppGateway, ADMIN, type SmppGateway } from '../fakes/smpp/smpp-gateway.js';
import { FakeSmsc } from '../fakes/smpp/fake-smsc.js';
import { waitFor } from '../helpers/wait.js';

const HOLD_MS = 60_000;

async function withHttp(g: SmppGateway): Promise<{ http: FastifyInstance; auth: Record<string, string> }> {
  const http = await buildHttpApp({ app: g.app, logger: false });
  return { http, auth: { authorization: `Bearer ${g.apiKey}` } };
}

/** Sends through HTTP and waits until the carrier has it (`submitted`). */
async function sendAndWaitSubmitted(g: SmppGateway, http: FastifyInstance, auth: Record<string, string>, to: string): Promise<string> {
  const r = await http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from: '10690001', to, text: '【示例】您预约的明天上午十点的课程', type: 'notification', registeredDelivery: true } });
  assert.equal(r.statusCode, 202, r.body);
  const id = r.json().id as string;
  await waitFor(async () => ((await g.app.getMessage(ADMIN, id)).status === 'submitted' ? true : undefined), 8000, `${id} submitted`);
  return id;
}

const statusOf = async (g: SmppGateway, id: string) => (await g.app.getMessage(ADMIN, id)).status;

describe('cancel of a message written to the carrier (cancel_sm upstream)', () => {
  test('HTTP DELETE: the simulator still holds it: cancel_sm ESME_ROK, 200 cancelled, never delivered; a second DELETE is 409', async () => {
    const g = await startSmppGateway({ holdMs: HOLD_MS });
    const { http, auth } = await withHttp(g);
    const statuses: string[] = [];
    g.app.events.on('messageStatus', (e) => statuses.push(`${e.id}:${e.status}`));
    try {
      const id = await sendAndWaitSubmitted(g, http, auth, '13900139301');
      assert.equal(g.sim.holding, 1);
      const r = await http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { id, status: 'cancelled' });
      const v = await g.app.getMessage(ADMIN, id);
      assert.equal(v.status, 'cancelled');
      assert.match(v.history.at(-1)!.detail ?? '', /cancelled at the carrier/);
      assert.ok(statuses.includes(`${id}:cancelled`), 'its sender hears (receipt DELETED / callback)');
      // the simulator took it back: never delivered, no receipt
      assert.equal(g.sim.holding, 0);
      const [d] = g.sim.outbox('+8613900139301');
      assert.equal(typeof d.cancelledAt, 'number');
      const again = await http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'conflict');
      assert.equal(await statusOf(g, id), 'cancelled');
    } finally {
      await http.close();
      await g.close();
    }
  });

  test('SMPP cancel_sm from the provider, a long message: cancel_sm for each part upstream, ESME_ROK, a DELETED receipt; query_sm then DELETED', async () => {
    const g = await startSmppGateway({ holdMs: HOLD_MS });
    const got: SmPdu[] = [];
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password, onDeliver: (p: Pdu) => { got.push(p as SmPdu); return 0; } });
    try {
      // 80 Chinese characters: two parts upstream (UCS-2, 67 a part)
      const text = `【示例】${'您的快递已到达小区门口的驿站请及时领取'.repeat(4)}`;
      const r = (await e.request({ ...smDefaults(), command: 'submit_sm', sequence_number: 0, source_addr: '10690001', destination_addr: '13800138301', data_coding: 8, short_message: encodeText(text, 8), registered_delivery: 1 })) as Pdu & { message_id: string };
      assert.equal(r.command_status, 0);
      const id = r.message_id;
      await waitFor(async () => ((await statusOf(g, id)) === 'submitted' ? true : undefined), 8000, 'submitted');
      const parts = await g.store.outbox.upstreamIdsOf(id);
      assert.equal(parts.length, 2, 'sent in two parts');
      const cancel = await e.request({ command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001', dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: '13800138301' } as never);
      assert.equal(cancel.command_status, CommandStatus.ESME_ROK);
      assert.equal(await statusOf(g, id), 'cancelled');
      assert.equal(g.sim.holding, 0);
      const dlr = await waitFor(() => got.find((d) => tlvString(d.tlvs, Tag.receipted_message_id) === id));
      assert.equal(parseDlrText(dlr.short_message.toString('latin1'))!.stat, 'DELETED');
      assert.equal(tlvInt(dlr.tlvs, Tag.message_state), MessageState.DELETED);
      const q = (await e.request({ command: 'query_sm', command_status: 0, sequence_number: 0, message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001' } as never)) as Pdu & { message_state: number };
      assert.equal(q.message_state, MessageState.DELETED);
    } finally {
      await e.close();
      await g.close();
    }
  });

  test('the carrier refuses (ESME_RCANCELFAIL): 409 saying so, and nothing changes', async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'refuses_cancel' });
    const port = await smsc.listen();
    const g = await startSmppGateway({ upstreamUrl: `smpp://smsguard:pw@127.0.0.1:${port}?name=carrier` });
    const { http, auth } = await withHttp(g);
    const statuses: string[] = [];
    g.app.events.on('messageStatus', (e) => statuses.push(`${e.id}:${e.status}`));
    try {
      const id = await sendAndWaitSubmitted(g, http, auth, '13900139302');
      const r = await http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth });
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.json().error.code, 'conflict');
      assert.match(r.json().error.message, /carrier, which refused to cancel it \(carrier: ESME_RCANCELFAIL\)/);
      // the cancel_sm went to the carrier as the submit_sm had the message
      assert.equal(smsc.cancels.length, 1);
      const c = smsc.cancels[0].pdu;
      assert.equal(c.message_id, smsc.acked[0].messageId);
      assert.equal(c.source_addr, '10690001');
      assert.equal(c.destination_addr, '8613900139302');
      assert.equal(await statusOf(g, id), 'submitted');
      assert.ok(!statuses.includes(`${id}:cancelled`));
    } finally {
      await http.close();
      await g.close();
      await smsc.close();
    }
  });

  test('a long message the carrier takes back in part: 409 naming the parts, still submitted, its history notes which; over SMPP ESME_RCANCELFAIL', async () => {
    // the first message's parts 1 and 2 cancelled, part 3 refused (delivered already), twice; then another's first part refused
    const smsc = new FakeSmsc({ misbehaviour: 'none', cancelAnswer: (_p, n) => (n === 3 || n === 6 || n === 7 ? CommandStatus.ESME_RCANCELFAIL : undefined) });
    const port = await smsc.listen();
    const g = await startSmppGateway({ upstreamUrl: `smpp://smsguard:pw@127.0.0.1:${port}?name=carrier` });
    const { http, auth } = await withHttp(g);
    const statuses: string[] = [];
    g.app.events.on('messageStatus', (e) => statuses.push(`${e.id}:${e.status}`));
    const long = `【示例】${'您预约的课程改到明天上午十点请准时到达教室'.repeat(7)}`;
    try {
      const send = async (to: string) => {
        const r = await http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from: '10690001', to, text: long, type: 'notification', registeredDelivery: true } });
        assert.equal(r.statusCode, 202, r.body);
        const id = r.json().id as string;
        await waitFor(async () => ((await statusOf(g, id)) === 'submitted' ? true : undefined), 8000, `${id} submitted`);
        assert.equal((await g.store.outbox.upstreamIdsOf(id)).length, 3, 'sent in three parts');
        return id;
      };
      const id = await send('13900139304');
      const r = await http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth });
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.json().error.code, 'conflict');
      assert.match(r.json().error.message, /refused to cancel all of it: parts 1, 2 of 3 cancelled; part 3 refused \(carrier: ESME_RCANCELFAIL\); it is still submitted \(the parts not cancelled may still arrive\), as its history notes/);
      assert.deepEqual(smsc.cancels.map((c) => c.status), [0, 0, CommandStatus.ESME_RCANCELFAIL]);
      const v = await g.app.getMessage(ADMIN, id);
      assert.equal(v.status, 'submitted', 'part 3 may still arrive');
      const last = v.history.at(-1)!;
      assert.equal(last.status, 'submitted');
      assert.match(last.detail ?? '', /^cancel at the carrier: parts 1, 2 of 3 cancelled; part 3 refused \(carrier: ESME_RCANCELFAIL\) \(asked by tok_\w+\)$/);
      assert.equal(v.history.filter((h) => h.status === 'submitted').length, 2, 'the submit, then the note');
      assert.ok(!statuses.includes(`${id}:cancelled`), 'no DELETED receipt, no cancelled callback');

      // the SMPP door: the same refusal, ESME_RCANCELFAIL (cancel_sm_resp carries nothing more); a second note
      const e = await SmppEsme.connect({ host: '127.0.0.1', port: g.port, systemId: g.systemId, password: g.password, onDeliver: () => 0 });
      try {
        const cancel = await e.request({ command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id: id, source_addr_ton: 0, source_addr_npi: 1, source_addr: '10690001', dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: '13900139304' } as never);
        assert.equal(cancel.command_status, CommandStatus.ESME_RCANCELFAIL);
      } finally {
        await e.close();
      }
      const again = await g.app.getMessage(ADMIN, id);
      assert.equal(again.status, 'submitted');
      assert.match(again.history.at(-1)!.detail ?? '', /^cancel at the carrier: parts 1, 2 of 3 cancelled; part 3 refused \(carrier: ESME_RCANCELFAIL\) \(asked by /);
      assert.equal(again.history.length, v.history.length + 1);

      // nothing taken back (the first part refused): the 409 names the parts, nothing is noted
      const other = await send('13900139305');
      const none = await http.inject({ method: 'DELETE', url: `/v1/messages/${other}`, headers: auth });
      assert.equal(none.statusCode, 409, none.body);
      assert.match(none.json().error.message, /part 1 of 3 refused \(carrier: ESME_RCANCELFAIL\); parts 2, 3 not asked; it is still submitted \(the parts not cancelled may still arrive\)$/);
      const w = await g.app.getMessage(ADMIN, other);
      assert.deepEqual(w.history.map((h) => h.status), ['accepted', 'submitted']);
    } finally {
      await http.close();
      await g.close();
      await smsc.close();
    }
  });

  test('the carrier never answers the cancel_sm: 409 within the wait, still submitted, its history notes it may be cancelled there', async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'none', cancelAnswer: () => null });
    const port = await smsc.listen();
    const g = await startSmppGateway({ upstreamUrl: `smpp://smsguard:pw@127.0.0.1:${port}?name=carrier` });
    const { http, auth } = await withHttp(g);
    try {
      const id = await sendAndWaitSubmitted(g, http, auth, '13900139306');
      const r = await http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth });
      assert.equal(r.statusCode, 409, r.body);
      assert.match(r.json().error.message, /refused to cancel it: part 1 of 1 unanswered \(link carrier: no cancel_sm_resp within \d+ ms\), so perhaps cancelled there; it is still submitted, as its history notes$/);
      assert.equal(smsc.cancels.length, 1);
      const v = await g.app.getMessage(ADMIN, id);
      assert.equal(v.status, 'submitted');
      assert.deepEqual(v.history.map((h) => h.status), ['accepted', 'submitted', 'submitted']);
      assert.match(v.history.at(-1)!.detail ?? '', /^cancel at the carrier: part 1 of 1 unanswered \(link carrier: no cancel_sm_resp within \d+ ms\), so perhaps cancelled there \(asked by tok_\w+\)$/);
    } finally {
      await http.close();
      await g.close();
      await smsc.close();
    }
  });

  test('the link that carried it is down: 409, no cancel_sm, nothing changes', async () => {
    const g = await startSmppGateway({ holdMs: HOLD_MS });
    const { http, auth } = await withHttp(g);
    try {
      const id = await sendAndWaitSubmitted(g, http, auth, '13900139303');
      await carrierDown(g);
      const r = await http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: auth });
      assert.equal(r.statusCode, 409, r.body);
      assert.match(r.json().error.message, /refused to cancel it \(link sim is down\)/);
      assert.equal(await statusOf(g, id), 'submitted');
      assert.equal(g.sim.holding, 1, 'still held at the carrier');
    } finally {
      await http.close();
      await g.close();
    }
  });
});

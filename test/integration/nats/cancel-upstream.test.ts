/**
 * Scale-out: `DELETE /v1/messages/{id}` at an API process (role ingress) of a message an egress
 * process has written to its carrier, which still holds it (the simulator's holdMs). The API process
 * has no upstream link: it asks on `<prefix>.cmd.cancel-upstream`, the egress process owning the
 * recipient's partition sends cancel_sm to its carrier and answers. ESME_ROK → 200 `cancelled`
 * (recorded by the API process), the carrier took it back; a refusal → 409, still `submitted` (what
 * came of each part of a long message crosses the bus, and the API process notes it); no
 * egress process answering → 409 within CANCEL_UPSTREAM_WAIT_MS. Before: every such cancel at an API
 * process answered 409 and the carrier was never asked.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN } from '../../helpers/gateway.js';
import { msisdn } from '../../contract/fixtures.js';
import { busScene, startFirstPiece, startPiece, suiteCleanups, type Piece } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { CANCEL_UPSTREAM_WAIT_MS } from '../../../src/app/cancel-message.js';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { CommandStatus } from '../../../src/smpp/pdu/index.js';
import { FakeSmsc, type FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import type { Egress } from '../../../src/ports/egress.js';

describe('a cancel of a message written to the carrier crosses the bus to the egress process that can ask it', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  /** An API process and an egress process on one schema and prefix; the egress's simulator holds what it takes. */
  async function twoProcesses(tag: string, carrier?: Egress): Promise<{ api: Piece; egress: Piece; sendSubmitted(to: string, tail?: string): Promise<string>; del(id: string): Promise<{ statusCode: number; json(): unknown }> }> {
    const { h, seeded, principal, prefix } = await busScene(cleanups, tag);
    const api = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    await api.app.auth.ensureAdminToken(ADMIN_TOKEN);
    const http = await buildHttpApp({ app: api.app });
    cleanups.push(() => http.close());
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', ...(carrier ? { egress: carrier } : {}) });
    egress.simulator.holdMs = 60_000;
    cleanups.push(() => egress.stop());
    return {
      api, egress,
      async sendSubmitted(to, tail = '') {
        const [o] = await api.app.submitMessages(principal, [{ from: seeded.service, to, text: `${seeded.signature}您的验证码是${Math.floor(Math.random() * 1e6)}${tail}`, type: 'verification' }], 'http');
        if (!o.ok) assert.fail(JSON.stringify(o));
        await until(async () => (await api.store.messages.getMessage(o.id))?.status === 'submitted', 20_000, 'the egress process to write it to its carrier');
        return o.id;
      },
      del: (id) => http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    };
  }

  test('held at the carrier: the egress process sends cancel_sm, ESME_ROK → 200 cancelled, never delivered', async () => {
    const { api, egress, sendSubmitted, del } = await twoProcesses('e5f6a7');
    const to = msisdn();
    const id = await sendSubmitted(to);
    assert.equal(egress.simulator.holding, 1);
    const r = await del(id);
    assert.equal(r.statusCode, 200, JSON.stringify(r.json()));
    assert.deepEqual(r.json(), { id, status: 'cancelled' });
    // the carrier took it back: no longer held, never delivered
    assert.equal(egress.simulator.holding, 0);
    const [d] = egress.simulator.outbox(to);
    assert.equal(typeof d.cancelledAt, 'number', 'the carrier saw cancel_sm');
    const v = await api.store.messages.getMessage(id);
    assert.equal(v?.status, 'cancelled');
  });

  test('the carrier refuses (ESME_RCANCELFAIL): 409 saying so, still submitted', async () => {
    const { api, egress, sendSubmitted, del } = await twoProcesses('f6a7b8');
    const id = await sendSubmitted(msisdn());
    // the carrier no longer holds it as this message (taken back another way): its cancel_sm is refused
    const [upstreamId] = await api.store.outbox.upstreamIdsOf(id);
    assert.equal(egress.simulator.cancelHeld(upstreamId), 'cancelled');
    const r = await del(id);
    assert.equal(r.statusCode, 409, JSON.stringify(r.json()));
    const e = (r.json() as { error: { code: string; message: string } }).error;
    assert.equal(e.code, 'conflict');
    assert.match(e.message, /ESME_RCANCELFAIL/, 'the carrier\'s refusal reached the API process');
    assert.equal((await api.store.messages.getMessage(id))?.status, 'submitted');
  });

  /** The egress process's SMPP client bound to a FakeSmsc that sends no receipts (the message stays `submitted`). */
  async function smppCarrier(o: Partial<FakeSmscOptions>): Promise<{ smsc: FakeSmsc; upstream: SmppUpstream }> {
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: false, ...o });
    await smsc.listen();
    cleanups.push(() => smsc.close());
    const upstream = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=fake`)] });
    upstream.start();
    cleanups.push(() => upstream.close());
    assert.ok(await upstream.waitUp(5000));
    return { smsc, upstream };
  }

  test('over SMPP (FakeSmsc): the egress process\'s client sends cancel_sm with the carrier\'s id; ESME_ROK → 200 cancelled', async () => {
    const { smsc, upstream } = await smppCarrier({});
    const { api, sendSubmitted, del } = await twoProcesses('b8c9d0', upstream);
    const id = await sendSubmitted(msisdn());
    const [upstreamId] = await api.store.outbox.upstreamIdsOf(id);
    const r = await del(id);
    assert.equal(r.statusCode, 200, JSON.stringify(r.json()));
    assert.equal(smsc.cancels.length, 1, 'the carrier saw cancel_sm');
    assert.equal(smsc.cancels[0].pdu.message_id, upstreamId);
    assert.equal(smsc.cancels[0].status, CommandStatus.ESME_ROK);
    assert.equal((await api.store.messages.getMessage(id))?.status, 'cancelled');
  });

  test('over SMPP (FakeSmsc \'refuses_cancel\'): 409 naming ESME_RCANCELFAIL, still submitted', async () => {
    const { smsc, upstream } = await smppCarrier({ misbehaviour: 'refuses_cancel' });
    const { api, sendSubmitted, del } = await twoProcesses('c9d0e1', upstream);
    const id = await sendSubmitted(msisdn());
    const r = await del(id);
    assert.equal(r.statusCode, 409, JSON.stringify(r.json()));
    const e = (r.json() as { error: { code: string; message: string } }).error;
    assert.equal(e.code, 'conflict');
    assert.match(e.message, /fake: ESME_RCANCELFAIL/);
    assert.equal(smsc.cancels.length, 1);
    assert.equal((await api.store.messages.getMessage(id))?.status, 'submitted');
  });

  test('over SMPP, a long message the carrier takes back in part: which parts cross the bus; 409 naming them, the note in the history', async () => {
    const { smsc, upstream } = await smppCarrier({ cancelAnswer: (_p, n) => (n === 2 ? CommandStatus.ESME_RCANCELFAIL : undefined) });
    const { api, sendSubmitted, del } = await twoProcesses('d0e1f2', upstream);
    const id = await sendSubmitted(msisdn(), `，${'五分钟内有效请勿将验证码告诉他人'.repeat(5)}`);
    assert.equal((await api.store.outbox.upstreamIdsOf(id)).length, 2, 'sent in two parts');
    const r = await del(id);
    assert.equal(r.statusCode, 409, JSON.stringify(r.json()));
    const e = (r.json() as { error: { code: string; message: string } }).error;
    assert.match(e.message, /part 1 of 2 cancelled; part 2 refused \(fake: ESME_RCANCELFAIL\); it is still submitted/);
    assert.deepEqual(smsc.cancels.map((c) => c.status), [CommandStatus.ESME_ROK, CommandStatus.ESME_RCANCELFAIL]);
    const v = await api.store.messages.getMessage(id);
    assert.equal(v?.status, 'submitted');
    assert.match(v?.history.at(-1)?.detail ?? '', /^cancel at the carrier: part 1 of 2 cancelled; part 2 refused \(fake: ESME_RCANCELFAIL\)/);
  });

  test('no egress process answers (the owner stopped, another silent): 409 within the bound, still submitted', async () => {
    const { api, egress, sendSubmitted, del } = await twoProcesses('a7b8c9');
    const id = await sendSubmitted(msisdn());
    await egress.stop();
    // one listening that does not own the partition stays silent: the asker waits out its bound
    const silent: string[] = [];
    const sub = api.roles.bus.nc.subscribe(api.roles.bus.names.cancelUpstream, { callback: (_e, m) => { silent.push(m.string()); } });
    cleanups.push(async () => sub.unsubscribe());
    await api.roles.bus.nc.flush();
    const t0 = Date.now();
    const r = await del(id);
    const took = Date.now() - t0;
    assert.equal(r.statusCode, 409, JSON.stringify(r.json()));
    const e = (r.json() as { error: { code: string; message: string } }).error;
    assert.equal(e.code, 'conflict');
    assert.match(e.message, /no egress process answered/);
    // bounded: the wait is CANCEL_UPSTREAM_WAIT_MS, not an ESME's own response timeout
    assert.ok(took < CANCEL_UPSTREAM_WAIT_MS + 3000, `answered after ${took} ms`);
    assert.equal(silent.length, 1, 'the API process asked on the bus');
    assert.equal((await api.store.messages.getMessage(id))?.status, 'submitted');
  });
});

/**
 * Scale-out: `DELETE /v1/messages/{id}` at an API process (role ingress) of a message an egress
 * process has claimed and holds unwritten (the carrier link down). The take-back crosses the bus
 * (`<prefix>.cmd.take-back`): the egress worker gives the submit up (Egress.cancel) and answers, and
 * the cancel goes through: 200, `cancelled`, and the carrier never gets it once the link is back.
 * One already written is not given up: 409. Before: the API process had no way to reach the holder,
 * and every such cancel answered 409. The cancel overrides only the claim the holder gave up: one
 * that took the message since (and writes it) answers 409 too, and the message ends `submitted`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN } from '../../helpers/gateway.js';
import { msisdn } from '../../contract/fixtures.js';
import { ScriptedCarrier, busScene, removeStream, startFirstPiece, startPiece, suiteCleanups, type Piece } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { TAKE_BACK_WAIT_MS } from '../../../src/queue/take-back.js';

describe('a cancel crosses the bus to the egress process holding the message', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  /** An API process and an egress process on one schema and prefix, the egress's carrier scripted (down at first). */
  async function twoProcesses(): Promise<{ api: Piece; egress: Piece; carrier: ScriptedCarrier; send(to: string): Promise<string>; del(id: string): Promise<{ statusCode: number; json(): unknown }> }> {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'c3d4e5');
    const api = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    await api.app.auth.ensureAdminToken(ADMIN_TOKEN);
    const http = await buildHttpApp({ app: api.app });
    cleanups.push(() => http.close());
    const carrier = new ScriptedCarrier();
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: carrier });
    // nothing left waiting on the carrier when the egress stops
    cleanups.push(async () => {
      carrier.answering = true;
      carrier.bringUp();
      carrier.answerAll();
      await egress.stop();
    });
    return {
      api, egress, carrier,
      async send(to) {
        const [o] = await api.app.submitMessages(principal, [{ from: seeded.service, to, text: `${seeded.signature}您的验证码是${Math.floor(Math.random() * 1e6)}`, type: 'verification' }], 'http');
        return o.ok ? o.id : assert.fail(JSON.stringify(o));
      },
      del: (id) => http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    };
  }

  test('held unwritten by the egress process (link down): 200 cancelled, never sent when the link returns; one already written: 409', async () => {
    const { api, egress, carrier, send, del } = await twoProcesses();
    const id = await send(msisdn());
    await until(() => carrier.waiting.has(id), 20_000, 'the egress process to hold it');
    // claimed by the egress process's batch: the store alone refuses it
    assert.equal(await api.store.outbox.cancel(id, null, api.clock.now(), 'test'), 'claimed');

    const r = await del(id);
    assert.equal(r.statusCode, 200, JSON.stringify(r.json()));
    assert.deepEqual(r.json(), { id, status: 'cancelled' });
    assert.equal(carrier.waiting.has(id), false, 'the egress process gave the submit up');
    assert.equal((await api.store.messages.getMessage(id))?.status, 'cancelled');

    // The link returns; a message written now but not answered yet is past taking back.
    api.clock.advance(1000);
    egress.clock.advance(1000);
    carrier.answering = false;
    carrier.bringUp();
    const late = await send(msisdn());
    await until(() => carrier.unanswered.has(late), 20_000, 'the next message written');
    const t0 = Date.now();
    const asked = del(late);
    // the egress process was asked, and its carrier had already written it
    await until(() => carrier.cancelAsked.includes(late), 5_000, 'the take-back to reach the egress process');
    carrier.answerAll();
    const refused = await asked;
    assert.equal(refused.statusCode, 409, JSON.stringify(refused.json()));
    // told so by the holder once its carrier answered, not left to wait out the bound
    assert.ok(Date.now() - t0 < TAKE_BACK_WAIT_MS, `answered after ${Date.now() - t0} ms`);
    assert.equal((refused.json() as { error: { code: string } }).error.code, 'conflict');
    await until(async () => (await api.store.messages.getMessage(late))?.status === 'submitted', 10_000, 'the written message recorded submitted');

    // relay sweeps (100 ms here) have had time to hand the cancelled message over again, were it queued
    await new Promise((res) => setTimeout(res, 500));
    await egress.roles.worker!.idle();
    assert.deepEqual(carrier.written, [late], 'the cancelled message never reached the carrier');
    assert.equal((await api.store.messages.getMessage(id))?.status, 'cancelled');
  });

  test('claimed again between the holder\'s give-back and the cancel (the link back, written): 409, and it ends submitted, not cancelled', async () => {
    const { api, egress, carrier, send, del } = await twoProcesses();
    const id = await send(msisdn());
    await until(() => carrier.waiting.has(id), 20_000, 'the egress process to hold it');
    // The holder gives the message up and answers; before this process's cancel reaches the store,
    // the link returns and a claim takes the message again and writes it to the carrier (its answer
    // not come yet). Here the claim given up is kept until its lease ends (60 s), so the clocks move
    // past it (and past the relay's grace); before, the holder gave it back to the queue at once and
    // the next relay sweep handed it over again.
    const ask = api.app.ctx.takeBack!;
    let given: unknown;
    api.app.ctx.takeBack = async (asked) => {
      given = await ask(asked);
      carrier.answering = false;
      carrier.bringUp();
      api.clock.advance(95_000);
      egress.clock.advance(95_000);
      await until(() => carrier.unanswered.has(asked), 20_000, 'the message claimed again and written');
      return given as never;
    };
    const r = await del(id);
    assert.ok(given, 'the holder gave it up');
    // the cancel named the claim given up; the one writing it now stands
    assert.equal(r.statusCode, 409, JSON.stringify(r.json()));
    assert.equal((r.json() as { error: { code: string } }).error.code, 'conflict');
    assert.equal((await api.store.messages.getMessage(id))?.status, 'accepted');
    // the carrier takes it: recorded as sent (before: cancelled, and this `submitted` dropped)
    carrier.answerAll();
    await until(async () => (await api.store.messages.getMessage(id))?.status === 'submitted', 10_000, 'the written message recorded submitted');
    assert.deepEqual(carrier.written, [id]);
  });

  test('a process that is API and egress at once (role all) takes back from its own worker, without asking the bus', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'd4e5f6');
    const carrier = new ScriptedCarrier();
    const all = await startPiece({ schema: h.schema, prefix, role: 'all', egress: carrier });
    cleanups.push(() => removeStream(all));
    cleanups.push(async () => {
      carrier.bringUp();
      await all.stop();
    });
    const asks: string[] = [];
    const sub = all.roles.bus.nc.subscribe(all.roles.bus.names.takeBack, { callback: (_e, m) => { asks.push(m.string()); } });
    cleanups.push(async () => sub.unsubscribe());
    const [o] = await all.app.submitMessages(principal, [{ from: seeded.service, to: msisdn(), text: `${seeded.signature}您的验证码是246810`, type: 'verification' }], 'http');
    assert.ok(o.ok, JSON.stringify(o));
    await until(() => carrier.waiting.has(o.id), 20_000, 'its own worker to hold it');
    assert.deepEqual(await all.app.cancelMessage(principal, o.id), { id: o.id, status: 'cancelled' });
    await all.roles.bus.nc.flush();
    assert.deepEqual(asks, [], 'no take-back request on the bus');
    carrier.bringUp();
    await new Promise((res) => setTimeout(res, 300));
    await all.roles.worker!.idle();
    assert.deepEqual(carrier.written, []);
    assert.equal((await h.store.messages.getMessage(o.id))?.status, 'cancelled');
  });
});

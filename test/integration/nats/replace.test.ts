/**
 * Scale-out: a replacement (replaceMessage: SMPP replace_sm, `PATCH /v1/messages/{id}`) at an API
 * process (role ingress) of a message an egress process has claimed and holds unwritten (the carrier
 * link down). The take-back crosses the bus as a cancel's does (`<prefix>.cmd.take-back`); the message
 * is replaced under the claim given up, released to the queue (lease and hand-over cleared), handed
 * over again by the relay, and the carrier gets only the new text once the link is back. A refused
 * replacement releases the claim given up too: the old text goes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { msisdn } from '../../contract/fixtures.js';
import { ScriptedCarrier, busScene, startFirstPiece, startPiece, suiteCleanups } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { SmsguardError } from '../../../src/domain/errors.js';

describe('a replacement crosses the bus to the egress process holding the message', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  test('held unwritten by the egress process (link down): replaced, and only the new text is written when the link returns; a refused one leaves the old text to go', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'e5f6a7');
    const api = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    const carrier = new ScriptedCarrier();
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: carrier });
    cleanups.push(async () => {
      carrier.bringUp();
      await egress.stop();
    });
    const send = async (to: string, text: string) => {
      const [o] = await api.app.submitMessages(principal, [{ from: seeded.service, to, text, type: 'notification' }], 'http');
      return o.ok ? o.id : assert.fail(JSON.stringify(o));
    };
    const old = `${seeded.signature}明天上午十点开会`;
    const neu = `${seeded.signature}会议改到明天下午三点`;
    const id = await send(msisdn(), old);
    const kept = await send(msisdn(), old);
    await until(() => carrier.waiting.has(id) && carrier.waiting.has(kept), 20_000, 'the egress process to hold both');
    // claimed by the egress process's batch: the store alone refuses it
    const v = (await api.store.messages.getMessage(id))!;
    assert.equal(await api.store.messages.replaceQueued({
      item: { id, candidate: { contentProviderId: seeded.cp.id, from: v.from!, toRaw: v.to!, to: v.to!, text: neu, type: v.type! }, channel: 'http', registeredDelivery: false, receivedAt: v.receivedAt },
      previousText: old, at: api.clock.now(), detail: 'x', recordId: 'x',
    }, () => assert.fail('not decided')), 'claimed');

    const r = await api.app.replaceMessage(principal, id, { text: neu }, 'http');
    assert.deepEqual([r.id, r.status, r.text], [id, 'accepted', neu]);
    assert.equal(carrier.waiting.has(id), false, 'the egress process gave the submit up');
    // a refused text: the claim given up goes back all the same, so the old text goes
    await assert.rejects(api.app.replaceMessage(principal, kept, { text: '没有签名' }, 'http'), (e: unknown) => e instanceof SmsguardError && e.code === 'signature_missing');

    // The relay hands both over again. Its Nats-Msg-Id is `<id>.<attempts>.<now>`, and these clocks
    // stand still: a hand-over in the same millisecond as the first one (the attempt the claim given up
    // counted was taken back) is dropped by JetStream as a duplicate, so the clocks move past the
    // relay's grace, after which it hands over again what it handed over (in real time a replacement
    // never comes in the millisecond of the message's first hand-over).
    api.clock.advance(95_000);
    egress.clock.advance(95_000);
    await until(() => carrier.waiting.has(id) && carrier.waiting.has(kept), 20_000, 'both handed over again and held');
    carrier.bringUp();
    await until(() => carrier.written.includes(id) && carrier.written.includes(kept), 20_000, 'both written');
    assert.equal(carrier.writtenText.get(id), neu, 'only the new text went');
    assert.equal(carrier.writtenText.get(kept), old);
    assert.equal(carrier.written.filter((x) => x === id).length, 1, 'written once');
    await until(async () => (await api.store.messages.getMessage(id))?.status === 'submitted', 10_000, 'recorded submitted');
    assert.equal((await api.store.messages.getMessage(id))?.text, neu);
  });
});

/**
 * Scale-out (PostgreSQL + NATS): a long promotion whose sending began inside the sending hours is cut
 * off at 21:00 in an egress process, part 1 acknowledged by the carrier, part 2 refused (queue full).
 * The egress process gives the submit up at 21:00 (in-flight.ts); nothing goes at night; the egress
 * process is replaced overnight, and the new one sends parts 2 and 3 at 08:00 under part 1's UDH
 * reference, part 1 never again. Before (found 2026-12-06): the give-up kept the message claimed
 * with its acknowledged part in the first process's memory only, and the new process sent all three
 * parts under a new reference.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { msisdn } from '../../contract/fixtures.js';
import { busScene, startFirstPiece, startPiece, suiteCleanups, type Piece } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { SmppUpstream, parseUpstreamUrl } from '../../../src/smpp/client/index.js';
import { CommandStatus, parseUdh, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { SubmitResult } from '../../../src/ports/egress.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';

const EVENING = Date.parse('2026-11-30T20:59:30+08:00');
const CLOSE = Date.parse('2026-11-30T21:00:00+08:00');
const NIGHT = Date.parse('2026-11-30T21:05:00+08:00');
const MORNING = Date.parse('2026-12-01T08:00:00+08:00');

const concat = (pdu: SmPdu) => parseUdh(pdu.short_message)?.concat;

describe('a long promotion cut off at 21:00 in an egress process of the bus', { timeout: 90_000 }, () => {
  const cleanups = suiteCleanups();

  test('part 1 never again, nothing at night, the rest at 08:00 from another egress process under the same reference', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'c3d4e5');
    let busy = true;
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true, answer: (pdu) => (busy && concat(pdu)?.seq === 2 ? CommandStatus.ESME_RMSGQFUL : undefined) });
    await smsc.listen();
    cleanups.push(() => smsc.close());
    const url = parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=carrier&window=1`);
    const upstream = async (): Promise<SmppUpstream> => {
      const up = new SmppUpstream({ links: [url] });
      up.start();
      cleanups.push(() => up.close());
      assert.ok(await up.waitUp(5000));
      return up;
    };
    const ingress = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress', now: EVENING });
    const upA = await upstream();
    const results: SubmitResult[] = [];
    const submit = upA.submit.bind(upA);
    upA.submit = (m) => submit(m).then((r) => (results.push(r), r));
    const egressA = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: upA, now: EVENING });
    let stopA: Promise<void> | null = null;
    cleanups.push(() => stopA ?? egressA.stop());
    const pieces: Piece[] = [ingress, egressA];
    const setClocks = (t: number) => { for (const p of pieces) p.clock.set(t); };

    const to = msisdn();
    await ingress.app.grantConsent(principal, { msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: new Date(EVENING + 30 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(EVENING - 86_400_000).toISOString() } });
    // three UCS-2 parts of 67
    const [o] = await ingress.app.submitMessages(principal, [{ from: seeded.commercial, to, text: `${seeded.signature}${'年终大促全场五折，欢迎光临。'.repeat(10)}`, type: 'commercial', category: 'promo' }], 'http');
    assert.ok(o.ok, JSON.stringify(o));
    await until(() => smsc.acked.length === 1 && smsc.received.length >= 2, 20_000, 'part 1 acknowledged, part 2 tried');
    setClocks(CLOSE);
    await until(() => results.length === 1, 10_000, 'the submit given up at 21:00');
    assert.ok(!results[0].ok && results[0].partial, JSON.stringify(results[0]));
    const atClose = smsc.received.length;
    setClocks(NIGHT);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(smsc.received.length, atClose, 'no part at night');

    // the egress process is replaced overnight: nothing of its memory survives
    stopA = egressA.stop();
    await stopA;
    pieces.splice(pieces.indexOf(egressA), 1);
    busy = false;
    const egressB = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: await upstream(), now: NIGHT });
    cleanups.push(() => egressB.stop());
    pieces.push(egressB);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(smsc.received.length, atClose, 'still no part at night, from the new process');
    assert.equal((await h.store.messages.getMessage(o.id))?.status, 'accepted');

    setClocks(MORNING);
    await until(async () => ['submitted', 'delivered'].includes((await h.store.messages.getMessage(o.id))?.status ?? ''), 40_000, 'the rest sent at 08:00');
    const acked = smsc.answers.filter(([, st]) => st === CommandStatus.ESME_ROK).map(([n]) => concat(smsc.received[n - 1])!);
    assert.deepEqual(acked.map((c) => c.seq).sort(), [1, 2, 3], 'each part acknowledged exactly once: part 1 not again');
    assert.equal(new Set(acked.map((c) => c.ref)).size, 1, 'one UDH reference for the whole set');
    assert.equal(smsc.received.filter((p) => concat(p)?.seq === 1).length, 1, 'part 1 written once');
  });
});

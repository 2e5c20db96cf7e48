/**
 * Scale-out: a number replies R to an ingress process while an egress process holds its promotion in
 * flight, unwritten (the carrier link down). The refusal crosses the bus (`<prefix>.evt.refusal`),
 * the egress worker gives the submit back (Egress.cancel), the relay hands the message over again,
 * and the send-time check stops it: `rejected` (opted_out), never written. Before: the event stayed
 * in the ingress process, and the promotion went out when the link returned.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { msisdn } from '../../contract/fixtures.js';
import { busScene, startFirstPiece, startPiece, suiteCleanups } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import type { Egress, SubmitResult } from '../../../src/ports/egress.js';

/** A link that never comes up: submits wait until Egress.cancel gives them up unwritten. */
function linkDown(): { down: Egress; waiting: Map<string, (r: SubmitResult) => void>; written: string[] } {
  const waiting = new Map<string, (r: SubmitResult) => void>();
  const down: Egress = {
    submit: (m) => new Promise<SubmitResult>((r) => waiting.set(m.id, r)),
    cancel(ids) {
      for (const id of ids) {
        waiting.get(id)?.({ ok: false, retry: true, reason: 'given up', stopped: { written: false } });
        waiting.delete(id);
      }
    },
    onReceipt() {}, onMo() {}, async close() {},
  };
  return { down, waiting, written: [] };
}

describe('a refusal crosses the bus to the egress process holding the message', { timeout: 60_000 }, () => {
  const cleanups = suiteCleanups();

  test('R at an ingress process: the egress process gives back its unwritten promotion, which is stopped (opted_out)', async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'b2c3d4');
    const ingress = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    const { down, waiting } = linkDown();
    const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: down });
    cleanups.push(() => egress.stop());
    const to = msisdn();
    const now = ingress.clock.now();
    await ingress.app.grantConsent(principal, { msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: new Date(now + 30 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(now - 86_400_000).toISOString() } });
    const [o] = await ingress.app.submitMessages(principal, [{ from: seeded.commercial, to, text: `${seeded.signature}年终大促全场五折`, type: 'commercial', category: 'promo' }], 'http');
    assert.ok(o.ok, JSON.stringify(o));
    await until(() => waiting.has(o.id), 20_000, 'the egress process to hold it');
    // A relay's hand-over round is its clock's time (the Nats-Msg-Id): the simulated clocks move on,
    // as a real one does, so that the hand-over after the give-back is not taken for a duplicate.
    ingress.clock.advance(1000);
    egress.clock.advance(1000);
    const mo = await ingress.app.receiveMo({ from: to, to: seeded.commercial, text: 'R' }, 'system');
    await until(async () => (await h.store.messages.getMessage(o.id))?.status === 'rejected', 20_000, 'the promotion stopped');
    const v = await h.store.messages.getMessage(o.id);
    assert.equal(v?.history.at(-1)?.rejection?.code, 'opted_out');
    assert.equal(waiting.has(o.id), false, 'not waiting to be written any more');
  });
});

/**
 * A commercial message the delivery worker took while the carrier link was down waits in the SMPP
 * client's link queue; the send-time check judged it when it was taken. What changes meanwhile must
 * still reach it:
 * - the number replies R: the worker gives it back unwritten (the `refusal` event, Egress.cancel),
 *   the next claim stops it (`rejected`), and the carrier never gets it when the link returns;
 * - 21:00 comes: the worker gives it back (every poll outside the sending hours), the next claim has
 *   it wait for 08:00.
 * Before: it went out as soon as the link came back.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startSmppGateway, ADMIN, carrierDown, handedIds, promoConsent } from '../../fakes/smpp/smpp-gateway.js';
import { waitFor } from '../../helpers/wait.js';
import type { SimulatedClock } from '../../../src/simulator/clock.js';

const PROMO = '【示例】年终大促全场五折';

describe('what changes reaches a message already taken for sending (the link down)', () => {
  test('taken while the link is down, the number replies R: given back, stopped (opted_out), never sent after the link returns', async () => {
    const g = await startSmppGateway();
    const handed = handedIds(g);
    const carrier = await carrierDown(g);
    try {
      const to = '13800138301';
      const cp = await promoConsent(g, to);
      const o = await g.app.submitMessage(cp, { from: '10690002', to, text: PROMO, type: 'commercial', category: 'promo' }, 'http');
      assert.ok(o.ok, JSON.stringify(o));
      await waitFor(() => handed.has(o.id) || undefined);
      const mo = await g.app.receiveMo({ from: to, to: '10690002', text: 'R' }, 'system');
      assert.equal(mo.action, 'opt_out');
      await waitFor(async () => ((await g.app.getMessage(ADMIN, o.id)).status === 'rejected') || undefined, 10_000);
      const v = await g.app.getMessage(ADMIN, o.id);
      assert.equal(v.history.at(-1)?.rejection?.code, 'opted_out');
      // the carrier is back: the opt-out's confirmation goes out, the promotion does not
      await carrier.up();
      await waitFor(() => g.sim.outbox(`+86${to}`).length >= 1 || undefined, 15_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(g.sim.outbox(`+86${to}`).map((d) => d.text).filter((t) => t.includes('年终大促')), []);
    } finally {
      await g.close();
      await carrier.close();
    }
  });

  test('taken in the daytime while the link is down, still waiting at 21:00: given back, waits for 08:00, then goes out', async () => {
    const g = await startSmppGateway();
    const clock = g.app.ctx.clock as SimulatedClock;
    const handed = handedIds(g);
    const carrier = await carrierDown(g);
    try {
      const to = '13800138302';
      const cp = await promoConsent(g, to);
      // 20:50 in Shanghai: within the sending hours
      clock.set(Date.parse('2026-11-30T20:50:00+08:00'));
      const o = await g.app.submitMessage(cp, { from: '10690002', to, text: PROMO, type: 'commercial', category: 'promo' }, 'http');
      assert.ok(o.ok, JSON.stringify(o));
      await waitFor(() => handed.has(o.id) || undefined);
      // 21:00: the worker gives it back (it looks every 50 ms: pollMs); the next claim has it wait for 08:00
      clock.set(Date.parse('2026-11-30T21:00:00+08:00'));
      await new Promise((r) => setTimeout(r, 500));
      await carrier.up();
      await waitFor(() => g.upstream.bound() || undefined, 15_000);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(g.sim.outbox(`+86${to}`), [], 'not at night');
      assert.equal((await g.app.getMessage(ADMIN, o.id)).status, 'accepted');
      clock.set(Date.parse('2026-12-01T08:00:00+08:00'));
      await waitFor(() => g.sim.outbox(`+86${to}`).length === 1 || undefined, 15_000);
    } finally {
      await g.close();
      await carrier.close();
    }
  });
});

/**
 * The in-process simulator SMSC (src/simulator/simulator-smsc.ts): its outbox keeps the newest
 * `capacity` submits in the order received once it wraps, every submit gets one receipt on a later
 * turn of the event loop (after its submit has answered), and one failing receipt handler costs
 * neither the other receipts nor the other handlers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import type { DeliveryReceipt } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { simulatorOptions } from '../../../src/cli/simulator.js';
import { ConfigError } from '../../../src/config/schema.js';

const msg = (i: number, to = `+861380013${String(i % 10000).padStart(4, '0')}`): OutboundMessage => ({
  id: `m${i}`, contentProviderId: 'cp', from: '10690001', to, text: `t${i}`, registeredDelivery: true, attempts: 1, submittedAt: 0,
});
const clock = () => new SimulatedClock(Date.parse('2026-12-05T00:00:00Z'));

test('simulator outbox: keeps the newest `capacity` submits, oldest first, however often it wraps', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 200 }), async (capacity, n) => {
      const sim = new SimulatorSmsc(clock(), capacity);
      for (let i = 0; i < n; i++) await sim.submit(msg(i));
      const want = Array.from({ length: Math.min(n, capacity) }, (_, k) => `m${n - Math.min(n, capacity) + k}`);
      assert.deepEqual(sim.outbox().map((d) => d.messageId), want);
      assert.equal(sim.count, n);
    }),
    { numRuns: 200 },
  );
});

test('simulator outbox: filtered by recipient, in the order received, after wrapping', async () => {
  const sim = new SimulatorSmsc(clock(), 5);
  const a = '+8613800138000';
  const b = '+8613900139000';
  for (let i = 0; i < 12; i++) await sim.submit(msg(i, i % 3 === 0 ? a : b));
  // kept: m7..m11; of those m9 went to a
  assert.deepEqual(sim.outbox(a).map((d) => d.messageId), ['m9']);
  assert.deepEqual(sim.outbox(b).map((d) => d.messageId), ['m7', 'm8', 'm10', 'm11']);
  // a copy: changing it changes nothing kept
  sim.outbox().length = 0;
  assert.equal(sim.outbox().length, 5);
});

test('simulator: each submit gets one DELIVRD receipt after its submit answered; a failing handler costs nothing else', async () => {
  const sim = new SimulatorSmsc(clock(), 10);
  const seen: DeliveryReceipt[] = [];
  const order: string[] = [];
  sim.onReceipt(() => {
    throw new Error('a handler that fails');
  });
  sim.onReceipt(() => Promise.reject(new Error('a handler whose promise fails')));
  sim.onReceipt((r) => {
    seen.push(r);
    order.push(`receipt ${r.upstreamId}`);
  });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await sim.submit(msg(i));
    assert.ok(r.ok);
    ids.push(r.upstreamId);
    order.push(`submitted ${r.upstreamId}`);
  }
  assert.equal(seen.length, 0, 'no receipt before the submits have answered');
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen.map((r) => r.upstreamId), ids);
  assert.ok(seen.every((r) => r.stat === 'DELIVRD' && r.err === '000'));
  assert.deepEqual(order.slice(0, 3), ids.map((id) => `submitted ${id}`));
});

test('simulator: a capacity that is no positive integer is refused', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new SimulatorSmsc(clock(), bad), RangeError);
});

test('simulator command flags: validated once, every bad flag named', () => {
  assert.deepEqual(simulatorOptions({ smppPort: '2776', smppHost: '127.0.0.1', capacity: '1000' }), { smppPort: 2776, smppHost: '127.0.0.1', capacity: 1000, holdMs: 0 });
  assert.equal(simulatorOptions({ smppPort: '2776', smppHost: '127.0.0.1', capacity: '1000', holdMs: '60000' }).holdMs, 60_000);
  assert.throws(
    () => simulatorOptions({ smppPort: '70000', smppHost: '127.0.0.1', capacity: 'lots', httpPort: 'x', holdMs: '-1' }),
    (e: unknown) => e instanceof ConfigError && ['--smpp-port', '--capacity', '--http-port', '--hold-ms'].every((f) => e.problems.some((p) => p.startsWith(f))),
  );
});

test('simulator command flags: a number is decimal digits, as start reads its flags (0x10 listened on port 16, a blank value on a random port)', () => {
  const base = { smppPort: '2776', smppHost: '127.0.0.1', capacity: '1000' };
  for (const [flag, key, value] of [
    ['--smpp-port', 'smppPort', '0x10'], ['--smpp-port', 'smppPort', ''], ['--smpp-port', 'smppPort', ' '], ['--smpp-port', 'smppPort', '1e3'],
    ['--http-port', 'httpPort', '0x50'], ['--capacity', 'capacity', '1e3'], ['--hold-ms', 'holdMs', ''],
  ] as const) {
    assert.throws(
      () => simulatorOptions({ ...base, [key]: value }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0] === `${flag}: not a decimal number: ${JSON.stringify(value)}`,
      `${flag} ${JSON.stringify(value)}`,
    );
  }
  // what an operator types still reads, spaces around it allowed as for start
  assert.equal(simulatorOptions({ ...base, smppPort: ' 2777 ' }).smppPort, 2777);
});

test('simulator hold: a message held is cancelled once (then `already`), never receipted; one delivered is `not_held`; a bad hold is refused', async () => {
  for (const bad of [-1, Number.NaN, Infinity]) assert.throws(() => new SimulatorSmsc(clock(), { holdMs: bad }), RangeError);
  const sim = new SimulatorSmsc(clock(), { holdMs: 20 });
  const seen: string[] = [];
  sim.onReceipt((r) => void seen.push(r.upstreamId));
  const a = await sim.submit(msg(1));
  const b = await sim.submit(msg(2));
  assert.ok(a.ok && b.ok);
  const [ida, idb] = [a.ok ? a.upstreamId : '', b.ok ? b.upstreamId : ''];
  assert.equal(sim.holding, 2);
  assert.equal(sim.cancelHeld(ida), 'cancelled');
  assert.equal(sim.cancelHeld(ida), 'already');
  assert.equal(typeof sim.outbox()[0].cancelledAt, 'number');
  // b is delivered once its hold is over; a, cancelled, never
  while (!seen.includes(idb)) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, [idb]);
  assert.equal(sim.cancelHeld(idb), 'not_held');
  assert.equal(sim.cancelHeld('NO-SUCH-ID'), 'not_held');
  assert.deepEqual(await sim.cancelUpstream({ messageId: 'm2', from: '10690001', to: '+8613800130002', upstreamIds: [idb] }), { ok: false, reason: 'simulator: ESME_RCANCELFAIL (not held: delivered already)', parts: ['refused'] });
  // a long message, its first part held still and its second delivered: the first cancelled, the second refused
  const d = await sim.submit(msg(4));
  assert.ok(d.ok);
  assert.deepEqual(await sim.cancelUpstream({ messageId: 'm4', from: '10690001', to: '+8613800130004', upstreamIds: [d.ok ? d.upstreamId : '', idb, ida] }), { ok: false, reason: 'simulator: ESME_RCANCELFAIL (not held: delivered already)', parts: ['cancelled', 'refused', 'not_asked'] });
  // without a hold (the default) every message is delivered at once: nothing to cancel
  const now = new SimulatorSmsc(clock());
  const c = await now.submit(msg(3));
  assert.equal(now.cancelHeld(c.ok ? c.upstreamId : ''), 'not_held');
  await sim.close();
});

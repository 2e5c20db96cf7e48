/**
 * A cancel's take-back of a message a batch holds (InFlight.takeBack, through sendBatch as both egress
 * loops run it): answered with the claim it was sent under, as the store holds it (renewals included),
 * and that claim is kept, neither given back to the queue nor renewed again, so that nobody claims the
 * message (and starts writing it) before the cancel that names the claim comes. Before: the batch gave
 * the message back at once, and another claim could take it between the answer and the cancel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InFlight } from '../../../src/app/in-flight.js';
import { ReceiptBook, sendBatch } from '../../../src/app/receipt-book.js';
import type { Egress, SubmitResult } from '../../../src/ports/egress.js';
import type { Claim, OutboundMessage, StatusUpdate } from '../../../src/ports/store.js';
import { until } from '../../helpers/wait.js';

const msg = (id: string): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to: '13900000000', text: 't', registeredDelivery: false, attempts: 2, submittedAt: 0, leasedUntil: 60_000 });

/** A link that is down: submits wait until given up (Egress.cancel: unwritten) or answered by the test. */
function waitingEgress() {
  const waiting = new Map<string, (r: SubmitResult) => void>();
  const egress: Egress = {
    submit: (m) => new Promise((r) => waiting.set(m.id, r)),
    cancel: (ids) => {
      for (const id of ids) {
        waiting.get(id)?.({ ok: false, retry: true, reason: 'given up', stopped: { written: false } });
        waiting.delete(id);
      }
    },
    onReceipt() {},
    onMo() {},
    async close() {},
  };
  return { egress, waiting };
}

test('a take-back answers with the claim as renewed, and its batch keeps that claim (not released, not renewed); a plain give-up is still released', async () => {
  const { egress, waiting } = waitingEgress();
  const inFlight = new InFlight(egress);
  let now = 10_000;
  const renewals: string[][] = [];
  const calls: string[] = [];
  const outbox = {
    async renew(claims: readonly Claim[]) { renewals.push(claims.map((c) => c.id)); return claims.map((c) => c.id); },
    async release(claims: readonly Claim[]) { calls.push(`release ${claims.map((c) => c.id).join(',')}`); },
    async retryLater(c: Claim) { calls.push(`retry ${c.id}`); },
    async recordStatuses(us: StatusUpdate[]) { calls.push(`record ${us.map((u) => `${u.id}:${u.status}`).join(',')}`); return us; },
  };
  const book = new ReceiptBook({
    outbox: { async applyReceipts() { return { changed: [], unknown: [] }; }, async resolveUpstreamId() { return null; } },
    clock: { now: () => now } as never, announce: () => undefined, onError: () => undefined, stopped: () => false,
  });
  const batch = [msg('cancelled'), msg('refused'), msg('sent')];
  const out = sendBatch({
    egress: inFlight.tracked, outbox, book, now: () => now, maxAttempts: 8,
    leases: { outbox, leaseMs: 60_000, everyMs: 5, onLost: () => assert.fail('nothing lost'), onError: (e) => assert.fail(e) },
  }, batch);
  await until(() => waiting.size === 3 && renewals.length >= 1);
  // renewed while waiting for the link: the claim is named by its new end now
  now = 20_000;
  await until(() => batch[0].leasedUntil === 80_000);

  const claim = await inFlight.takeBack('cancelled');
  assert.deepEqual(claim, { id: 'cancelled', attempts: 2, leasedUntil: 80_000 });
  assert.equal(inFlight.holds('cancelled'), false);
  // a give-up of another kind (a refusal, the end of the sending hours) gives its message back as before
  inFlight.tracked.cancel!(['refused']);
  const after = renewals.length;
  now = 30_000;
  await until(() => renewals.length >= after + 2);
  for (const r of renewals.slice(after)) assert.equal(r.includes('cancelled'), false, 'the claim given up is not renewed again');
  assert.equal(batch[0].leasedUntil, 80_000, 'still the end the cancel names');

  waiting.get('sent')!({ ok: true, upstreamId: 'UP1' });
  const r = await out;
  assert.deepEqual(r.kept, ['cancelled']);
  assert.deepEqual(r.released, ['refused']);
  assert.deepEqual(calls, ['release refused', 'record sent:submitted'], 'the claim taken back is not given back to the queue');
  // asked when nothing is out: nothing to give up
  assert.equal(await inFlight.takeBack('sent'), null);
});

test('a take-back of a message already written answers null, and its batch records it as ever', async () => {
  const written: SubmitResult = { ok: true, upstreamId: 'UP2' };
  let answer: ((r: SubmitResult) => void) | null = null;
  const egress: Egress = {
    // written at once; the carrier's answer comes later (a cancel cannot stop it any more)
    submit: () => new Promise((r) => (answer = r)),
    cancel: () => undefined,
    onReceipt() {},
    onMo() {},
    async close() {},
  };
  const inFlight = new InFlight(egress);
  const calls: string[] = [];
  const outbox = {
    async release(claims: readonly Claim[]) { calls.push(`release ${claims.map((c) => c.id).join(',')}`); },
    async retryLater(c: Claim) { calls.push(`retry ${c.id}`); },
    async recordStatuses(us: StatusUpdate[]) { calls.push(`record ${us.map((u) => `${u.id}:${u.status}`).join(',')}`); return us; },
  };
  const book = new ReceiptBook({
    outbox: { async applyReceipts() { return { changed: [], unknown: [] }; }, async resolveUpstreamId() { return null; } },
    clock: { now: () => 1 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false,
  });
  const out = sendBatch({ egress: inFlight.tracked, outbox, book, now: () => 1, maxAttempts: 8 }, [msg('w')]);
  await until(() => answer !== null);
  const asked = inFlight.takeBack('w');
  answer!(written);
  assert.equal(await asked, null);
  const r = await out;
  assert.deepEqual([r.kept, r.released], [[], []]);
  assert.deepEqual(calls, ['record w:submitted']);
});

/**
 * ReceiptBook.receipt() settles when the receipt is recorded, which is when the SMPP client may
 * acknowledge it to the SMSC: after the transaction that applied it, not before; a rejection when it
 * could not be applied; an early receipt (its submit not recorded yet) waits until it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiptBook, outcomesOf, sendBatch } from '../../../src/app/receipt-book.js';
import type { Claim, ReceiptUpdate, StatusUpdate } from '../../../src/ports/store.js';
import type { SubmitResult } from '../../../src/ports/egress.js';

/** An outbox that knows some upstream ids; `fail` makes the next apply throw. */
function fakeOutbox(known: Map<string, string>) {
  const o = {
    fail: false,
    applied: [] as ReceiptUpdate[][],
    /** Resolves each apply when called (tests hold the transaction open with `gate`). */
    gate: null as Promise<void> | null,
    async applyReceipts(rs: ReceiptUpdate[]): Promise<{ changed: StatusUpdate[]; unknown: ReceiptUpdate[] }> {
      if (o.gate) await o.gate;
      if (o.fail) {
        o.fail = false;
        throw new Error('disk full');
      }
      o.applied.push(rs);
      const changed: StatusUpdate[] = [];
      const unknown: ReceiptUpdate[] = [];
      for (const r of rs) {
        const id = known.get(r.upstreamId);
        if (id) changed.push({ id, status: r.status, at: r.at });
        else unknown.push(r);
      }
      return { changed, unknown };
    },
    lookups: 0,
    async resolveUpstreamId(spellings: readonly string[]): Promise<string | null> {
      o.lookups++;
      return spellings.find((s) => known.has(s)) ?? null;
    },
  };
  return o;
}

const book = (outbox: ReturnType<typeof fakeOutbox>, stopped = () => false) =>
  new ReceiptBook({ outbox, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped });

const state = (p: Promise<unknown>): Promise<string> => Promise.race([p.then(() => 'resolved', (e: Error) => `rejected: ${e.message}`), new Promise<string>((r) => setTimeout(() => r('pending'), 30))]);

test('a receipt settles only after its transaction: resolved when applied, rejected when the apply failed', async () => {
  const outbox = fakeOutbox(new Map([['U1', 'm1'], ['U2', 'm2']]));
  let open!: () => void;
  outbox.gate = new Promise<void>((r) => (open = r));
  const b = book(outbox);
  const p1 = b.receipt({ upstreamId: 'U1', stat: 'DELIVRD', at: 1 });
  assert.equal(await state(p1), 'pending', 'not before the transaction has run');
  open();
  outbox.gate = null;
  assert.equal(await state(p1), 'resolved');
  assert.equal(outbox.applied.length, 1);

  outbox.fail = true;
  const p2 = b.receipt({ upstreamId: 'U2', stat: 'UNDELIV', at: 2 });
  assert.equal(await state(p2), 'rejected: disk full');
  await b.settled();
});

test('an early receipt waits until its message is known, then resolves; stop() refuses those still waiting', async () => {
  const known = new Map<string, string>();
  const outbox = fakeOutbox(known);
  let stopped = false;
  const b = book(outbox, () => stopped);
  const early = b.receipt({ upstreamId: 'U3', stat: 'DELIVRD', at: 1 });
  const repeat = b.receipt({ upstreamId: 'U3', stat: 'DELIVRD', at: 1 });
  assert.equal(await state(early), 'pending', 'kept while its submit is not recorded');
  known.set('U3', 'm3');
  b.retryEarly();
  assert.equal(await state(early), 'resolved');
  assert.equal(await state(repeat), 'resolved', 'a repeat that shared the early slot resolves with it');

  const waiting = b.receipt({ upstreamId: 'U4', stat: 'DELIVRD', at: 1 });
  assert.equal(await state(waiting), 'pending');
  stopped = true;
  b.stop();
  assert.match(await state(waiting), /^rejected: stopped/);
  assert.match(await state(b.receipt({ upstreamId: 'U5', stat: 'DELIVRD', at: 1 })), /^rejected: stopped/, 'refused after stop: the SMSC delivers it again');
});

test('a retried long message keeps the parts the SMSC took: outcomesOf hands them to retryLater', () => {
  const m = { id: 'm1', contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: 'x', registeredDelivery: true, attempts: 1, submittedAt: 0 };
  const partial = { ref: 3, partIds: ['P1', null] };
  const { retries, updates } = outcomesOf([m, { ...m, id: 'm2' }], [{ ok: false, retry: true, reason: 'queue full', partial }, { ok: false, retry: true, reason: 'link down' }], 10, 8);
  assert.deepEqual(updates, []);
  assert.deepEqual(retries.map((r) => [r.claim.id, r.partial]), [['m1', partial], ['m2', undefined]]);
});

test('a change of a message this process does not remember is announced from the store (recall); a failed recall costs only the announcement', async () => {
  const outbox = fakeOutbox(new Map([['U1', 'm1'], ['U2', 'm2'], ['U3', 'm3']]));
  const announced: [string, string, string][] = [];
  const errors: string[] = [];
  let failRecall = false;
  const b = new ReceiptBook({
    outbox, clock: { now: () => 1_000 } as never, stopped: () => false,
    announce: (u, m) => void announced.push([u.id, u.status, m.to]),
    onError: (_w, e) => void errors.push(e.message),
    recall: async (id) => {
      if (failRecall) throw new Error('records unavailable');
      return id === 'm3' ? null : { id, contentProviderId: 'cp', from: '10690001', to: `to-of-${id}`, text: 't', registeredDelivery: true, attempts: 0, submittedAt: 0 };
    },
  });
  b.remember({ id: 'm1', contentProviderId: 'cp', from: '10690001', to: 'remembered', text: 't', registeredDelivery: true, attempts: 1, submittedAt: 0 });
  await Promise.all([b.receipt({ upstreamId: 'U1', stat: 'DELIVRD', at: 1 }), b.receipt({ upstreamId: 'U2', stat: 'UNDELIV', at: 1 }), b.receipt({ upstreamId: 'U3', stat: 'DELIVRD', at: 1 })]);
  assert.deepEqual(announced, [['m1', 'delivered', 'remembered'], ['m2', 'undeliverable', 'to-of-m2']], 'm3 is nowhere to be found: nothing to announce');
  failRecall = true;
  await b.receipt({ upstreamId: 'U2', stat: 'DELIVRD', at: 2 });
  assert.equal(announced.length, 2);
  assert.deepEqual(errors, ['records unavailable']);
});

test('a receipt that matches no message is acknowledged after earlyKeepMs, as matching nothing (not refused for ever)', async () => {
  const outbox = fakeOutbox(new Map());
  const b = new ReceiptBook({ outbox, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false, earlyKeepMs: 300 });
  b.start(50);
  // the book's timer does not hold the process open
  const alive = setInterval(() => undefined, 1_000);
  try {
    const t0 = Date.now();
    const p = b.receipt({ upstreamId: 'NOBODY', stat: 'DELIVRD', at: 1 });
    assert.equal(await state(p), 'pending', 'waits for its message a while');
    await p;
    const waited = Date.now() - t0;
    assert.ok(waited >= 290 && waited < 3_000, `resolved after ${waited} ms`);
    assert.ok(outbox.applied.length >= 2, 'tried again meanwhile');
  } finally {
    clearInterval(alive);
    b.stop();
  }
});

test('a receipt whose id matches nothing as written is applied under the first spelling on file (altIds), and its waiter resolves then', async () => {
  const outbox = fakeOutbox(new Map([['0000ABC1', 'm1'], ['abc1', 'm2']]));
  const announced: string[] = [];
  const b = new ReceiptBook({
    outbox, clock: { now: () => 1_000 } as never, stopped: () => false, onError: () => undefined,
    announce: (u) => void announced.push(`${u.id}:${u.status}`),
    recall: async (id) => ({ id, contentProviderId: 'cp', from: '10690001', to: 't', text: 't', registeredDelivery: true, attempts: 0, submittedAt: 0 }),
  });
  await b.receipt({ upstreamId: 'ABC1', stat: 'UNDELIV', at: 1, altIds: ['0000ABC1', 'abc1'] });
  assert.deepEqual(announced, ['m1:undeliverable'], 'the first spelling on file wins, not a later one');
  assert.deepEqual(outbox.applied.map((a) => a.map((r) => r.upstreamId)), [['ABC1'], ['0000ABC1']]);
  // no spelling on file: as any unknown receipt, kept a while (tried again meanwhile), then
  // acknowledged as matching nothing; its spellings are looked up once, not at every retry
  const none = new ReceiptBook({ outbox, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false, earlyKeepMs: 300 });
  none.start(50);
  const alive = setInterval(() => undefined, 1_000);
  try {
    const lookups = outbox.lookups;
    const applies = outbox.applied.length;
    await none.receipt({ upstreamId: 'FFFF', stat: 'DELIVRD', at: 1, altIds: ['ffff', '65535'] });
    assert.ok(outbox.applied.length - applies >= 3, 'tried again meanwhile');
    assert.equal(outbox.lookups - lookups, 1);
    assert.equal(announced.length, 1);
  } finally {
    clearInterval(alive);
    none.stop();
  }
});

test('a spelling look-up that fails is reported and tried again with the receipt; receipts of one batch are looked up together', async () => {
  const outbox = fakeOutbox(new Map([['00AB', 'm1'], ['00CD', 'm2']]));
  let failNext = true;
  let inFlight = 0;
  let most = 0;
  const resolve = outbox.resolveUpstreamId;
  outbox.resolveUpstreamId = async (s: readonly string[]) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (failNext) {
      failNext = false;
      throw new Error('connection reset');
    }
    return resolve(s);
  };
  const errors: string[] = [];
  const announced: string[] = [];
  const b = new ReceiptBook({
    outbox, clock: { now: () => 1_000 } as never, stopped: () => false, onError: (_w, e) => void errors.push(e.message),
    announce: (u) => void announced.push(u.id),
    recall: async (id) => ({ id, contentProviderId: 'cp', from: '10690001', to: 't', text: 't', registeredDelivery: true, attempts: 0, submittedAt: 0 }),
    earlyKeepMs: 2_000,
  });
  b.start(50);
  const alive = setInterval(() => undefined, 1_000);
  try {
    await Promise.all([b.receipt({ upstreamId: 'AB', stat: 'DELIVRD', at: 1, altIds: ['00AB'] }), b.receipt({ upstreamId: 'CD', stat: 'DELIVRD', at: 1, altIds: ['00CD'] })]);
    assert.deepEqual(errors, ['connection reset']);
    assert.deepEqual(announced.sort(), ['m1', 'm2'], 'the one whose look-up failed found its message on the retry');
    assert.equal(most, 2, 'looked up side by side');
  } finally {
    clearInterval(alive);
    b.stop();
  }
});

test('sendBatch: receipts that came before their submits were recorded go in the same transaction, without a look-up; settled only after it', async () => {
  const outbox = fakeOutbox(new Map());
  const b = book(outbox);
  const recorded: StatusUpdate[][] = [];
  let failNext = false;
  const statuses = {
    async retryLater() { /* none here */ },
    async release() { /* none here */ },
    async recordStatuses(us: StatusUpdate[]) {
      if (failNext) { failNext = false; throw new Error('disk full'); }
      recorded.push(us);
      return us;
    },
  };
  const msg = (id: string) => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: 't', registeredDelivery: true, attempts: 1, submittedAt: 0 });
  // the SMSC answers m1 and reports it at once, while the batch waits for the slow one's answer
  let receipt!: Promise<void>;
  const egress = {
    submit: async (m: { id: string }) => {
      const up = `UP_${m.id}`;
      if (m.id === 'slow') await new Promise((r) => setTimeout(r, 30));
      else setTimeout(() => (receipt = b.receipt({ upstreamId: up, stat: 'DELIVRD', at: 5 })), 1);
      return { ok: true as const, upstreamId: up };
    },
  };
  const { changed } = await sendBatch({ egress, outbox: statuses, book: b, now: () => 10, maxAttempts: 3 }, [msg('m1'), msg('slow')]);
  assert.deepEqual(changed.map((u) => [u.id, u.status]), [['m1', 'submitted'], ['slow', 'submitted'], ['m1', 'delivered']], 'one transaction, each receipt after the submits');
  assert.equal(recorded.length, 1);
  assert.equal(await state(receipt), 'resolved');
  assert.deepEqual(outbox.applied, [], 'never looked up in the store');

  // the transaction fails: the receipt waits (not acknowledged), and goes with the retried record later
  failNext = true;
  await assert.rejects(sendBatch({ egress, outbox: statuses, book: b, now: () => 20, maxAttempts: 3 }, [msg('m2'), msg('slow')]), /disk full/);
  assert.equal(await state(receipt), 'pending');
  const again = await sendBatch({ egress: { submit: async () => ({ ok: true as const, upstreamId: 'UP_m2' }) }, outbox: statuses, book: b, now: () => 30, maxAttempts: 3 }, [msg('m2')]);
  assert.deepEqual(again.changed.map((u) => [u.id, u.status]), [['m2', 'submitted'], ['m2', 'delivered']]);
  assert.equal(await state(receipt), 'resolved');
});

test('sendBatch: a receipt for a message whose submit is answered waits for the batch however long it takes (not dropped as matching nothing)', async () => {
  const outbox = fakeOutbox(new Map());
  const b = new ReceiptBook({ outbox, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false, earlyKeepMs: 30 });
  b.start(10);
  try {
    const statuses = { async retryLater() { /* none */ }, async release() { /* none */ }, async recordStatuses(us: StatusUpdate[]) { return us; } };
    const msg = (id: string) => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: 't', registeredDelivery: true, attempts: 1, submittedAt: 0 });
    let receipt!: Promise<void>;
    const egress = {
      submit: async (m: { id: string }) => {
        // the slow one keeps the batch out ten times longer than an unknown receipt is kept
        if (m.id === 'slow') await new Promise((r) => setTimeout(r, 300));
        else setTimeout(() => (receipt = b.receipt({ upstreamId: `UP_${m.id}`, stat: 'DELIVRD', at: 5 })), 1);
        return { ok: true as const, upstreamId: `UP_${m.id}` };
      },
    };
    const { changed } = await sendBatch({ egress, outbox: statuses, book: b, now: () => 10, maxAttempts: 3 }, [msg('m1'), msg('slow')]);
    assert.deepEqual(changed.map((u) => [u.id, u.status]), [['m1', 'submitted'], ['slow', 'submitted'], ['m1', 'delivered']]);
    assert.equal(await state(receipt), 'resolved');
  } finally {
    b.stop();
  }
});

test('takeEarly: a receipt for an expected id is taken whether already kept or only just come (not flushed yet), and the retry timer leaves it alone', async () => {
  const outbox = fakeOutbox(new Map());
  const b = book(outbox);
  b.expect('UP_a');
  b.expect('UP_b');
  const ra = b.receipt({ upstreamId: 'UP_a', stat: 'DELIVRD', at: 1 });
  await new Promise((r) => setImmediate(r)); // flushed: kept early, no look-up
  await new Promise((r) => setImmediate(r));
  b.retryEarly(); // its batch is still out: stays early
  const rb = b.receipt({ upstreamId: 'UP_b', stat: 'UNDELIV', at: 2, err: '001' }); // just come, not flushed
  const taken = b.takeEarly([{ id: 'a', status: 'submitted', at: 0, upstreamId: 'UP_a' }, { id: 'b', status: 'submitted', at: 0, upstreamId: 'UP_b' }]);
  assert.deepEqual(taken.map((t) => t.u), [{ id: 'a', status: 'delivered', at: 1_000 }, { id: 'b', status: 'undeliverable', at: 1_000, detail: 'err:001' }]);
  assert.deepEqual(outbox.applied, [], 'never looked up');
  b.settleTaken(taken, true);
  b.unexpect(['UP_a', 'UP_b']);
  assert.equal(await state(ra), 'resolved');
  assert.equal(await state(rb), 'resolved');
});

test('sendBatch: submits a stop ended are released when nothing of them was written, kept claimed when something was, and neither retried nor recorded', async () => {
  const outbox = fakeOutbox(new Map());
  const b = book(outbox);
  const calls: string[] = [];
  const statuses = {
    async retryLater(c: Claim) { calls.push(`retry ${c.id}@${c.leasedUntil}`); },
    async release(claims: readonly Claim[]) { calls.push(`release ${claims.map((c) => `${c.id}@${c.leasedUntil}`).join(',')}`); },
    async recordStatuses(us: StatusUpdate[]) { calls.push(`record ${us.map((u) => `${u.id}:${u.status}`).join(',')}`); return us; },
  };
  const msg = (id: string) => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: 't', registeredDelivery: true, attempts: 1, submittedAt: 0, leasedUntil: 60_000 });
  const egress = {
    submit: async (m: { id: string }): Promise<SubmitResult> => {
      if (m.id === 'ok') return { ok: true, upstreamId: 'UP_ok' };
      if (m.id === 'busy') return { ok: false, retry: true, reason: 'throttled' };
      return { ok: false, retry: true, reason: 'stopping', stopped: { written: m.id === 'written' } };
    },
  };
  const r = await sendBatch({ egress, outbox: statuses, book: b, now: () => 10, maxAttempts: 3 }, [msg('unsent1'), msg('ok'), msg('written'), msg('busy'), msg('unsent2')]);
  assert.deepEqual(r.released, ['unsent1', 'unsent2']);
  assert.deepEqual(r.held, ['written']);
  // as claimed: the lease end names the claim, so that one taken since by another worker is left alone
  assert.deepEqual(calls, ['release unsent1@60000,unsent2@60000', 'retry busy@60000', 'record ok:submitted']);
  assert.deepEqual(r.updates.map((u) => u.id), ['ok']);
});

test('sendBatch: a long message given up after the SMSC took some of its parts goes back due at its lease end with those parts (not held claimed with them in memory only)', async () => {
  const outbox = fakeOutbox(new Map());
  const b = book(outbox);
  const calls: string[] = [];
  const retried: [string, number, unknown][] = [];
  const statuses = {
    async retryLater(c: Claim, dueAt: number, _reason: string, partial?: unknown) { retried.push([c.id, dueAt, partial]); },
    async release(claims: readonly Claim[]) { calls.push(`release ${claims.map((c) => c.id).join(',')}`); },
    async recordStatuses(us: StatusUpdate[]) { calls.push(`record ${us.map((u) => `${u.id}:${u.status}`).join(',')}`); return us; },
  };
  const msg = (id: string, leasedUntil: number) => ({ id, contentProviderId: 'cp', from: '10690002', to: '+8613800138000', text: 't', registeredDelivery: true, attempts: 1, submittedAt: 0, category: 'promo', leasedUntil });
  const partial = { ref: 9, partIds: ['P1', null, null] };
  const egress = {
    submit: async (m: { id: string }): Promise<SubmitResult> => {
      // part 1 taken, part 2 written and unanswered (the connection went), then given up (Egress.cancel at 21:00)
      if (m.id === 'long') return { ok: false, retry: true, reason: 'submit given up (Egress.cancel): a part was sent, no answer', stopped: { written: true }, partial };
      return { ok: false, retry: true, reason: 'submit given up (Egress.cancel): a part was sent, no answer', stopped: { written: true } };
    },
  };
  const r = await sendBatch({ egress, outbox: statuses, book: b, now: () => 10, maxAttempts: 3 }, [msg('long', 60_000), msg('short', 60_000), msg('late', 5)]);
  assert.deepEqual(r.held, ['short', 'late'], 'nothing acknowledged: held claimed, as before');
  assert.deepEqual(retried, [['long', 60_000, partial]], 'due at its lease end (not sent again before it, as a held one), the acknowledged part on file');
  assert.deepEqual(r.released, []);
  assert.deepEqual(calls, ['record ']);
  // a lease already over: due now
  retried.length = 0;
  await sendBatch({ egress, outbox: statuses, book: b, now: () => 10, maxAttempts: 3 }, [msg('long', 5)]);
  assert.deepEqual(retried, [['long', 10, partial]]);
});

test('sendBatch with a send-time check: what it stops is recorded and announced before anything is sent, what it defers is retried keeping the parts an earlier attempt got through, neither is sent', async () => {
  const outbox = fakeOutbox(new Map());
  const announced: string[] = [];
  const b = new ReceiptBook({ outbox, clock: { now: () => 1_000 } as never, announce: (u) => announced.push(`${u.id}:${u.status}`), onError: () => undefined, stopped: () => false });
  const retried: [string, number, string, unknown][] = [];
  const recorded: StatusUpdate[] = [];
  const statuses = {
    async retryLater(c: Claim, dueAt: number, reason: string, partial?: unknown) { retried.push([c.id, dueAt, reason, partial]); },
    async release() { /* none */ },
    async recordStatuses(us: StatusUpdate[]) { recorded.push(...us); return us; },
  };
  const msg = (id: string, o: object = {}) => ({ id, contentProviderId: 'cp', from: '10690002', to: '+8613800138000', text: 't', registeredDelivery: true, attempts: 1, submittedAt: 0, ...o });
  const partial = { ref: 7, parts: 3, done: [{ part: 0, upstreamId: 'UP_p0' }] };
  const sent: string[] = [];
  const egress = { submit: async (m: { id: string }) => { sent.push(m.id); return { ok: true as const, upstreamId: `UP_${m.id}` }; } };
  const stop: StatusUpdate = { id: 'refused', status: 'rejected', at: 10, detail: 'the number refused', rejection: { code: 'opted_out', rule: 'commercial.opt-out', article: 'Art. 18', profile: 'cn-2015' } };
  const night = msg('night', { category: 'promo', partial });
  const { changed } = await sendBatch({
    egress, outbox: statuses, book: b, now: () => 10, maxAttempts: 3,
    check: async (batch) => ({ send: batch.filter((m) => m.id === 'ok'), stopped: [stop], deferred: [{ claim: batch.find((m) => m.id === 'night')!, dueAt: 99, reason: 'quiet_hours: …' }] }),
  }, [msg('ok'), msg('refused', { category: 'promo' }), night]);
  assert.deepEqual(sent, ['ok']);
  assert.deepEqual(retried, [['night', 99, 'quiet_hours: …', partial]]);
  assert.deepEqual(recorded.map((u) => `${u.id}:${u.status}`), ['refused:rejected', 'ok:submitted'], 'the stop in a transaction of its own, first');
  assert.deepEqual(announced, ['refused:rejected'], 'the stopped one is announced by sendBatch (its sender\'s receipt)');
  for (const u of changed) b.announce(u);
  assert.deepEqual(announced, ['refused:rejected', 'ok:submitted'], 'the caller announces the rest');
});

/**
 * What the HTTP callbacks (src/app/callback-worker.ts) need from a store, run by the store contract
 * for each adapter: providers' settings, and the queue (idempotent enqueue, claim with a lease,
 * done, retry, give up, prune). Call inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewCallbackEvent, Store } from '../../src/ports/store.js';
import { T0, MIN, DAY, uid } from './fixtures.js';

const ev = (cp: string, o: Partial<NewCallbackEvent> = {}): NewCallbackEvent => {
  const eventId = o.eventId ?? `${uid('msg')}:delivered`;
  return { eventId, contentProviderId: cp, kind: 'status', body: JSON.stringify({ event: 'message.status', eventId }), createdAt: T0, ...o };
};

export function callbacksContract(get: () => Store): void {
  test('callbacks: settings are kept per provider, replaced whole, and listed only with a URL', async () => {
    const c = get().callbacks;
    const a = uid('cp');
    const b = uid('cp');
    assert.equal(await c.getSettings(a), null);
    await c.putSettings({ contentProviderId: a, statusUrl: 'https://a.example/s', moUrl: null, secret: 'sgw_1', updatedAt: T0 });
    await c.putSettings({ contentProviderId: b, statusUrl: 'https://b.example/s', moUrl: 'https://b.example/mo', secret: 'sgw_2', updatedAt: T0 });
    assert.deepEqual(await c.getSettings(a), { contentProviderId: a, statusUrl: 'https://a.example/s', moUrl: null, secret: 'sgw_1', updatedAt: T0 });
    await c.putSettings({ contentProviderId: b, statusUrl: null, moUrl: null, secret: 'sgw_2', updatedAt: T0 + 1 });
    assert.deepEqual((await c.getSettings(b))?.statusUrl, null);
    assert.equal((await c.getSettings(b))?.secret, 'sgw_2');
    assert.deepEqual((await c.listSettings()).map((s) => s.contentProviderId), [a]);
  });

  test('callbacks: an event queued twice is kept once', async () => {
    const c = get().callbacks;
    const cp = uid('cp');
    const e = ev(cp);
    assert.equal(await c.enqueue([e]), 1);
    assert.equal(await c.enqueue([e, { ...e, body: '{"other":1}' }]), 0);
    assert.equal(await c.enqueue([ev(cp, { eventId: `mo:${uid('mo')}`, kind: 'mo' })]), 1);
    assert.equal(await c.pendingCount(cp), 2, 'a and p');
    assert.equal(await c.pendingCount(uid('cp')), 0);
    const rows = await c.claim({ owner: 'p1', now: T0, leaseMs: MIN, limit: 10 });
    assert.equal(rows.find((r) => r.eventId === e.eventId)?.body, e.body);
  });

  test('callbacks: a claim leases due rows to one owner until the lease runs out', async () => {
    const c = get().callbacks;
    const cp = uid('cp');
    const es = [ev(cp, { createdAt: T0 }), ev(cp, { createdAt: T0 + 1 }), ev(cp, { createdAt: T0 + 10 * MIN })];
    await c.enqueue(es);
    // Not yet due: the third.
    const first = await c.claim({ owner: 'p1', now: T0 + MIN, leaseMs: MIN, limit: 10 });
    assert.deepEqual(first.map((r) => r.eventId), [es[0].eventId, es[1].eventId]);
    assert.deepEqual(first.map((r) => [r.attempts, r.dueAt, r.createdAt, r.kind, r.contentProviderId]), [[0, T0, T0, 'status', cp], [0, T0 + 1, T0 + 1, 'status', cp]]);
    // Leased: another owner gets none of them, nor does the same owner again.
    assert.deepEqual(await c.claim({ owner: 'p2', now: T0 + MIN + 1, leaseMs: MIN, limit: 10 }), []);
    // Concurrent claims after the lease ran out split the rows, never sharing one.
    const [x, y] = await Promise.all([
      c.claim({ owner: 'p2', now: T0 + 2 * MIN, leaseMs: MIN, limit: 1 }),
      c.claim({ owner: 'p3', now: T0 + 2 * MIN, leaseMs: MIN, limit: 1 }),
    ]);
    assert.equal(x.length + y.length, 2);
    assert.notEqual(x[0].eventId, y[0].eventId);
    // The old owner lost them: its done changes nothing.
    assert.equal(await c.done(es[0].eventId, 'p1'), false);
    assert.equal(await c.pendingCount(cp), 3);
  });

  test('callbacks: done deletes, retry puts back later with the error, give-up keeps the row out of claims', async () => {
    const c = get().callbacks;
    const cp = uid('cp');
    const [a, b, d] = [ev(cp), ev(cp), ev(cp)];
    await c.enqueue([a, b, d]);
    assert.equal((await c.claim({ owner: 'p1', now: T0, leaseMs: MIN, limit: 10 })).length, 3);
    assert.equal(await c.done(a.eventId, 'p1'), true);
    assert.equal(await c.retry(b.eventId, 'p2', T0 + 10_000, 1, 'HTTP 500'), false, 'not its lease');
    assert.equal(await c.retry(b.eventId, 'p1', T0 + 10_000, 1, 'HTTP 500'), true);
    assert.equal(await c.giveUp(d.eventId, 'p1', T0 + 5, 7, 'timeout'), true);
    assert.equal(await c.pendingCount(cp), 1);
    // b is unleased but not due until T0 + 10 s; d is never claimed again.
    assert.deepEqual(await c.claim({ owner: 'p2', now: T0 + 9_999, leaseMs: MIN, limit: 10 }), []);
    const again = await c.claim({ owner: 'p2', now: T0 + 10_000, leaseMs: MIN, limit: 10 });
    assert.deepEqual(again.map((r) => [r.eventId, r.attempts, r.dueAt]), [[b.eventId, 1, T0 + 10_000]]);
    assert.deepEqual(await c.claim({ owner: 'p3', now: T0 + 10_001, leaseMs: MIN, limit: 10 }), [], 'b leased to p2, d given up');
    const failed = await c.listFailed(cp);
    assert.deepEqual(failed.map((f) => [f.eventId, f.failedAt, f.attempts, f.lastError]), [[d.eventId, T0 + 5, 7, 'timeout']]);
    assert.equal(await c.done(d.eventId, 'p1'), false, 'a given-up row is not sent later');
    // A row already given up cannot be queued anew under its id: the receiver has had its chances.
    assert.equal(await c.enqueue([d]), 0);
    assert.deepEqual(await c.listFailed(uid('cp')), []);
    assert.equal(await c.done(b.eventId, 'p2'), true);
    assert.deepEqual(await c.claim({ owner: 'p3', now: T0 + 2 * DAY, leaseMs: MIN, limit: 10 }), [], 'a given-up row is never due again');
    assert.equal(await c.pendingCount(cp), 0);
  });

  test('callbacks: given-up rows page by keyset (failedAt, then event id): past a page\'s last row, whatever is given up meanwhile', async () => {
    const c = get().callbacks;
    const cp = uid('cp');
    const es = [ev(cp), ev(cp), ev(cp), ev(cp), ev(cp)];
    await c.enqueue(es);
    await c.claim({ owner: 'p1', now: T0, leaseMs: MIN, limit: 10 });
    // two given up at the same instant: their order is their event ids'
    const [tieA, tieB] = [es[0], es[1]].sort((x, y) => (x.eventId < y.eventId ? -1 : 1));
    await c.giveUp(tieB.eventId, 'p1', T0 + 1, 3, 'HTTP 500');
    await c.giveUp(tieA.eventId, 'p1', T0 + 1, 3, 'HTTP 500');
    await c.giveUp(es[2].eventId, 'p1', T0 + 2, 3, 'HTTP 500');
    const first = await c.listFailed(cp, 2);
    assert.deepEqual(first.map((f) => f.eventId), [tieA.eventId, tieB.eventId]);
    const last = first[first.length - 1];
    // given up after the first page was read: it comes after, the next page neither repeats nor skips
    await c.giveUp(es[3].eventId, 'p1', T0 + 3, 3, 'HTTP 500');
    const second = await c.listFailed(cp, 2, { at: last.failedAt, id: last.eventId });
    assert.deepEqual(second.map((f) => f.eventId), [es[2].eventId, es[3].eventId]);
    const b = second[1];
    assert.deepEqual(await c.listFailed(cp, 2, { at: b.failedAt, id: b.eventId }), []);
    // the tie is cut by the id: past tieA is tieB
    assert.deepEqual((await c.listFailed(cp, 10, { at: T0 + 1, id: tieA.eventId })).map((f) => f.eventId), [tieB.eventId, es[2].eventId, es[3].eventId]);
    // without a provider, every provider's, the same way
    assert.ok((await c.listFailed(undefined, 1000, { at: T0 + 2, id: es[2].eventId })).every((f) => f.failedAt > T0 + 2 || (f.failedAt === T0 + 2 && f.eventId > es[2].eventId)));
  });

  test('callbacks: pruning removes given-up rows that failed before the bound, and nothing else', async () => {
    const c = get().callbacks;
    const cp = uid('cp');
    const es = [ev(cp), ev(cp), ev(cp), ev(cp)];
    await c.enqueue(es);
    await c.claim({ owner: 'p1', now: T0, leaseMs: MIN, limit: 10 });
    await c.giveUp(es[0].eventId, 'p1', T0 + 1, 3, 'HTTP 404');
    await c.giveUp(es[1].eventId, 'p1', T0 + 2, 3, 'HTTP 404');
    await c.giveUp(es[2].eventId, 'p1', T0 + 3 * DAY, 3, 'HTTP 404');
    assert.equal(await c.pruneFailed(T0 + DAY, 1), 1, 'the limit holds');
    assert.equal(await c.pruneFailed(T0 + DAY, 10), 1);
    assert.equal(await c.pruneFailed(T0 + DAY, 10), 0);
    assert.deepEqual((await c.listFailed(cp)).map((f) => f.eventId), [es[2].eventId]);
    assert.equal(await c.pendingCount(cp), 1, 'the pending row stays, however old');
  });
  test('callbacks: given-up rows go back to the queue, all of a provider\'s or those named, never another provider\'s', async () => {
    const c = get().callbacks;
    const cp = uid('cp');
    const other = uid('cp');
    const [a, b, d, p] = [ev(cp), ev(cp), ev(cp), ev(cp)];
    const o = ev(other);
    await c.enqueue([a, b, d, p, o]);
    await c.claim({ owner: 'p1', now: T0, leaseMs: MIN, limit: 10 });
    for (const e of [a, b, d, o]) assert.equal(await c.giveUp(e.eventId, 'p1', T0 + 5, 9, 'HTTP 404'), true);
    // p is pending, due later than the requeue: not given up, so never requeued.
    assert.equal(await c.retry(p.eventId, 'p1', T0 + 3 * DAY, 2, 'HTTP 500'), true);
    const now = T0 + 2 * DAY;
    // Named: only this provider's given-up rows among them (the other provider's id, a pending one and an unknown one pass).
    assert.equal(await c.requeueFailed(cp, now, [a.eventId, o.eventId, p.eventId, 'nope:delivered']), 1);
    assert.deepEqual((await c.listFailed(cp)).map((f) => f.eventId).sort(), [b.eventId, d.eventId].sort());
    assert.equal(await c.pendingCount(cp), 2, 'a and p');
    // Back due now, no attempts, and a fresh 24 h: createdAt is now.
    // Other tests' pending rows are due too: only this provider's are looked at.
    const back = (await c.claim({ owner: 'p2', now, leaseMs: MIN, limit: 1000 })).filter((r) => r.contentProviderId === cp);
    assert.deepEqual(back.map((r) => [r.eventId, r.attempts, r.dueAt, r.createdAt]), [[a.eventId, 0, now, now]]);
    assert.equal(await c.done(a.eventId, 'p2'), true);
    // All: the rest of this provider's; the other provider's stays given up.
    assert.equal(await c.requeueFailed(cp, now + 1), 2);
    assert.equal(await c.requeueFailed(cp, now + 2), 0, 'nothing given up left');
    assert.deepEqual(await c.listFailed(cp), []);
    assert.deepEqual((await c.listFailed(other)).map((f) => [f.eventId, f.attempts, f.lastError]), [[o.eventId, 9, 'HTTP 404']]);
    assert.equal(await c.requeueFailed(cp, now + 3, []), 0, 'none named: none');
    const again = (await c.claim({ owner: 'p3', now: now + 1, leaseMs: MIN, limit: 1000 })).filter((r) => r.contentProviderId === cp);
    assert.deepEqual(again.map((r) => r.eventId).sort(), [b.eventId, d.eventId].sort());
    assert.ok(again.every((r) => r.attempts === 0 && r.createdAt === now + 1 && r.dueAt === now + 1));
  });
}

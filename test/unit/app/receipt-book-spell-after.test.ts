/**
 * A receipt handed over by the SMPP client on a shared carrier account (UpstreamOptions.sharedAccount)
 * carries `spellAfter`: until then only its id as written may match (another process's message,
 * whose `submitted` may still be on its way), never another spelling, which may be this process's
 * own message's id. The book keeps trying the id as written meanwhile, settles it as soon as it is
 * on file, and only after `spellAfter` looks its other spellings up (receipt-book.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiptBook } from '../../../src/app/receipt-book.js';
import type { ReceiptUpdate, StatusUpdate } from '../../../src/ports/store.js';

function outbox(known: Map<string, string>) {
  const o = {
    lookups: 0,
    changed: [] as StatusUpdate[],
    async applyReceipts(rs: ReceiptUpdate[]): Promise<{ changed: StatusUpdate[]; unknown: ReceiptUpdate[] }> {
      const changed: StatusUpdate[] = [];
      const unknown: ReceiptUpdate[] = [];
      for (const r of rs) {
        const id = known.get(r.upstreamId);
        if (id) changed.push({ id, status: r.status, at: r.at });
        else unknown.push(r);
      }
      o.changed.push(...changed);
      return { changed, unknown };
    },
    async resolveUpstreamId(spellings: readonly string[]): Promise<string | null> {
      o.lookups++;
      return spellings.find((s) => known.has(s)) ?? null;
    },
  };
  return o;
}

const turn = () => new Promise((r) => setTimeout(r, 20));

test('before spellAfter only the id as written matches: recorded by another process meanwhile, the receipt goes to it, not to the other spelling on file', async () => {
  // "000000000C" is this process's message (m-ours); "12" as written is another process's, not recorded yet
  const known = new Map([['000000000C', 'm-ours']]);
  const o = outbox(known);
  const b = new ReceiptBook({ outbox: o, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false });
  let settled = false;
  const p = b.receipt({ upstreamId: '12', stat: 'DELIVRD', at: 1, altIds: ['000000000C', 'C'], spellAfter: Date.now() + 60_000 }).then(() => { settled = true; });
  await turn();
  b.retryEarly();
  await turn();
  assert.equal(o.lookups, 0, 'no other spelling looked up before spellAfter');
  assert.equal(o.changed.length, 0, 'this process\'s message not settled on another reading');
  assert.equal(settled, false, 'kept, not acknowledged as matching nothing');
  // the other process records its `submitted`: the next try (the book's timer, or a wake) finds it
  known.set('12', 'm-theirs');
  b.retryEarly();
  await p;
  assert.deepEqual(o.changed.map((u) => u.id), ['m-theirs']);
  assert.equal(o.lookups, 0);
});

test('once spellAfter has passed, the other spellings are looked up as before', async () => {
  const o = outbox(new Map([['000000000C', 'm-ours']]));
  const b = new ReceiptBook({ outbox: o, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false });
  await b.receipt({ upstreamId: '12', stat: 'DELIVRD', at: 1, altIds: ['000000000C', 'C'], spellAfter: Date.now() - 1 });
  assert.deepEqual(o.changed.map((u) => u.id), ['m-ours']);
  assert.equal(o.lookups, 1);
});

test('a receipt whose other spellings wait is kept past earlyKeepMs until spellAfter, then looked up', async () => {
  const o = outbox(new Map());
  const b = new ReceiptBook({ outbox: o, clock: { now: () => 1_000 } as never, announce: () => undefined, onError: () => undefined, stopped: () => false, earlyKeepMs: 20 });
  let settled = false;
  const spellAfter = Date.now() + 1_500;
  const p = b.receipt({ upstreamId: '12', stat: 'DELIVRD', at: 1, altIds: ['C'], spellAfter }).then(() => { settled = true; });
  // well past earlyKeepMs, before spellAfter (checked: a slow machine must not make this pass or fail by luck)
  for (let i = 0; i < 5; i++) {
    await turn();
    b.retryEarly();
  }
  if (Date.now() < spellAfter) {
    assert.equal(settled, false, 'still kept before spellAfter');
    assert.equal(o.lookups, 0);
  }
  while (!settled && Date.now() < spellAfter + 5_000) {
    await turn();
    b.retryEarly();
  }
  await p;
  assert.equal(o.lookups, 1, 'looked up once, after spellAfter');
});

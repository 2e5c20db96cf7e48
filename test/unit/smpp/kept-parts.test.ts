/** KeptParts: one store call per kind per turn of the event loop, keeps before drops, turns in order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeptParts } from '../../../src/smpp/server/kept-parts.js';
import type { ProviderPart } from '../../../src/ports/smpp-deliveries.js';

const part = (setKey: string, seq: number): ProviderPart => ({ setKey, seq, total: 3, octets: Buffer.from([seq]), dataCoding: 8, partId: `${setKey}-${seq}`, registeredDelivery: 0, at: 0 });

test('keeps and drops of one turn go to the store as one call each, keeps first; a slow write holds the next turn back', async () => {
  const calls: string[] = [];
  const kept = new Set<string>();
  let slow: Promise<void> | null = null;
  const store = {
    async keepParts(ps: readonly ProviderPart[]) {
      calls.push(`keep ${ps.map((p) => `${p.setKey}#${p.seq}`).join(',')}`);
      if (slow) await slow;
      for (const p of ps) kept.add(`${p.setKey}#${p.seq}`);
    },
    async dropParts(keys: readonly string[]) {
      calls.push(`drop ${keys.join(',')}`);
      const gone = [...kept].filter((k) => keys.includes(k.split('#')[0]));
      for (const g of gone) kept.delete(g);
      return gone.map((g) => ({ setKey: g.split('#')[0], seq: Number(g.split('#')[1]) }));
    },
  };
  const k = new KeptParts(store);
  const [a, b, dropA] = [k.keep(part('A', 1)), k.keep(part('A', 2)), k.drop('A')];
  const c = k.keep(part('B', 1));
  await Promise.all([a, b, c]);
  assert.deepEqual(await dropA, [1, 2]);
  assert.deepEqual(calls, ['keep A#1,A#2,B#1', 'drop A']);

  // a keep whose write is slow: a drop of the next turn waits for it (it must not overtake it)
  let open!: () => void;
  slow = new Promise((r) => (open = r));
  const keepC = k.keep(part('C', 1));
  await new Promise((r) => setImmediate(r));
  slow = null;
  const dropC = k.drop('C');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(calls.slice(2), ['keep C#1'], 'the drop waits');
  open();
  await keepC;
  assert.deepEqual(await dropC, [1]);
  assert.deepEqual(calls.slice(2), ['keep C#1', 'drop C']);
});

test('a failed keep rejects every part of its turn; a failed drop rejects its waiters; later turns go on', async () => {
  let fail = true;
  const store = {
    async keepParts() { if (fail) throw new Error('disk full'); },
    async dropParts(): Promise<{ setKey: string; seq: number }[]> { if (fail) throw new Error('disk full'); return []; },
  };
  const k = new KeptParts(store);
  const r = await Promise.allSettled([k.keep(part('A', 1)), k.keep(part('B', 1)), k.drop('A')]);
  assert.deepEqual(r.map((x) => x.status), ['rejected', 'rejected', 'rejected']);
  fail = false;
  await k.keep(part('A', 1));
  assert.deepEqual(await k.drop('A'), []);
});

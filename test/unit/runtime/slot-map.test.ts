import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SlotMap } from '../../../src/runtime/slot-map.js';

// a full collection on demand (the flag makes a fresh context get `gc`)
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('behaves as a Map: get, set, has, delete, size, clear, insertion order, deletion while walking', () => {
  const m = new SlotMap<string, { n: number }>();
  const a = { n: 1 }, b = { n: 2 }, c = { n: 3 };
  m.set('a', a).set('b', b).set('c', c);
  m.set('b', { n: 20 }); // replaced in place: keeps its position
  assert.deepEqual([...m.keys()], ['a', 'b', 'c']);
  assert.deepEqual([...m.values()].map((x) => x.n), [1, 20, 3]);
  assert.equal(m.delete('a'), true);
  assert.equal(m.delete('a'), false);
  m.set('d', { n: 4 }); // takes the freed slot, comes last in order
  assert.deepEqual([...m].map(([k, v]) => `${k}${v.n}`), ['b20', 'c3', 'd4']);
  for (const [k] of m) if (k !== 'd') m.delete(k);
  assert.deepEqual([m.size, m.has('d'), m.get('b'), m.get('d')?.n], [1, true, undefined, 4]);
  m.clear();
  assert.deepEqual([m.size, [...m.entries()]], [0, []]);
});

test('matches a Map under any sequence of operations', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'get'), fc.integer({ min: 0, max: 20 }), fc.integer())), (ops) => {
    const m = new SlotMap<number, { v: number }>();
    const ref = new Map<number, { v: number }>();
    for (const [op, k, v] of ops) {
      if (op === 'set') { const o = { v }; m.set(k, o); ref.set(k, o); }
      else if (op === 'delete') assert.equal(m.delete(k), ref.delete(k));
      else assert.equal(m.get(k), ref.get(k));
      assert.equal(m.size, ref.size);
    }
    assert.deepEqual([...m], [...ref]);
  }));
});

test('a deleted value is no longer held', async () => {
  const m = new SlotMap<number, object>();
  let ref: WeakRef<object>;
  (() => { const o = {}; ref = new WeakRef(o); m.set(1, o); m.set(2, {}); m.delete(1); })();
  await new Promise((r) => setImmediate(r));
  gc();
  assert.equal(ref!.deref(), undefined);
});

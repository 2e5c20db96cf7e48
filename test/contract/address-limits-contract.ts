/**
 * The public doors' per-address window counts (AddressLimitStore, PostgreSQL 110; memory on SQLite):
 * counted per limit and address, a later window replaces an earlier one, an earlier window (a lagging
 * clock) counts in the later one, concurrent hits each get their own count, ended windows pruned.
 * Run by the store contract for each adapter; call inside a describe; `get` returns the store of the
 * current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';
import { T0, MIN } from './fixtures.js';

const W = 15 * MIN;

export function addressLimitsContract(get: () => Store): void {
  test('address limits: counted per limit and address within a window; nothing counted reads 0', async () => {
    const l = get().addressLimits;
    assert.equal(await l.count('a', '10.0.0.1', T0), 0);
    assert.equal(await l.hit('a', '10.0.0.1', T0, T0 + W), 1);
    assert.equal(await l.hit('a', '10.0.0.1', T0, T0 + W), 2);
    assert.equal(await l.hit('a', '10.0.0.2', T0, T0 + W), 1);
    assert.equal(await l.hit('b', '10.0.0.1', T0, T0 + W), 1);
    assert.equal(await l.count('a', '10.0.0.1', T0), 2);
    assert.equal(await l.count('a', '10.0.0.2', T0), 1);
    assert.equal(await l.count('b', '10.0.0.1', T0), 1);
    assert.equal(await l.count('a', '10.0.0.3', T0), 0);
  });

  test('address limits: a later window starts again at 1; an earlier one counts in the later window stored', async () => {
    const l = get().addressLimits;
    for (let i = 0; i < 3; i++) await l.hit('a', '::1', T0, T0 + W);
    // the next window: the old count does not carry over, and is not read for the new window
    assert.equal(await l.count('a', '::1', T0 + W), 0);
    assert.equal(await l.hit('a', '::1', T0 + W, T0 + 2 * W), 1);
    // a process whose clock still reads the first window counts in the second, never resets it
    assert.equal(await l.hit('a', '::1', T0, T0 + W), 2);
    assert.equal(await l.count('a', '::1', T0 + W), 2);
    assert.equal(await l.count('a', '::1', T0), 2);
  });

  test('address limits: concurrent hits each get their own count', async () => {
    const l = get().addressLimits;
    const got = await Promise.all(Array.from({ length: 12 }, () => l.hit('a', '10.0.0.9', T0, T0 + W)));
    assert.deepEqual([...got].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.equal(await l.count('a', '10.0.0.9', T0), 12);
  });

  test('address limits: prune drops the windows ended at or before now, keeps the others', async () => {
    const l = get().addressLimits;
    await l.hit('a', '10.0.0.1', T0, T0 + MIN);
    await l.hit('b', '10.0.0.1', T0, T0 + W);
    await l.hit('a', '10.0.0.2', T0 + MIN, T0 + 2 * MIN);
    assert.equal(await l.prune(T0 + MIN - 1), 0);
    assert.equal(await l.prune(T0 + MIN), 1);
    assert.equal(await l.count('a', '10.0.0.1', T0), 0);
    assert.equal(await l.count('b', '10.0.0.1', T0), 1);
    assert.equal(await l.count('a', '10.0.0.2', T0 + MIN), 1);
    assert.equal(await l.prune(T0 + W), 2);
    assert.equal(await l.count('b', '10.0.0.1', T0), 0);
    // a pruned pair starts again
    assert.equal(await l.hit('b', '10.0.0.1', T0, T0 + W), 1);
  });
}

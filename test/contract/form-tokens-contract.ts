/**
 * The web forms' once-tokens (FormTokenStore, SQLite 130, PostgreSQL 124): the first claim of a
 * token takes it, a repeat finds it pending and then its result, concurrent claims give it to exactly
 * one, a release frees it, an expired claim is taken again, forms are kept apart, old claims swept.
 * Run by the store contract for each adapter; call inside a describe; `get` returns the store of the
 * current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';
import { T0, MIN } from './fixtures.js';

const KEEP = 10 * MIN;

export function formTokensContract(get: () => Store): void {
  test('form tokens: the first claim takes a token; a repeat finds it pending, then the result settled; forms apart', async () => {
    const f = get().formTokens;
    assert.equal(await f.claim('complaint', 'tok-a', T0, T0 - KEEP), 'claimed');
    assert.equal(await f.claim('complaint', 'tok-a', T0 + 1, T0 + 1 - KEEP), 'pending');
    // the same token of another form is another claim
    assert.equal(await f.claim('credit-entry', 'tok-a', T0 + 1, T0 + 1 - KEEP), 'claimed');
    await f.settle('complaint', 'tok-a', T0, '{"reference":"JB1"}');
    assert.deepEqual(await f.claim('complaint', 'tok-a', T0 + 2, T0 + 2 - KEEP), { result: '{"reference":"JB1"}' });
    // settled once: a second settle (or a release) of that claim changes nothing
    await f.settle('complaint', 'tok-a', T0, 'other');
    await f.release('complaint', 'tok-a', T0);
    assert.deepEqual(await f.claim('complaint', 'tok-a', T0 + 3, T0 + 3 - KEEP), { result: '{"reference":"JB1"}' });
    assert.equal(await f.claim('credit-entry', 'tok-a', T0 + 3, T0 + 3 - KEEP), 'pending');
  });

  test('form tokens: concurrent claims of one token: exactly one takes it', async () => {
    const f = get().formTokens;
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => f.claim('complaint', 'tok-race', T0 + i, T0 + i - KEEP)));
    assert.equal(got.filter((g) => g === 'claimed').length, 1, JSON.stringify(got));
    assert.equal(got.filter((g) => g === 'pending').length, 7);
  });

  test('form tokens: a release frees an unsettled claim; an expired claim is taken again; a stale settle or release leaves the new claim alone', async () => {
    const f = get().formTokens;
    assert.equal(await f.claim('case-action', 'tok-r', T0, T0 - KEEP), 'claimed');
    await f.release('case-action', 'tok-r', T0 + 5); // not this claim's time: nothing
    assert.equal(await f.claim('case-action', 'tok-r', T0 + 1, T0 + 1 - KEEP), 'pending');
    await f.release('case-action', 'tok-r', T0);
    assert.equal(await f.claim('case-action', 'tok-r', T0 + 2, T0 + 2 - KEEP), 'claimed', 'released: the corrected form takes it');
    await f.settle('case-action', 'tok-r', T0 + 2, 'done');
    // past the keep time the claim no longer holds: the next claim takes it, without the old result
    assert.equal(await f.claim('case-action', 'tok-r', T0 + 2 + KEEP, T0 + 2), 'claimed');
    await f.settle('case-action', 'tok-r', T0 + 2, 'stale');
    await f.release('case-action', 'tok-r', T0 + 2);
    assert.equal(await f.claim('case-action', 'tok-r', T0 + 3 + KEEP, T0 + 3), 'pending', 'the new claim, unsettled, still holds');
  });

  test('form tokens: sweep deletes claims taken before a time, at most a limit at a time', async () => {
    const f = get().formTokens;
    for (let i = 0; i < 5; i++) assert.equal(await f.claim('complaint', `tok-${i}`, T0 + i, T0 + i - KEEP), 'claimed');
    await f.settle('complaint', 'tok-0', T0, 'r0');
    assert.equal(await f.sweep(T0, 10), 0);
    assert.equal(await f.sweep(T0 + 3, 2), 2);
    assert.equal(await f.sweep(T0 + 3, 2), 1);
    assert.equal(await f.sweep(T0 + 3, 2), 0);
    // swept: the token is taken afresh; the ones kept still hold
    assert.equal(await f.claim('complaint', 'tok-0', T0 + 10, T0 + 10 - KEEP), 'claimed');
    assert.equal(await f.claim('complaint', 'tok-3', T0 + 10, T0 + 10 - KEEP), 'pending');
    assert.equal(await f.sweep(T0 + 100, 10), 3);
  });
}

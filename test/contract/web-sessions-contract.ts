/**
 * The web pages' sign-ins (WebSessionStore, SQLite 132, PostgreSQL 126): a sign-in is created and
 * found by its id's digest with its token and times, touched forward only, deleted once (sign-out),
 * and purged when idle or too old, a limit at a time (the rows deleted returned), the live ones kept. Run by the store contract
 * for each adapter; call inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';
import { T0, MIN } from './fixtures.js';

export function webSessionsContract(get: () => Store): void {
  test('web sessions: created, found by digest with its token and times; another digest finds nothing; a digest twice is refused', async () => {
    const s = get().webSessions;
    await s.create('hash-a', 'tok_1', T0);
    assert.deepEqual(await s.find('hash-a'), { tokenId: 'tok_1', createdAt: T0, seenAt: T0 });
    assert.equal(await s.find('hash-b'), null);
    await assert.rejects(s.create('hash-a', 'tok_2', T0 + 1));
    assert.equal((await s.find('hash-a'))?.tokenId, 'tok_1', 'the first kept');
  });

  test('web sessions: touch moves seenAt forward only; a touch of a gone one does nothing', async () => {
    const s = get().webSessions;
    await s.create('hash-t', 'tok_1', T0);
    await s.touch('hash-t', T0 + 5 * MIN);
    assert.deepEqual(await s.find('hash-t'), { tokenId: 'tok_1', createdAt: T0, seenAt: T0 + 5 * MIN });
    await s.touch('hash-t', T0 + MIN); // a slower request that began earlier
    assert.equal((await s.find('hash-t'))?.seenAt, T0 + 5 * MIN);
    await s.touch('hash-none', T0);
    assert.equal(await s.find('hash-none'), null);
  });

  test('web sessions: delete ends one sign-in (true once), the others stay', async () => {
    const s = get().webSessions;
    await s.create('hash-1', 'tok_1', T0);
    await s.create('hash-2', 'tok_1', T0);
    assert.equal(await s.delete('hash-1'), true);
    assert.equal(await s.delete('hash-1'), false);
    assert.equal(await s.find('hash-1'), null);
    assert.ok(await s.find('hash-2'));
  });

  test('web sessions: purge deletes the idle and the too old, at most a limit at a time, and keeps the live', async () => {
    const s = get().webSessions;
    // idle: seen last at T0 + i; old: created at T0 - 1 h but seen recently; live: created and seen late
    for (let i = 0; i < 3; i++) await s.create(`idle-${i}`, 'tok_1', T0 + i);
    await s.create('old', 'tok_2', T0 - 60 * MIN);
    await s.touch('old', T0 + 100 * MIN);
    await s.create('live', 'tok_3', T0 + 10 * MIN);
    await s.touch('live', T0 + 100 * MIN);
    assert.deepEqual(await s.purge(T0, T0 - 60 * MIN, 10), [], 'nothing seen before T0 nor created before T0 - 1 h');
    // the rows deleted come back, so the caller records each end once
    const purged = [...await s.purge(T0 + 50 * MIN, T0 - 30 * MIN, 2), ...await s.purge(T0 + 50 * MIN, T0 - 30 * MIN, 2)];
    assert.equal(purged.length, 4);
    assert.deepEqual(purged.sort((a, b) => a.idHash.localeCompare(b.idHash)), [
      { idHash: 'idle-0', tokenId: 'tok_1', createdAt: T0, seenAt: T0 },
      { idHash: 'idle-1', tokenId: 'tok_1', createdAt: T0 + 1, seenAt: T0 + 1 },
      { idHash: 'idle-2', tokenId: 'tok_1', createdAt: T0 + 2, seenAt: T0 + 2 },
      { idHash: 'old', tokenId: 'tok_2', createdAt: T0 - 60 * MIN, seenAt: T0 + 100 * MIN },
    ]);
    assert.deepEqual(await s.purge(T0 + 50 * MIN, T0 - 30 * MIN, 2), []);
    for (const k of ['idle-0', 'idle-1', 'idle-2', 'old']) assert.equal(await s.find(k), null, k);
    assert.ok(await s.find('live'));
  });
}

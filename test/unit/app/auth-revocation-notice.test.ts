/**
 * The Authenticator and revocation notices (`secretRevoked`, carried over NATS by the bus roles):
 * a notice drops the token from the cache, and a lookup the notice overlapped (its row read before
 * the revocation, its answer after the notice) serves its own request only, not the next ones for
 * TOKEN_CACHE_MS. Before, such an answer was cached and the revoked token honoured for 10 s more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

function setup() {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  return { store, app };
}

test('a notice of a revocation elsewhere drops a cached token at once', async () => {
  const { store, app } = setup();
  try {
    const { id, token } = await app.auth.createToken('regulator', 'inspector');
    assert.equal((await app.auth.principalFor(token)).role, 'regulator', 'looked up, so cached');
    // revoked by another process: in the store, then its notice heard here
    await store.directory.revokeToken(id, NOON_SHANGHAI);
    assert.equal((await app.auth.principalFor(token)).role, 'regulator', 'without a notice the cache still holds it (the 10 s bound)');
    app.events.emit('secretRevoked', { kind: 'token', id });
    assert.equal((await app.auth.principalFor(token)).role, 'public');
  } finally {
    await store.close();
  }
});

test('a lookup that overlapped a notice is not cached: the next request asks the store again', async () => {
  const { store, app } = setup();
  try {
    const { id, token } = await app.auth.createToken('regulator', 'inspector');
    const find = store.directory.findTokenByHash.bind(store.directory);
    let release: () => void = () => undefined;
    let reading: () => void = () => undefined;
    const read = new Promise<void>((r) => (reading = r));
    let first = true;
    store.directory.findTokenByHash = async (hash) => {
      const row = await find(hash);
      if (first) {
        first = false;
        // the row is read (live); its answer is held until after the revocation and its notice
        reading();
        await new Promise<void>((r) => (release = r));
      }
      return row;
    };
    const overlapped = app.auth.principalFor(token);
    await read;
    await store.directory.revokeToken(id, NOON_SHANGHAI);
    app.events.emit('secretRevoked', { kind: 'token', id });
    release();
    assert.equal((await overlapped).role, 'regulator', 'read before the revocation: that request only');
    assert.equal((await app.auth.principalFor(token)).role, 'public', 'the next request reads the revocation');
  } finally {
    await store.close();
  }
});

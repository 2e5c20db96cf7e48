/**
 * API keys of a content provider over HTTP (README "Revoking keys"): an admin issues another key,
 * lists them (so may the provider itself; never a secret or hash) and revokes one: it answers 401 at
 * once, the other keys keep working, a repeat is 204 again, an unknown key 404. And across processes
 * sharing a PostgreSQL store, a revoked key stops working once the other's cache entry lives out
 * TOKEN_CACHE_MS.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, OTHER_PROVIDER, onboard, startTestGateway, validCreditCode, type Provider, type TestGateway } from '../helpers/gateway.js';
import { openTestPgStore } from '../helpers/pg.js';
import { App } from '../../src/app/app.js';
import { Authenticator, TOKEN_CACHE_MS } from '../../src/app/auth.js';
import { SystemClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { hashSecret } from '../../src/app/secrets.js';

describe('API keys: issue, list, revoke', () => {
  let g: TestGateway;
  let cp: Provider;
  let other: Provider;
  const keys = (id: string, headers: Record<string, string>) => g.http.inject({ method: 'GET', url: `/v1/content-providers/${id}/api-keys`, headers });
  const issue = (id: string, headers: Record<string, string>, payload: object = {}) => g.http.inject({ method: 'POST', url: `/v1/content-providers/${id}/api-keys`, headers, payload });
  const revoke = (id: string, keyId: string, headers: Record<string, string>) => g.http.inject({ method: 'DELETE', url: `/v1/content-providers/${id}/api-keys/${keyId}`, headers });
  // an authenticated read only a live key of this provider may make
  const canRead = async (key: string) => (await keys(cp.id, { authorization: `Bearer ${key}` })).statusCode;

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
    other = await onboard(g, OTHER_PROVIDER);
  });
  after(() => g.close());

  test('a new key works at once; the listing shows ids, labels and times, never a secret or hash', async () => {
    const r = await issue(cp.id, g.admin, { label: 'billing server' });
    assert.equal(r.statusCode, 201, r.body);
    const { id, apiKey } = r.json() as { id: string; apiKey: string };
    assert.match(apiKey, /^sgk_[A-Za-z0-9_-]{43}$/);
    assert.equal(await canRead(apiKey), 200);
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${apiKey}` }, payload: { from: '10690001', to: '13800138123', text: '【示例】您的验证码是123456', type: 'verification' } });
    assert.equal(m.statusCode, 202, m.body);

    const l = await keys(cp.id, cp.auth);
    assert.equal(l.statusCode, 200, l.body);
    const listed = l.json().apiKeys as Record<string, unknown>[];
    assert.deepEqual(listed.map((k) => k.label), ['api key', 'billing server']);
    assert.equal(listed[1].id, id);
    for (const k of listed) assert.deepEqual(Object.keys(k).sort(), ['createdAt', 'id', 'label', 'revokedAt']);
    assert.ok(!l.body.includes(apiKey) && !l.body.includes(cp.apiKey), 'no secret in the listing');
    assert.ok(!/[0-9a-f]{64}/.test(l.body), 'no hash in the listing');
  });

  test('a revoked key answers 401 unauthorized at once; the other key keeps working; again is 204; unknown is 404', async () => {
    const { id, apiKey } = (await issue(cp.id, g.admin)).json() as { id: string; apiKey: string };
    assert.equal(await canRead(apiKey), 200, 'used once, so cached');
    const r = await revoke(cp.id, id, g.admin);
    assert.equal(r.statusCode, 204, r.body);
    const after = await keys(cp.id, { authorization: `Bearer ${apiKey}` });
    assert.equal(after.statusCode, 401);
    assert.equal(after.json().error.code, 'unauthorized');
    assert.equal(await canRead(cp.apiKey), 200, 'the first key still works');
    assert.equal((await revoke(cp.id, id, g.admin)).statusCode, 204, 'idempotent');
    const listed = (await keys(cp.id, g.admin)).json().apiKeys as { id: string; revokedAt: number | null }[];
    assert.equal(listed.find((k) => k.id === id)?.revokedAt, g.clock.now());
    const nope = await revoke(cp.id, 'tok_nope', g.admin);
    assert.equal(nope.statusCode, 404);
    assert.equal(nope.json().error.code, 'not_found');
    // the revocation is in the audit trail, once
    const audit = (await g.store.records.queryRecords({ kind: 'audit', contentProviderId: cp.id, limit: 50 })).records.map((x) => x.body as { action: string; tokenId?: string; actor: string });
    assert.deepEqual(audit.filter((a) => a.tokenId === id).map((a) => a.action).sort(), ['api_key.create', 'token.revoke']);
  });

  test('access: only an admin issues and revokes; a provider lists only its own; another provider\'s key id is 404', async () => {
    assert.equal((await issue(cp.id, cp.auth)).statusCode, 403);
    assert.equal((await issue(cp.id, {})).statusCode, 401);
    assert.equal((await issue('cp_nope', g.admin)).statusCode, 404);
    assert.equal((await keys(cp.id, other.auth)).statusCode, 403);
    assert.equal((await keys(cp.id, {})).statusCode, 401);
    const mine = ((await keys(cp.id, g.admin)).json().apiKeys as { id: string }[])[0].id;
    assert.equal((await revoke(cp.id, mine, cp.auth)).statusCode, 403, 'a provider cannot revoke, even its own');
    assert.equal((await revoke(cp.id, mine, other.auth)).statusCode, 403);
    const theirs = ((await keys(other.id, g.admin)).json().apiKeys as { id: string }[])[0].id;
    assert.equal((await revoke(cp.id, theirs, g.admin)).statusCode, 404, 'not this provider\'s key');
    assert.equal(await canRead(cp.apiKey), 200);
    assert.equal((await keys(other.id, other.auth)).statusCode, 200, 'the other provider\'s key untouched');
  });
});

test('across processes sharing PostgreSQL: a key revoked by one stops working on the other within TOKEN_CACHE_MS', async () => {
  const h = await openTestPgStore();
  try {
    let now = 1_000_000;
    const profile = resolveProfile('cn-2015');
    const a = new App({ store: h.store, clock: new SystemClock(), profile });
    // the other process's authenticator, its cache on a clock the test moves
    const b = { auth: new Authenticator(new App({ store: h.store, clock: new SystemClock(), profile }).ctx, () => now) };
    const admin = { role: 'admin', actorId: 'tok_admin' } as const;
    const cp = await a.createContentProvider(admin, { name: '示例', creditCode: await validCreditCode() });
    assert.equal((await b.auth.principalFor(cp.apiKey)).role, 'content-provider');
    const keyId = (await a.listApiKeys(admin, cp.id)).apiKeys[0].id;
    await a.revokeApiKey(admin, cp.id, keyId);
    assert.equal((await a.auth.principalFor(cp.apiKey)).role, 'public', 'refused at once where revoked');
    now += TOKEN_CACHE_MS - 1;
    assert.equal((await b.auth.principalFor(cp.apiKey)).role, 'content-provider', 'the other process still believes its cache');
    now += 2;
    assert.equal((await b.auth.principalFor(cp.apiKey)).role, 'public', 'and no longer past the bound');
  } finally {
    await h.dispose();
  }
});

test('several processes started at once with the same new SMSGUARD_ADMIN_TOKEN all start: the one whose insert loses finds it live, not revoked (PostgreSQL)', async () => {
  const h = await openTestPgStore();
  try {
    const profile = resolveProfile('cn-2015');
    const secret = 'sgk_admin_started_together';
    // Four gateways sharing the database, each looking the secret up before any stores it: every
    // first look-up is answered (not found) only once all four have asked, as when the processes
    // start together (left to the pool's timing, the first insert usually lands before the others look).
    const dir = h.store.directory;
    let asked = 0;
    let allAsked!: () => void;
    const together = new Promise<void>((r) => (allAsked = r));
    const gated = Object.create(dir, {
      findTokenByHash: {
        value: async (hash: string) => {
          const found = await dir.findTokenByHash(hash);
          if (asked < 4) {
            if (++asked === 4) allAsked();
            await together;
          }
          return found;
        },
      },
    }) as typeof dir;
    const store = Object.create(h.store, { directory: { value: gated } }) as typeof h.store;
    const apps = [0, 1, 2, 3].map(() => new App({ store, clock: new SystemClock(), profile }));
    const started = await Promise.allSettled(apps.map((a) => a.auth.ensureAdminToken(secret)));
    assert.deepEqual(started.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'], JSON.stringify(started.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))));
    const stored = (await h.store.directory.listTokens({ role: 'admin' })).filter((t) => t.label === 'SMSGUARD_ADMIN_TOKEN');
    assert.equal(stored.length, 1, 'one row for the one secret');
    assert.equal((await apps[3].auth.principalFor(secret)).role, 'admin');
  } finally {
    await h.dispose();
  }
});

test('SMSGUARD_ADMIN_TOKEN once revoked is not taken back by starting with it again: start refuses, saying so', async () => {
  const g = await startTestGateway();
  try {
    const admin = (await g.store.directory.listTokens({ role: 'admin' }))[0];
    await g.app.auth.revokeToken(admin.id, 'test');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/content-providers/cp_x/api-keys', headers: g.admin })).statusCode, 401);
    await assert.rejects(g.app.auth.ensureAdminToken(ADMIN_TOKEN), /SMSGUARD_ADMIN_TOKEN was revoked/);
    assert.equal(await g.store.directory.findTokenByHash(hashSecret(ADMIN_TOKEN)), null);
  } finally {
    await g.close();
  }
});

/**
 * `--trust-proxy`: which reverse proxies' X-Forwarded-For the HTTP app believes. The per-address limit
 * on public complaints keys on `req.ip`; behind nginx without it, every user shares the proxy's address
 * and the 21st complaint of the minute from anyone is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, trustProxyOption } from '../../../src/config/schema.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { installComplaints } from '../../../src/app/complaint-service.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

test('trust-proxy: addresses, CIDR ranges, names or a hop count; anything else is a configuration error', () => {
  assert.equal(loadConfig({}, {}).trustProxy, undefined);
  assert.equal(loadConfig({ trustProxy: 'loopback, 10.0.0.0/8,fd00::/8' }, {}).trustProxy, 'loopback, 10.0.0.0/8,fd00::/8');
  assert.equal(trustProxyOption('loopback, 10.0.0.0/8,fd00::/8'), 'loopback,10.0.0.0/8,fd00::/8');
  assert.equal(loadConfig({}, { SMSGUARD_TRUST_PROXY: '2' }).trustProxy, '2');
  const hops = trustProxyOption('2') as (addr: string, hop: number) => boolean;
  assert.deepEqual([hops('x', 0), hops('x', 1), hops('x', 2)], [true, true, false]);
  for (const bad of ['yes', '10.0.0.0/33', '300.1.1.1', 'loopback,', 'nginx']) {
    assert.throws(() => loadConfig({ trustProxy: bad }, {}), (e: unknown) => e instanceof ConfigError && /trustProxy/.test(e.message), bad);
  }
});

async function gateway(trustProxy: string | undefined) {
  const store = new SqliteStore(':memory:');
  const app = new App({ store, clock: new SimulatedClock(NOON_SHANGHAI), profile: resolveProfile('cn-2015') });
  const complaints = installComplaints(app, { reportPort: '12321', sweeper: { intervalMs: 3_600_000 }, publicPerMinute: 2 });
  const http = await buildHttpApp({ app, trustProxy: trustProxyOption(trustProxy) });
  const file = (forwardedFor: string) => http.inject({
    method: 'POST', url: '/v1/complaints', headers: { 'x-forwarded-for': forwardedFor },
    payload: { msisdn: '13800138000', sender: '10690001', text: '【示例】会员日全场八折' },
  });
  return { file, async close() { await http.close(); complaints.sweeper.stop(); await store.close(); } };
}

test('behind a trusted proxy the public complaint limit counts each user; untrusted, the header is ignored', async () => {
  const trusted = await gateway('loopback');
  try {
    assert.deepEqual([(await trusted.file('203.0.113.7')).statusCode, (await trusted.file('203.0.113.7')).statusCode], [201, 201]);
    const limited = await trusted.file('203.0.113.7');
    assert.equal(limited.statusCode, 429, 'the same user: limited');
    // a refusal cites its rule and what it rests on: an operational limit, not the Regulations
    assert.deepEqual([limited.json().error.code, limited.json().error.rule], ['throttled', 'complaints.public-intake']);
    assert.match(limited.json().error.article, /^operational, not regulation/);
    // …and when to try again, as every other 429 does (the status lookup's, a provider's rate): it had none
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited.headers['retry-after']}`);
    assert.equal((await trusted.file('198.51.100.9')).statusCode, 201, 'another user behind the same proxy: not');
  } finally {
    await trusted.close();
  }
  const plain = await gateway(undefined);
  try {
    await plain.file('203.0.113.7');
    await plain.file('203.0.113.8');
    // Without --trust-proxy a client cannot pick its own address by sending the header.
    assert.equal((await plain.file('198.51.100.9')).statusCode, 429);
  } finally {
    await plain.close();
  }
});

/**
 * `smsguard token revoke` on a deployment with a bus (docs/SCALING.md, row "A revoked secret stops
 * working on every process at once"): a gateway piece on PostgreSQL + NATS honours an API key (so
 * its token cache believes it for TOKEN_CACHE_MS, 10 s); the command, spawned with the bus
 * configuration `smsguard start` reads (SMSGUARD_QUEUE, SMSGUARD_QUEUE_PREFIX), revokes it and
 * publishes the bus roles' notice, and the piece refuses the key within 1 s of the command's exit.
 * Before, the command was not on the bus and the piece went on honouring the key until its cache
 * entry expired. With NATS unreachable the revocation stands: exit 0, and a warning.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { busScene, startFirstPiece, suiteCleanups, TEST_NATS_URL } from './bus-fixture.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { ADMIN_TOKEN } from '../../helpers/gateway.js';
import { TEST_PG_URL } from '../../helpers/pg.js';
import { until } from '../../helpers/wait.js';

/** Within this long of the command's exit (the cache's entry, on its slowed clock, lives ~100 s). */
const NOTICE_BOUND_MS = 1000;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string; exitedAt: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/smsguard.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } }, (e, out, err) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out, err, exitedAt: Date.now() });
    });
  });
}

describe('smsguard token revoke tells the gateways on the bus', { timeout: 120_000 }, () => {
  const cleanups = suiteCleanups();
  // the first start of the command may compile; later ones are what an operator waits for
  before(async () => {
    const warm = await cli(['token', 'revoke', '--help']);
    assert.equal(warm.code, 0, warm.err);
  });

  test('revoked by the command: a running gateway refuses the cached key within 1 s, not at its cache\'s expiry', async () => {
    const { h, seeded, prefix } = await busScene(cleanups, 'e7f8a9');
    const piece = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    await piece.app.auth.ensureAdminToken(ADMIN_TOKEN);
    const http = await buildHttpApp({ app: piece.app });
    cleanups.push(() => http.close());
    const cp = seeded.cp.id;
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const issue = async () => {
      const r = await http.inject({ method: 'POST', url: `/v1/content-providers/${cp}/api-keys`, headers: admin, payload: {} });
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as { id: string; apiKey: string };
    };
    const leaked = await issue();
    const kept = await issue();
    const read = async (key: string) => (await http.inject({ method: 'GET', url: `/v1/content-providers/${cp}/api-keys`, headers: { authorization: `Bearer ${key}` } })).statusCode;

    // The cache's clock runs ten times slower here, so its entry lives ~100 s: however slowly the
    // command starts on a loaded machine, only the notice can make the gateway forget the key in time.
    const t0 = Date.now();
    (piece.app.auth as unknown as { now: () => number }).now = () => t0 + (Date.now() - t0) / 10;
    assert.equal(await read(leaked.apiKey), 200, 'cached by the gateway');
    assert.equal(await read(kept.apiKey), 200);
    const r = await cli(['token', 'revoke', leaked.id, '--db', TEST_PG_URL, '--db-schema', h.schema, '--actor', 'ops@example'], { SMSGUARD_QUEUE: TEST_NATS_URL, SMSGUARD_QUEUE_PREFIX: prefix });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '', 'no warning: the notice went out');
    assert.equal((JSON.parse(r.out) as { id: string }).id, leaked.id);
    await until(async () => (await read(leaked.apiKey)) === 401, NOTICE_BOUND_MS, 'the gateway to refuse the revoked key');
    assert.ok(Date.now() - r.exitedAt < NOTICE_BOUND_MS, `refused ${Date.now() - r.exitedAt} ms after the command exited`);
    assert.equal(await read(kept.apiKey), 200, 'the other key still works');
  });

  test('NATS unreachable: the revocation stands, exit 0, a warning that gateways take up to 10 s', async () => {
    const { h, seeded, prefix } = await busScene(cleanups, 'b1c2d3');
    const r0 = await h.store.directory.listTokens({ subject: seeded.cp.id });
    assert.ok(r0.length >= 1, 'the seeded provider has an API key');
    const id = r0[0].id;
    const t0 = Date.now();
    const r = await cli(['token', 'revoke', id, '--db', TEST_PG_URL, '--db-schema', h.schema, '--queue', 'nats://127.0.0.1:1', '--queue-prefix', prefix]);
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { id: string }).id, id);
    assert.match(r.err, /^smsguard: warning: revoked, but the notice could not be sent on NATS at nats:\/\/127\.0\.0\.1:1 .*running gateways refuse the token within 10 s\n$/s);
    assert.ok(r.exitedAt - t0 < 30_000);
    assert.notEqual((await h.store.directory.getToken(id))?.revokedAt ?? null, null, 'revoked in the store');
  });
});

/**
 * GET /readyz of an ingress and an egress process (PostgreSQL + NATS, `smsguard start --queue`) with
 * NATS cut away for a moment (the test's own cuttable TCP proxy, the shared server untouched): the
 * egress process, whose only work comes over the bus, answers 503 not_ready naming the queue; the
 * ingress process stays ready with the queue reported failing, since what it accepts meanwhile
 * waits in PostgreSQL for its relay (docs/SCALING.md "Probes"); both are ready again once NATS is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../../helpers/pg.js';
import { spawnSmsguard, stopProcess, sharedSigningKey, type SpawnedSmsguard } from '../../helpers/process.js';
import { cuttableProxy } from '../../helpers/cuttable-proxy.js';
import { waitFor } from '../../helpers/wait.js';
import { ADMIN_TOKEN } from '../../helpers/gateway.js';
import { openBus, deleteStream } from '../../../src/queue/nats.js';
import { queueNames } from '../../../src/queue/subjects.js';

const NATS_URL = process.env.SMSGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

test('NATS cut: an egress process 503 not_ready (queue), an ingress one still ready reporting it; both ready once it is back', { timeout: 90_000 }, async () => {
  const schema = testSchemaName();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const proxy = await cuttableProxy(new URL(NATS_URL.replace(/^nats:/, 'http:')), 4222);
  const queue = `nats://127.0.0.1:${new URL(proxy.url).port}`;
  const dirs: string[] = [];
  const gateways: SpawnedSmsguard[] = [];
  const start = async (role: 'ingress' | 'egress') => {
    const cwd = mkdtempSync(join(tmpdir(), `sg-readyz-${role}-`));
    dirs.push(cwd);
    const g = await spawnSmsguard(['start', '--db', TEST_PG_URL, '--db-schema', schema, '--http-port', '0', '--smpp-port', '0', '--queue', queue, '--role', role, '--log-level', 'warn'], {
      cwd, ms: 30_000,
      env: { ...process.env, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_ADMIN_TOKEN: ADMIN_TOKEN, SMSGUARD_QUEUE_PREFIX: prefix, SMSGUARD_RECORDS_SIGNING_KEY: sharedSigningKey() },
    });
    gateways.push(g);
    return g;
  };
  const readyz = async (g: SpawnedSmsguard) => {
    const r = await fetch(`${g.url}/readyz`);
    return { code: r.status, body: await r.json() };
  };
  try {
    const ingress = await start('ingress');
    const egress = await start('egress');
    for (const g of [ingress, egress]) await waitFor(async () => ((await readyz(g)).code === 200 ? true : undefined), 10_000, 'ready');
    const i0 = await readyz(ingress);
    assert.deepEqual(i0.body.checks.queue, { ok: true, required: false });
    assert.deepEqual(i0.body.checks.smppServer, { ok: true, required: true });
    assert.equal(i0.body.checks.upstreamLinks, undefined, 'no carrier links on an ingress process');
    const e0 = await readyz(egress);
    assert.deepEqual(e0.body.checks.queue, { ok: true, required: true });
    assert.deepEqual(e0.body.checks.store, { ok: true, required: true });
    assert.equal(e0.body.checks.smppServer, undefined, 'no SMPP server on an egress process');

    await proxy.cut();
    const e1 = await waitFor(async () => {
      const r = await readyz(egress);
      return r.code === 503 ? r : undefined;
    }, 5_000, 'the egress process not ready');
    assert.equal(e1.body.status, 'not_ready');
    assert.equal(e1.body.checks.queue.ok, false);
    assert.equal(e1.body.checks.store.ok, true);
    const i1 = await waitFor(async () => {
      const r = await readyz(ingress);
      return r.body.checks.queue.ok === false ? r : undefined;
    }, 5_000, 'the ingress process seeing the queue down');
    assert.equal(i1.code, 200);
    assert.equal(i1.body.status, 'ready');

    await proxy.open();
    for (const g of [ingress, egress]) {
      const r = await waitFor(async () => {
        const x = await readyz(g);
        return x.code === 200 && x.body.checks.queue.ok ? x : undefined;
      }, 15_000, 'ready with the queue back');
      assert.equal(r.body.status, 'ready');
    }
  } finally {
    await Promise.all(gateways.map((g) => stopProcess(g.proc)));
    await proxy.close();
    const bus = await openBus({ url: NATS_URL, names: queueNames(prefix), partitions: 16, ackWaitMs: 30_000, name: 'readyz-cleanup' }).catch(() => null);
    if (bus) {
      await deleteStream(bus);
      await bus.close();
    }
    await dropSchema(schema).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

/**
 * The carrier links as `smsguard start` wires them (src/main.ts): the default start shows the built-in
 * simulator link bound, in `GET /v1/upstream-links` and on /metrics; `--role ingress` (PostgreSQL +
 * NATS, no egress in the process) alone answers an empty list with `egress: false` and no link
 * metrics; beside an egress process it lists that process's link and a stop asked of it stops it there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../helpers/wait.js';
import { spawnSmsguard, stopProcess } from '../helpers/process.js';
import { TEST_PG_URL, testSchemaName, dropSchema } from '../helpers/pg.js';
import { openBus, deleteStream } from '../../src/queue/nats.js';
import { queueNames } from '../../src/queue/subjects.js';

const NATS_URL = process.env.SMSGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const ADMIN = 'sga_upstream_links_test_token_000000000001';
const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: ADMIN, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

async function start(args: string[], env: Record<string, string> = {}): Promise<{ p: ChildProcess; address: string }> {
  const g = await spawnSmsguard(['start', '--http-port', '0', '--smpp-port', '0', '--log-level', 'warn', ...args], { env: { ...ENV, ...env } });
  return { p: g.proc, address: g.url };
}

const get = async (url: string) => {
  const r = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: r.status, text: await r.text() };
};

test('smsguard start (the built-in simulator): the simulator link bound, in the route and on /metrics', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-links-'));
  let g: ChildProcess | undefined;
  try {
    const s = await start(['--db', join(dir, 'smsguard.db')]);
    g = s.p;
    const body = await waitFor(async () => {
      const r = await get(`${s.address}/v1/upstream-links`);
      assert.equal(r.status, 200, r.text);
      const b = JSON.parse(r.text);
      return b.links[0]?.state === 'bound' ? b : undefined;
    }, 20_000, 'the simulator link bound');
    assert.equal(body.egress, true);
    assert.equal(body.links.length, 1);
    assert.equal(body.links[0].name, 'simulator');
    assert.equal(body.links[0].systemId, 'smsguard');
    const m = await get(`${s.address}/metrics`);
    assert.match(m.text, /^smsguard_upstream_link_bound\{link="simulator"\} 1$/m);
    assert.match(m.text, /^smsguard_upstream_submits_total\{link="simulator",outcome="submitted"\} 0$/m);
  } finally {
    if (g) await stopProcess(g);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('smsguard start --role ingress with no egress process: no links here, none gathered over NATS, and the answer says so', { timeout: 90_000 }, async () => {
  const schema = testSchemaName();
  const prefix = `links_${randomBytes(4).toString('hex')}`;
  let g: ChildProcess | undefined;
  try {
    const s = await start(['--db', TEST_PG_URL, '--db-schema', schema, '--queue', NATS_URL, '--role', 'ingress'], { SMSGUARD_QUEUE_PREFIX: prefix });
    g = s.p;
    const r = await get(`${s.address}/v1/upstream-links`);
    assert.equal(r.status, 200, r.text);
    // it asks the egress processes over NATS (src/queue/link-control.ts); none answers within the wait
    assert.deepEqual(JSON.parse(r.text), { egress: false, links: [], at: null, stale: true });
    const m = await get(`${s.address}/metrics`);
    assert.doesNotMatch(m.text, /smsguard_upstream_link_bound/);
  } finally {
    if (g) await stopProcess(g);
    const bus = await openBus({ url: NATS_URL, names: queueNames(prefix), partitions: 16, ackWaitMs: 30_000, name: 'links-cleanup' }).catch(() => null);
    if (bus) {
      await deleteStream(bus).catch(() => undefined);
      await bus.close();
    }
    await dropSchema(schema).catch(() => undefined);
  }
});

test('smsguard start --role ingress beside an egress process: GET lists the egress process\'s link, a stop at the ingress stops it there and in an egress process started after', { timeout: 120_000 }, async () => {
  const schema = testSchemaName();
  const prefix = `links_${randomBytes(4).toString('hex')}`;
  const procs: ChildProcess[] = [];
  try {
    const ingress = await start(['--db', TEST_PG_URL, '--db-schema', schema, '--queue', NATS_URL, '--role', 'ingress'], { SMSGUARD_QUEUE_PREFIX: prefix });
    procs.push(ingress.p);
    const egress = await start(['--db', TEST_PG_URL, '--db-schema', schema, '--queue', NATS_URL, '--role', 'egress'], { SMSGUARD_QUEUE_PREFIX: prefix });
    procs.push(egress.p);
    const listed = await waitFor(async () => {
      const r = await get(`${ingress.address}/v1/upstream-links`);
      assert.equal(r.status, 200, r.text);
      const b = JSON.parse(r.text);
      return b.links[0]?.state === 'bound' ? b : undefined;
    }, 20_000, 'the egress process\'s simulator link listed bound at the ingress');
    assert.equal(listed.egress, true);
    assert.equal(listed.links.length, 1);
    assert.equal(listed.links[0].name, 'simulator');
    assert.match(listed.links[0].process, /^egress_/);

    const r = await fetch(`${ingress.address}/v1/upstream-links/simulator/stop`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    const body = await r.json() as { state: string; processes: { process: string; state: string }[] };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.deepEqual(body.processes.map((p) => [p.process, p.state]), [[listed.links[0].process, 'stopped']]);
    // the egress process's own view says so too
    const own = JSON.parse((await get(`${egress.address}/v1/upstream-links`)).text);
    assert.equal(own.links[0].state, 'stopped');

    // a second egress process started after the stop comes up with the link stopped (it read the
    // stop kept on NATS before its client started)
    const later = await start(['--db', TEST_PG_URL, '--db-schema', schema, '--queue', NATS_URL, '--role', 'egress'], { SMSGUARD_QUEUE_PREFIX: prefix });
    procs.push(later.p);
    const both = await waitFor(async () => {
      const b = JSON.parse((await get(`${ingress.address}/v1/upstream-links`)).text);
      return b.links.length === 2 ? b : undefined;
    }, 20_000, 'both egress processes listed');
    assert.deepEqual(both.links.map((l: { state: string }) => l.state), ['stopped', 'stopped']);
    assert.equal(new Set(both.links.map((l: { process: string }) => l.process)).size, 2);
  } finally {
    for (const p of procs.reverse()) await stopProcess(p);
    const bus = await openBus({ url: NATS_URL, names: queueNames(prefix), partitions: 16, ackWaitMs: 30_000, name: 'links-cleanup' }).catch(() => null);
    if (bus) {
      await deleteStream(bus).catch(() => undefined);
      await bus.close();
    }
    await dropSchema(schema).catch(() => undefined);
  }
});

/**
 * One bus prefix, one deployment (docs/SCALING.md "Running it"). Two deployments (two databases or
 * `--db-schema`s) given the same `--queue-prefix` (the default `smsguard`, say) shared one stream and
 * its consumers: each one's egress processes took the other's messages, found no row of theirs and
 * acked them away, so a message waited `queueGraceMs` (30 s) per wrong turn, and a link stop reached
 * both. Walked on 2026-12-07: 10 of 20 codes still `accepted` 40 s after their 202. The same silence
 * for a process given another partition count (SMSGUARD_QUEUE_PARTITIONS): numbers routed to
 * partitions no egress process reads. Now the stream names the deployment that declared it, and
 * another one, another count or a prefix differing only in case is refused at start (exit 1, one line).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { openBus, type BusOwner } from '../../../src/queue/nats.js';
import { queueNames } from '../../../src/queue/subjects.js';
import { openTestPgStore } from '../../helpers/pg.js';
import { TEST_PG_URL } from '../../helpers/pg.js';
import { suiteCleanups, testPrefix, TEST_NATS_URL } from './bus-fixture.js';

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/smsguard.js', ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } }, (e, out, err) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, out, err });
    });
  });
}

const CLAIMED = /belongs to another deployment/;

describe('the bus stream belongs to one deployment', { timeout: 120_000 }, () => {
  const cleanups = suiteCleanups();

  async function deployment(): Promise<{ owner: BusOwner; schema: string; again: () => Promise<BusOwner> }> {
    const h = await openTestPgStore({ max: 2 });
    cleanups.push(() => h.dispose());
    const owner = await h.store.busDeployment();
    return { owner, schema: h.schema, again: () => h.store.busDeployment() };
  }

  async function open(prefix: string, owner: BusOwner | undefined, partitions = 4) {
    const bus = await openBus({ url: TEST_NATS_URL, names: queueNames(prefix), partitions, ackWaitMs: 30_000, owner });
    return bus;
  }

  function dropStreamsAfter(prefix: string) {
    cleanups.push(async () => {
      const bus = await open(prefix, undefined);
      await bus.jsm.streams.delete(bus.names.stream).catch(() => undefined);
      await bus.jsm.streams.delete(bus.names.linkStream).catch(() => undefined);
      await bus.close();
    });
  }

  test('a deployment keeps one id; another schema has another', async () => {
    const a = await deployment();
    const b = await deployment();
    assert.equal((await a.again()).deployment, a.owner.deployment);
    assert.notEqual(a.owner.deployment, b.owner.deployment);
    assert.match(a.owner.where, new RegExp(`/${a.schema}$`));
  });

  test('a second deployment on the same prefix is refused; the first, its other processes and another prefix are not', async () => {
    const a = await deployment();
    const b = await deployment();
    const prefix = testPrefix();
    dropStreamsAfter(prefix);
    await (await open(prefix, a.owner)).close();
    await (await open(prefix, a.owner)).close(); // another process of the same deployment
    await assert.rejects(open(prefix, b.owner), (e: Error) => {
      assert.equal(e.name, 'BusClaimedError');
      assert.match(e.message, CLAIMED);
      assert.ok(e.message.includes(a.owner.where) && e.message.includes(b.owner.where), e.message);
      assert.match(e.message, /its own --queue-prefix/);
      return true;
    });
    const other = testPrefix();
    dropStreamsAfter(other);
    await (await open(other, b.owner)).close();
  });

  test('another partition count, or the prefix in other case, is refused within a deployment', async () => {
    const a = await deployment();
    const prefix = testPrefix();
    dropStreamsAfter(prefix);
    await (await open(prefix, a.owner, 4)).close();
    await assert.rejects(open(prefix, a.owner, 8), (e: Error) => e.name === 'BusClaimedError' && /over 4 partitions, this process was given 8/.test(e.message));
    await assert.rejects(open(prefix.toUpperCase(), a.owner, 4), (e: Error) => e.name === 'BusClaimedError' && new RegExp(`--queue-prefix ${prefix}\\b`).test(e.message));
  });

  test('a stream declared before streams named their deployment is taken by the first, then refused to another', async () => {
    const a = await deployment();
    const b = await deployment();
    const prefix = testPrefix();
    dropStreamsAfter(prefix);
    await (await open(prefix, undefined)).close();
    await (await open(prefix, a.owner)).close();
    await assert.rejects(open(prefix, b.owner), CLAIMED);
  });

  test('smsguard start on a second deployment with the same prefix: exit 1, one line naming the fix', async () => {
    const a = await deployment();
    const b = await deployment();
    const prefix = testPrefix();
    dropStreamsAfter(prefix);
    await (await open(prefix, a.owner, 16)).close();
    const r = await cli(['start', '--db', TEST_PG_URL, '--db-schema', b.schema, '--queue', TEST_NATS_URL, '--queue-prefix', prefix,
      '--role', 'ingress', '--http-port', '0', '--smpp-port', '0', '--log-level', 'error'], { SMSGUARD_ADMIN_TOKEN: 'bus-deployment-test-admin-token' });
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /^smsguard: the bus's stream [A-Z0-9_]+_MT at nats:\/\/\S+ \(--queue-prefix \S+\) belongs to another deployment/m);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack');
  });
});

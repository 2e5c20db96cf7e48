/**
 * Idempotency-Key with two connections to one database, on each adapter (README "Retrying safely"):
 * PostgreSQL, two stores on one schema (two gateway processes); SQLite, two stores on one file.
 *
 * SQLite cannot run two gateways on one file (the gateway lock: test/e2e/gateway-lock.test.ts), and
 * in one process a better-sqlite3 transaction is synchronous, so two connections never interleave
 * inside one; the one window is between a request's key lookup and its decision transaction, which
 * the barrier below holds open: the later transaction then runs after the first's commit, fails on
 * the key, rolls back with its records and counters, and the request replays the first's answer.
 *
 * A transaction failed on the key is also the first place this found a leak: the stores remembered a
 * rule list (pipeline) as registered when the transaction that inserted it rolled back, so a process
 * whose first decision under a new rule list lost a key race wrote every later record of that list
 * against a pipeline row that was never committed (its verdicts read back as `#0`, `#1`… by any other
 * connection and after a restart).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdempotencyWrite, Store } from '../../src/ports/store.js';
import type { KeyedRequest } from '../../src/app/idempotency.js';
import { App } from '../../src/app/app.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { SmsguardError } from '../../src/domain/errors.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { openTestPgStore, TEST_PG_URL } from '../helpers/pg.js';
import { NOON_SHANGHAI } from '../helpers/gateway.js';
import { T0, DAY, decision, item, msisdn, seedProvider, uid } from '../contract/fixtures.js';
import { bothLookFirst } from '../helpers/idempotency-race.js';

/** Two stores on one database, and how to count a number's MT records. */
interface Pair { one: Store; two: Store; mtRecords(to: string): Promise<number>; close(): Promise<void> }

const ADAPTERS: Record<string, () => Promise<Pair>> = {
  async postgres() {
    const h = await openTestPgStore();
    const two = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 2 });
    return {
      one: h.store, two,
      mtRecords: async (to) => Number((await h.store.pool.query<{ n: string }>("SELECT count(*) AS n FROM records WHERE kind = 'mt' AND msisdn = $1", [to])).rows[0].n),
      async close() {
        await two.close();
        await h.dispose();
      },
    };
  },
  async sqlite() {
    const dir = mkdtempSync(join(tmpdir(), 'sg-idem-'));
    const one = new SqliteStore(join(dir, 'smsguard.db'));
    const two = new SqliteStore(join(dir, 'smsguard.db'));
    return {
      one, two,
      mtRecords: async (to) => (await one.records.queryRecords({ msisdn: to, limit: 100 })).records.filter((r) => r.kind === 'mt').length,
      async close() {
        await two.close();
        await one.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const keyed = (cp: string, key: string, at = T0): IdempotencyWrite => ({
  contentProviderId: cp, key, requestHash: 'h', at, expiredBefore: at - DAY,
  answer: (decided) => ({ status: 202, body: JSON.stringify(decided.map((d) => d.id)) }),
});
const inUse = (e: unknown) => e instanceof SmsguardError && e.code === 'idempotency_key_in_flight';

for (const [name, open] of Object.entries(ADAPTERS)) {
  test(`${name}: a transaction failed on a key in use leaves its rule list unregistered, and the next decision under that list registers it`, async () => {
    const p = await open();
    try {
      const { cp, service } = await seedProvider(p.one);
      const key = uid('key');
      await p.one.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn() })], () => decision(true), keyed(cp.id, key));
      // a rule list no decision used before (as after a content-governance install), first used by
      // `two` in a transaction that loses the key
      const rules = [uid('test.rule')];
      const d = { ...decision(true), pipeline: rules };
      const lost = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 1000 });
      await assert.rejects(p.two.messages.decideAndRecord([lost], () => d, keyed(cp.id, key, T0 + 1000)), inUse);
      assert.equal(await p.one.messages.getMessage(lost.id), null, 'the loser\'s decision was rolled back');
      const next = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2000 });
      await p.two.messages.decideAndRecord([next], () => d);
      // read by the other connection, which never met the list: from the database, not a cache
      const view = await p.one.messages.getMessage(next.id);
      assert.deepEqual(view?.verdicts.map((v) => v.rule), rules);
    } finally {
      await p.close();
    }
  });

  test(`${name}: two connections, one key, both looked it up first: one decides, the other replays its answer; one record`, async () => {
    const p = await open();
    try {
      const clock = new SimulatedClock(NOON_SHANGHAI);
      const apps = [p.one, p.two].map((store) => new App({ store, clock, profile: resolveProfile('cn-2015') }));
      const { cp, signature, service } = await seedProvider(p.one);
      const who = { role: 'content-provider' as const, contentProviderId: cp.id, actorId: cp.id };
      const to = msisdn();
      const input = { from: service, to, text: `${signature}您的验证码是123456`, type: 'verification' };
      const answer: KeyedRequest['answer'] = (o) => ({ status: o[0].ok ? 202 : 422, body: JSON.stringify(o) });
      bothLookFirst([p.one, p.two]);
      const [x, y] = await Promise.all(apps.map((a) => a.submitMessagesOnce(who, [input], 'http', undefined, { key: 'k', requestHash: 'h', answer })));
      assert.deepEqual([x.replayed, y.replayed].sort(), [false, true]);
      assert.equal(x.body, y.body);
      assert.equal(x.status, 202, x.body);
      assert.equal(await p.mtRecords(to), 1);
      const usage = await p.one.usage.read({ contentProviderIds: [cp.id], from: '2000-01-01', to: '2100-01-01' });
      assert.equal(usage.filter((u) => u.key === 'submitted').reduce((s, u) => s + u.n, 0), 1, 'counted once');
    } finally {
      await p.close();
    }
  });
}

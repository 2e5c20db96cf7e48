/**
 * Idempotency-Key with two gateway processes on one PostgreSQL schema (README "Retrying safely"):
 * neither process knows the other's keys in flight, so both look the key up, find nothing and decide.
 * The primary key (provider, key) makes the later transaction wait for the first's commit and fail,
 * its decision rolled back; that process then answers from the row the first kept: a replay for the
 * same request, 422 idempotency_key_reused for another. One message either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import type { KeyedRequest } from '../../../src/app/idempotency.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SmsguardError } from '../../../src/domain/errors.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';
import { msisdn, seedProvider } from '../../contract/fixtures.js';
import { bothLookFirst } from '../../helpers/idempotency-race.js';

const answer: KeyedRequest['answer'] = (o) => ({ status: o[0].ok ? 202 : 422, body: JSON.stringify(o) });

for (const same of [true, false]) {
  test(`two processes, one key, ${same ? 'the same request: the later replays the first\'s answer' : 'another request: the later is idempotency_key_reused'}; one message`, async () => {
    await withTwoPgProcesses(async (h, otherStore) => {
      const clock = new SimulatedClock(NOON_SHANGHAI);
      const a = new App({ store: h.store, clock, profile: resolveProfile('cn-2015') });
      const b = new App({ store: otherStore, clock, profile: resolveProfile('cn-2015') });
      const { cp, signature, service } = await seedProvider(h.store);
      const p = { role: 'content-provider' as const, contentProviderId: cp.id, actorId: cp.id };
      const to = msisdn();
      const input = (text: string) => ({ from: service, to, text: `${signature}${text}`, type: 'verification' });
      const spy = bothLookFirst([h.store, otherStore]);
      const r = await Promise.allSettled([
        a.submitMessagesOnce(p, [input('您的验证码是123456')], 'http', undefined, { key: 'k', requestHash: 'h-a', answer }),
        b.submitMessagesOnce(p, [input(same ? '您的验证码是123456' : '您的验证码是654321')], 'http', undefined, { key: 'k', requestHash: same ? 'h-a' : 'h-b', answer }),
      ]);
      assert.equal(spy.lookups(), 3, 'both looked first; the loser looked again after its transaction failed');
      const kept = await h.store.idempotency.find(cp.id, 'k', 0);
      assert.ok(kept);
      const ids = kept.messageIds;
      assert.equal(ids.length, 1);
      const won = r.findIndex((x) => x.status === 'fulfilled' && !x.value.replayed);
      assert.ok(won >= 0, JSON.stringify(r));
      const lost = r[1 - won];
      if (same) {
        assert.ok(lost.status === 'fulfilled' && lost.value.replayed, JSON.stringify(lost));
        assert.equal(lost.value.body, (r[won] as PromiseFulfilledResult<{ body: string }>).value.body);
      } else {
        assert.ok(lost.status === 'rejected' && lost.reason instanceof SmsguardError && lost.reason.code === 'idempotency_key_reused', JSON.stringify(lost));
      }
      // the loser's decision was rolled back: one message to the number
      const n = await h.store.pool.query<{ n: string }>("SELECT count(*) AS n FROM records WHERE kind = 'mt' AND msisdn = $1", [to]);
      assert.equal(Number(n.rows[0].n), 1);
      assert.equal(a.keysInFlight.size + b.keysInFlight.size, 0);
    });
  });
}

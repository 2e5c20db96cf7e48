/**
 * The PostgreSQL egress paths the store contract does not reach (they are the NATS pipeline's:
 * OutboxStore has only `claim`): the relay that hands messages to the bus and the bus worker's
 * claimIds return a queued commercial message's category as `claim` does (migration 092), so the
 * send-time check judges it again whichever path sends it; other types carry none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore } from '../../helpers/pg.js';
import { seedProvider, item, msisdn, decision, T0, MIN } from '../../contract/fixtures.js';

test('relay and claimIds return a commercial message\'s category, and no other type\'s', async () => {
  const h = await openTestPgStore();
  try {
    const s = h.store;
    const { cp, service, commercial } = await seedProvider(s);
    const promo = item({ cp: cp.id, from: commercial, to: msisdn(), type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R' });
    const code = item({ cp: cp.id, from: service, to: msisdn() });
    await s.messages.decideAndRecord([promo, code], () => decision(true));
    const relayed = new Map((await s.outbox.relay(T0 + 1, 10, MIN)).map((m) => [m.id, m]));
    assert.equal(relayed.get(promo.id)?.category, 'promo');
    assert.equal('category' in relayed.get(code.id)!, false);
    const claimed = new Map((await s.outbox.claimIds([promo.id, code.id], T0 + 2, MIN)).map((m) => [m.id, m]));
    assert.equal(claimed.get(promo.id)?.category, 'promo');
    assert.equal('category' in claimed.get(code.id)!, false);
  } finally {
    await h.dispose();
  }
});

/**
 * PostgreSQL cannot store a NUL in text or jsonb. A submission carrying one in a stored field
 * (clientRef, category) reached the store, whose refusal failed the whole group commit: every other
 * message decided in the same turn, from any caller, failed with it (500). Such a field is now that
 * submission's own `invalid_request`, and the rest of the batch is decided and recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore } from '../../helpers/pg.js';
import { appWithQueuedNotifications } from '../../helpers/queued-notifications.js';

test('a NUL or lone surrogate in a stored field is that submission\'s 400; the rest of its batch is recorded (PostgreSQL)', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { app } = await appWithQueuedNotifications(h.store, 0);
    const cpId = (await h.store.pool.query<{ id: string }>('SELECT id FROM content_providers LIMIT 1')).rows[0].id;
    const cp = { role: 'content-provider' as const, contentProviderId: cpId, actorId: 't' };
    const ok = { from: '10690001', to: '13900000008', text: '【示例】您的账单已出', type: 'notification' };
    const cases: [Record<string, unknown>, string][] = [
      [{ clientRef: 'ref\u0000x' }, 'clientRef'],
      [{ clientRef: 'ref\ud800x' }, 'clientRef'],
      [{ type: 'commercial', category: 'promo\u0000' }, 'category'],
    ];
    for (const [extra, field] of cases) {
      const [bad, good] = await app.submitMessages(cp, [{ ...ok, to: '13900000009', ...extra }, ok], 'http');
      assert.equal(bad.ok, false, JSON.stringify(extra));
      assert.deepEqual(!bad.ok && [bad.error.code, bad.error.field], ['invalid_request', field], JSON.stringify(bad));
      assert.equal(good.ok, true, JSON.stringify(good));
      assert.equal((await app.getMessage({ role: 'admin', actorId: 't' }, good.ok ? good.id : '')).id, good.ok ? good.id : '');
    }
  } finally {
    await h.dispose();
  }
});

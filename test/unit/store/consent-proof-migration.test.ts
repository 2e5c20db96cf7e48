/**
 * SQLite migration 123 on consents stored before it: a consent recorded with proof (an object with a
 * field) is marked has_proof, one recorded without (`{}`, allowed under cn-2015) is not, and the
 * decision's covering index consents_live carries the mark, so under cn-2026 the old proof-less
 * consents stop counting without a table look-up per decision (commercial-facts.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../../src/store/sqlite/db.js';
import { withSqliteBefore } from '../../helpers/sqlite-before-migration.js';

test('migration 123: stored consents marked with or without proof; consents_live still covers the decision', () => {
  withSqliteBefore('123_consents_has_proof', `DROP INDEX consents_live; ALTER TABLE consents DROP COLUMN has_proof;
    CREATE INDEX consents_live ON consents (content_provider_id, msisdn, category, granted_at, expires_at, id, withdrawn_at, freq_count, freq_per);`, (db) => {
    const ins = db.prepare(`INSERT INTO consents (id, content_provider_id, msisdn, category, freq_count, freq_per, granted_at, expires_at, channel, proof, withdrawn_at)
      VALUES (?, 'cp', '+8613800138000', 'promo', 1, 'day', 1, 9, ?, ?, NULL)`);
    ins.run('bare', 'http', '{}');
    ins.run('api', 'http', JSON.stringify({ channel: 'web', reference: 'r', capturedAt: '2026-11-01T00:00:00.000Z' }));
    ins.run('sms', 'sms', JSON.stringify({ channel: 'sms', requestId: 'creq_1' }));
    assert.deepEqual(migrate(db), ['123_consents_has_proof']);
    const marks = Object.fromEntries((db.prepare('SELECT id, has_proof FROM consents').all() as { id: string; has_proof: number }[]).map((r) => [r.id, r.has_proof]));
    assert.deepEqual(marks, { bare: 0, api: 1, sms: 1 });
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT c.id, c.category, c.granted_at, c.expires_at, c.freq_count, c.freq_per, c.has_proof FROM consents c
      WHERE c.content_provider_id = ? AND c.msisdn = ? AND c.category = ? AND c.withdrawn_at IS NULL AND c.expires_at > ?
      ORDER BY c.granted_at DESC, c.expires_at DESC, c.id DESC LIMIT 1`).all('cp', '+8613800138000', 'promo', 0) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' | '), /^SEARCH c USING COVERING INDEX consents_live/);
  });
});

/**
 * Migration 125 (provider_parts.message_type, category, charged_service_id: the vendor TLVs a kept
 * part of a long message gave) applied while gateways of the earlier version keep parts: outside a
 * transaction (`-- smsguard: no-transaction`), so an earlier version's keep waits at most about a
 * second while the migration waits behind a long read of the table; the parts kept before it read
 * back with no values, and the migration runs again harmlessly.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PgSmppDeliveries } from '../../../src/store/postgres/smpp-deliveries.js';
import { migrateBehindLongRead, type Statement } from '../../helpers/pg-live-migration.js';

const FILE = new URL('../../../src/store/postgres/migrations/125_provider_part_attributes.sql', import.meta.url);

/** An earlier version's keep of one part (its columns only). */
const oldKeep = (seq: number): Statement =>
  ['INSERT INTO provider_parts (set_key, seq, total, octets, data_coding, part_id, registered_delivery, at) VALUES ($1, $2, 3, $3, 8, $4, 0, $5)',
    ['cp1|10690001|13800138000|8|7|3', seq, Buffer.from([0x4f, seq]), `p${seq}`, 1000 + seq]];

describe('migration 125 on live provider parts', { timeout: 60_000 }, () => {
  test('an earlier version\'s keep waits at most about a second behind it; its parts read back without values; run again harmlessly', async () => {
    await migrateBehindLongRead({
      version: '125_provider_part_attributes',
      undo: 'ALTER TABLE provider_parts DROP COLUMN message_type, DROP COLUMN category, DROP COLUMN charged_service_id',
      seed: [oldKeep(1)],
      readTable: 'provider_parts',
      write: oldKeep(2), written: 'the part',
    }, async (pool) => {
      const d = new PgSmppDeliveries(pool);
      await d.keepParts([{ setKey: 'cp1|10690001|13800138000|8|7|3', seq: 3, total: 3, octets: Buffer.from([0x4f, 3]), dataCoding: 8, partId: 'p3', registeredDelivery: 0, at: 1003, category: '会员营销' }]);
      const parts = await d.openParts();
      assert.deepEqual(parts.map((p) => [p.seq, 'category' in p, p.category]), [[1, false, undefined], [2, false, undefined], [3, true, '会员营销']]);
      // safe to run again (a failure part-way runs the whole file again at the next start)
      for (const st of readFileSync(FILE, 'utf8').split('\n').filter((l) => !l.startsWith('--')).join('\n').split(';').map((x) => x.trim()).filter(Boolean)) await pool.query(st);
      assert.equal((await d.openParts()).length, 3);
    });
  });
});

/**
 * `smsguard records rotate-key` beside a running gateway, as docs/RECORDS.md ("Key rotation") has the
 * operator do it. Found walking the document (2026-12-08): the command signs heads with the new key at
 * once, and the running gateway, which trusted only the keys it started with, then reported every
 * month `signature_invalid` (`GET /v1/records/verify`) and refused every export with 409 "the records'
 * hash chain is damaged", a tamper alarm over intact records, until it was restarted.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { configureRecords, recordsFor } from '../../../src/app/records-service.js';
import { resolveRecordsSigner, rotateDefaultKey, startRecords } from '../../../src/cli/records.js';
import { loadConfig } from '../../../src/config/schema.js';

const NOV = Date.parse('2026-11-15T04:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'smsguard-rotate-running-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const silent = { info() {}, warn() {}, error() {} };

test('heads signed with a key rotated while the gateway runs verify in the gateway, without a restart', async () => {
  const db = join(dir, 'g.db');
  const config = loadConfig({ db }, {});
  // The gateway: started with the key beside the database (generated now), signing heads with it.
  const store = new SqliteStore(db);
  const app = new App({ store, clock: new SimulatedClock(NOV), profile: resolveProfile('cn-2015') });
  const gateway = startRecords(app, config, silent);
  try {
    for (let i = 0; i < 3; i++) await store.records.recordMo({ id: `mo_${i}`, at: NOV + i, from: '+8613800138000', to: '10690001', text: `退订 ${i}`, contentProviderId: null, action: 'opt_out' });
    await recordsFor(app.ctx).publishHeads();
    assert.equal((await recordsFor(app.ctx).verify()).ok, true);

    // `records rotate-key` in another process: a new key file, the old one trusted, heads signed with the new key.
    const r = rotateDefaultKey(config);
    const cliStore = new SqliteStore(db);
    try {
      const cliApp = new App({ store: cliStore, clock: new SimulatedClock(NOV + 10), profile: resolveProfile('cn-2015') });
      await cliStore.records.recordMo({ id: 'mo_3', at: NOV + 3, from: '+8613800138000', to: '10690001', text: '退订 3', contentProviderId: null, action: 'opt_out' });
      const heads = await configureRecords(cliApp.ctx, resolveRecordsSigner(config).signer).publishHeads();
      assert.equal(heads[0].keyId, r.newKeyId);
    } finally {
      await cliStore.close();
    }

    // The gateway still signs with the key it started with, and verifies the new key's heads too.
    assert.equal(recordsFor(app.ctx).signer.keyId, r.oldKeyId);
    const v = await recordsFor(app.ctx).verify();
    assert.equal(v.ok, true, JSON.stringify(v.chains.map((c) => c.failure)));
    assert.equal(v.chains[0].headsChecked, 2, 'the old key\'s head and the new one\'s');
  } finally {
    gateway.stop();
    await store.close();
  }
});

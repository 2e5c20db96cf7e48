/**
 * A refusal reply (R/TD/退订, or an answer to a consent request) is one store transaction: the
 * opt-out or resolution, the reply's MO record and its `mo` callback. A crash is simulated by a store
 * step that throws: whatever stands afterwards must be consistent (a recorded, told opt-out reply
 * is in force; an answered request has its reply recorded).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { requestConsent } from '../../../src/app/consent-requests.js';
import type { Principal } from '../../../src/app/types.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');

async function setup() {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const admin: Principal = { role: 'admin', actorId: 'adm' };
  const { id } = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' });
  await app.addSignature(admin, id, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690002', contentProviderId: id, kind: 'commercial' });
  await store.callbacks.putSettings({ contentProviderId: id, statusUrl: null, moUrl: 'https://cp.example/mo', secret: 'sgw_t', updatedAt: NOON });
  const cp: Principal = { role: 'content-provider', contentProviderId: id, actorId: id };
  return { store, app, cp, cpId: id };
}

async function moRecords(store: SqliteStore, cpId: string) {
  return (await store.records.queryRecords({ kind: 'mo', contentProviderId: cpId, limit: 10 })).records;
}

test('an opt-out reply whose opt-out step crashes leaves no recorded, told opt-out that is not in force', async () => {
  const s = await setup();
  try {
    const optOut = s.store.consents.optOut.bind(s.store.consents);
    s.store.consents.optOut = async () => { throw new Error('crash: the process died in the opt-out step'); };
    await assert.rejects(s.app.receiveMo({ from: '13800000001', to: '10690002', text: 'TD' }, 'system'), /crash/);
    s.store.consents.optOut = optOut;
    const inForce = await s.store.consents.isOptedOut(s.cpId, '+8613800000001');
    const recorded = (await moRecords(s.store, s.cpId)).filter((r) => r.body.action === 'opt_out');
    const told = await s.store.callbacks.pendingCount(s.cpId);
    assert.equal(inForce, false);
    assert.deepEqual({ recorded: recorded.length, told }, { recorded: 0, told: 0 }, 'the reply is recorded and told only with its opt-out (the SMSC delivers it again)');

    // Without the crash: all three, at once.
    await s.app.receiveMo({ from: '13800000001', to: '10690002', text: 'TD' }, 'system');
    assert.equal(await s.store.consents.isOptedOut(s.cpId, '+8613800000001'), true);
    assert.equal((await moRecords(s.store, s.cpId)).filter((r) => r.body.action === 'opt_out').length, 1);
    assert.equal(await s.store.callbacks.pendingCount(s.cpId), 1);
  } finally {
    await s.store.close();
  }
});

test('an answer to a consent request is recorded in the resolution\'s transaction: a crash in a separate MO step cannot lose it', async () => {
  const s = await setup();
  try {
    for (const [to, reply, action] of [['13800000002', 'N', 'consent_refused'], ['13800000003', 'TD', 'opt_out'], ['13800000004', '是', 'consent_granted']] as const) {
      await requestConsent(s.app.ctx, s.cp, { from: '10690002', to, category: '会员促销', frequency: { count: 4, per: 'month' }, durationDays: 180 });
      const recordMo = s.store.records.recordMo.bind(s.store.records);
      s.store.records.recordMo = async () => { throw new Error('crash: the process died before the MO step'); };
      try {
        await s.app.receiveMo({ from: to, to: '10690002', text: reply }, 'system').catch(() => undefined);
      } finally {
        s.store.records.recordMo = recordMo;
      }
      const recs = (await moRecords(s.store, s.cpId)).filter((r) => r.msisdn === `+86${to}`);
      assert.deepEqual(recs.map((r) => r.body.action), [action], `${reply}: the answer's MO record stands with its resolution`);
    }
  } finally {
    await s.store.close();
  }
});

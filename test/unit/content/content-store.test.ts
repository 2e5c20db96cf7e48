/**
 * The content-governance store contract, run against SQLite and PostgreSQL (the brief's PostgreSQL
 * at 127.0.0.1:5432, db `test`, a schema of its own dropped afterwards).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteContentStore } from '../../../src/store/sqlite/content.js';
import { PgContentStore } from '../../../src/store/postgres/content.js';
import type { ContentStore, TemplateRow } from '../../../src/ports/content.js';
import type { Store } from '../../../src/ports/store.js';
import { openTestPgStore } from '../../helpers/pg.js';
import { SmsguardError } from '../../../src/domain/errors.js';

const T = 1_790_000_000_000;

async function contract(name: string, open: () => Promise<{ store: Store; content: ContentStore; close(): Promise<void> }>): Promise<void> {
  await test(`${name}: templates, settings, signature review, alerts and actions`, async () => {
    const { store, content, close } = await open();
    try {
      await store.directory.createContentProvider({ id: 'cp_a', name: '甲', creditCode: '91350100M000000001', licenseNumber: null, status: 'active', createdAt: T, httpThroughput: null }, { id: 'key_a', hash: 'h_a' });
      await store.directory.addSignature({ id: 'sig_a', contentProviderId: 'cp_a', signature: '【甲】', status: 'pending', createdAt: T });
      const tpl: TemplateRow = { id: 'tpl_1', contentProviderId: 'cp_a', signature: '【甲】', type: 'verification', body: '验证码${code}', status: 'pending', violations: [], reason: null, createdAt: T, reviewedAt: null, reviewedBy: null };
      await content.addTemplate(tpl);
      await content.addTemplate({ ...tpl, id: 'tpl_2', status: 'rejected', violations: [{ rule: 'brackets_in_body', message: 'x' }], reason: 'machine checks failed' });
      assert.deepEqual(await content.getTemplate('tpl_1'), tpl);
      assert.equal(await content.getTemplate('nope'), null);
      assert.deepEqual((await content.listTemplates({ contentProviderId: 'cp_a', status: 'rejected' })).map((t) => t.violations[0].rule), ['brackets_in_body']);
      const r = await content.reviewTemplate('tpl_1', 'approved', null, T + 1, 'admin_1');
      assert.equal(r?.status, 'approved');
      assert.equal(r?.reviewedBy, 'admin_1');
      assert.equal(await content.reviewTemplate('nope', 'approved', null, T, 'a'), null);
      assert.deepEqual((await content.listTemplates({ status: 'approved' })).map((t) => t.id), ['tpl_1']);

      assert.equal(await content.getSettings('cp_a'), null);
      await content.putSettings({ contentProviderId: 'cp_a', templates: 'required', linkDomains: ['a.cn'], updatedAt: T });
      await content.putSettings({ contentProviderId: 'cp_a', templates: 'preferred', linkDomains: ['a.cn', 'b.cn'], updatedAt: T + 1 });
      assert.deepEqual(await content.listSettings(), [{ contentProviderId: 'cp_a', templates: 'preferred', linkDomains: ['a.cn', 'b.cn'], updatedAt: T + 1 }]);

      assert.deepEqual(await content.reviewSignature({ id: 'sr_1', signatureId: 'sig_a', contentProviderId: '', decision: 'approved', reason: null, at: T, actor: 'admin_1' }), { contentProviderId: 'cp_a', signature: '【甲】', status: 'approved' });
      assert.equal((await store.directory.listSignatures('cp_a'))[0].status, 'approved');
      assert.equal(await content.reviewSignature({ id: 'sr_2', signatureId: 'sig_x', contentProviderId: '', decision: 'rejected', reason: 'r', at: T, actor: 'a' }), null);

      const action = { id: 'act_1', scope: 'provider' as const, key: 'cp_a', contentProviderId: 'cp_a', action: { kind: 'throttle' as const, perSecond: 5 }, rule: 'opt_out_rate_high', figures: { optOuts: 9, accepted: 300 }, at: T };
      await content.addAction(action);
      const alert = { id: 'al_1', rule: 'opt_out_rate_high', metric: 'opt_out_rate' as const, scope: 'provider' as const, key: 'cp_a', contentProviderId: 'cp_a', severity: 'critical' as const, value: 0.03, threshold: 0.02, figures: { optOuts: 9, accepted: 300 }, windowStart: T - 60_000, at: T, action: action.action, actionId: 'act_1' };
      await content.addAlert(alert);
      await content.addAlert({ ...alert, id: 'al_2', at: T + 5, actionId: null, contentProviderId: 'cp_b', key: 'cp_b' });
      assert.deepEqual(await content.listAlerts({ contentProviderId: 'cp_a', limit: 10 }), [alert]);
      assert.deepEqual((await content.listAlerts({ since: T + 1, limit: 10 })).map((a) => a.id), ['al_2']);
      assert.deepEqual((await content.listAlerts({ limit: 1 })).map((a) => a.id), ['al_2']);
      // A regulator's scope: the providers of its province, and the end of its dates (exclusive).
      await content.addAlert({ ...alert, id: 'al_3', at: T + 9, actionId: null, contentProviderId: 'cp_c', key: 'cp_c' });
      assert.deepEqual((await content.listAlerts({ contentProviderIds: ['cp_a', 'cp_c'], limit: 10 })).map((a) => a.id), ['al_3', 'al_1']);
      assert.deepEqual(await content.listAlerts({ contentProviderIds: [], limit: 10 }), []);
      assert.deepEqual((await content.listAlerts({ until: T + 5, limit: 10 })).map((a) => a.id), ['al_1']);
      assert.deepEqual((await content.listAlerts({ since: T + 1, until: T + 9, contentProviderIds: ['cp_b', 'cp_c'], limit: 10 })).map((a) => a.id), ['al_2']);
      // Keyset paging, newest first: past a page's last alert (its time, then id, both descending)
      assert.deepEqual((await content.listAlerts({ limit: 2, after: { at: T + 9, id: 'al_3' } })).map((a) => a.id), ['al_2', 'al_1']);
      assert.deepEqual((await content.listAlerts({ limit: 10, after: { at: T, id: 'al_1' } })), []);
      // a tie on the time is cut by the id (descending): past al_4 at T + 5 is al_2 at T + 5, then al_1
      await content.addAlert({ ...alert, id: 'al_4', at: T + 5, actionId: null });
      assert.deepEqual((await content.listAlerts({ limit: 10, after: { at: T + 5, id: 'al_4' } })).map((a) => a.id), ['al_2', 'al_1']);
      // one raised after the first page was read is newer: the next page neither repeats nor skips
      await content.addAlert({ ...alert, id: 'al_5', at: T + 20, actionId: null });
      assert.deepEqual((await content.listAlerts({ limit: 10, after: { at: T + 9, id: 'al_3' } })).map((a) => a.id), ['al_4', 'al_2', 'al_1']);
      // with the other filters, applied again on the page
      assert.deepEqual((await content.listAlerts({ contentProviderIds: ['cp_a', 'cp_c'], since: T, limit: 10, after: { at: T + 9, id: 'al_3' } })).map((a) => a.id), ['al_4', 'al_1']);
      assert.deepEqual(await content.listActions(true), [action]);
      assert.equal(await content.liftAction('act_1', T + 9, 'admin_2'), true);
      assert.equal(await content.liftAction('act_1', T + 10, 'admin_2'), false);
      assert.deepEqual(await content.listActions(true), []);
      assert.deepEqual(await content.listActions(false), [{ ...action, liftedAt: T + 9, liftedBy: 'admin_2' }]);
    } finally {
      await close();
    }
  });

  await test(`${name}: a rejected signature application does not hold the text; approving it once another holds the text is a conflict`, async () => {
    const { store, content, close } = await open();
    const conflict = (e: unknown) => e instanceof SmsguardError && e.code === 'conflict';
    try {
      for (const cp of ['cp_a', 'cp_b']) {
        await store.directory.createContentProvider({ id: cp, name: cp, creditCode: `91350100M00000000${cp.slice(-1)}`, licenseNumber: null, status: 'active', createdAt: T, httpThroughput: null }, { id: `key_${cp}`, hash: `h_${cp}` });
      }
      await store.directory.addSignature({ id: 'sig_1', contentProviderId: 'cp_a', signature: '【乙方】', status: 'pending', createdAt: T });
      // pending: the text is taken while it is under review
      await assert.rejects(store.directory.addSignature({ id: 'sig_x', contentProviderId: 'cp_b', signature: '【乙方】', status: 'pending', createdAt: T + 1 }), conflict);
      await content.reviewSignature({ id: 'sr_1', signatureId: 'sig_1', contentProviderId: '', decision: 'rejected', reason: 'no proof of the brand', at: T + 2, actor: 'admin_1' });
      await store.directory.setSignatureStatus('sig_1', 'rejected', T + 2);
      // rejected: the same provider may apply again, with proof
      await store.directory.addSignature({ id: 'sig_2', contentProviderId: 'cp_a', signature: '【乙方】', status: 'pending', createdAt: T + 3 });
      await content.reviewSignature({ id: 'sr_2', signatureId: 'sig_2', contentProviderId: '', decision: 'rejected', reason: 'still no proof', at: T + 4, actor: 'admin_1' });
      await store.directory.setSignatureStatus('sig_2', 'rejected', T + 4);
      // and the brand's owner may have it registered
      await store.directory.addSignature({ id: 'sig_3', contentProviderId: 'cp_b', signature: '【乙方】', status: 'approved', createdAt: T + 5 });
      assert.deepEqual((await store.directory.listSignatures('cp_a')).map((x) => [x.id, x.status]), [['sig_1', 'rejected'], ['sig_2', 'rejected']]);
      assert.deepEqual((await store.directory.listSignatures('cp_b')).map((x) => [x.id, x.status]), [['sig_3', 'approved']]);
      // a rejected application approved after all: not while another holds the text (two holders of one brand)
      await assert.rejects(content.reviewSignature({ id: 'sr_3', signatureId: 'sig_1', contentProviderId: '', decision: 'approved', reason: null, at: T + 6, actor: 'admin_1' }), conflict);
      await assert.rejects(store.directory.setSignatureStatus('sig_1', 'approved', T + 6), conflict);
      assert.equal((await store.directory.getSignature('sig_1'))?.status, 'rejected');
      // the texts that stand, whoever holds them: pending and approved, not rejected or revoked
      await store.directory.addSignature({ id: 'sig_4', contentProviderId: 'cp_a', signature: '【丙方】', status: 'pending', createdAt: T + 7 });
      await store.directory.addSignature({ id: 'sig_5', contentProviderId: 'cp_a', signature: '【丁方】', status: 'approved', createdAt: T + 8 });
      await store.directory.revokeSignature('cp_a', 'sig_5', T + 9, 'admin_1', 'brand lost');
      const standing = (await store.directory.standingSignatures()).map((x) => [x.contentProviderId, x.signature]).sort();
      assert.deepEqual(standing, [['cp_a', '【丙方】'], ['cp_b', '【乙方】']]);
    } finally {
      await close();
    }
  });

  await test(`${name}: early-warning baselines kept, replaced, reset; a save older than the reset is refused`, async () => {
    const { content, close } = await open();
    try {
      assert.deepEqual(await content.loadBaselines(), []);
      const a = { scope: 'provider' as const, key: 'cp_a', contentProviderId: 'cp_a', mean: 10.25, variance: 3.5, completed: 40, scoreMean: 0.125, scoreN: 38, resetAt: 0 };
      const p = { ...a, scope: 'port' as const, key: '10690001', mean: 4.5 };
      await content.saveBaselines([a, p], T);
      await content.saveBaselines([], T + 1);
      assert.deepEqual(await content.loadBaselines(), [p, a]);
      await content.saveBaselines([{ ...a, mean: 11, completed: 41 }], T + 2);
      assert.deepEqual((await content.loadBaselines()).find((b) => b.scope === 'provider'), { ...a, mean: 11, completed: 41 });
      // the operator resets cp_a; a process that has not applied it yet cannot write the old baseline back
      await content.resetBaseline('provider', 'cp_a', 'cp_a', T + 5);
      await content.saveBaselines([{ ...a, mean: 12, completed: 42 }], T + 6);
      const emptied = { ...a, mean: 0, variance: 0, completed: 0, scoreMean: 0, scoreN: 0, resetAt: T + 5 };
      assert.deepEqual((await content.loadBaselines()).find((b) => b.scope === 'provider'), emptied);
      assert.deepEqual(await content.baselineResets(0), [{ scope: 'provider', key: 'cp_a', at: T + 5 }]);
      assert.deepEqual(await content.baselineResets(T + 5), []);
      // one that has: its baseline folded after the reset is kept
      await content.saveBaselines([{ ...a, mean: 2, completed: 3, resetAt: T + 5 }], T + 7);
      assert.deepEqual((await content.loadBaselines()).find((b) => b.scope === 'provider'), { ...a, mean: 2, completed: 3, resetAt: T + 5 });
      // a reset of a key never saved, and an older reset after a newer one keeps the newer mark
      await content.resetBaseline('port', '10690009', 'cp_b', T + 8);
      await content.resetBaseline('port', '10690009', 'cp_b', T + 4);
      assert.deepEqual(await content.baselineResets(T + 5), [{ scope: 'port', key: '10690009', at: T + 8 }]);
    } finally {
      await close();
    }
  });
}

describe('content store contract', async () => {
  await contract('sqlite', async () => {
    const store = new SqliteStore(':memory:');
    return { store, content: new SqliteContentStore(store.db), close: () => store.close() };
  });
  await contract('postgres', async () => {
    const h = await openTestPgStore();
    return { store: h.store, content: new PgContentStore(h.store.pool, h.store.writer), close: () => h.dispose() };
  });
});

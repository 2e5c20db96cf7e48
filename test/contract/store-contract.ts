/**
 * THE store contract: one suite that every store adapter must pass unchanged (SQLite and
 * PostgreSQL run it through the thin *.test.ts files beside this one). It speaks only the ports in
 * src/ports/store.ts; a behaviour one adapter has and the other lacks is a bug in one of them.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsentRequestFacts, ConsentRequestRow, OutboundMessage, RecordQuery, StatusUpdate, Store } from '../../src/ports/store.js';
import type { Decision, Facts } from '../../src/pipeline/types.js';
import { SmsguardError } from '../../src/domain/errors.js';
import { OPERATOR_ACCOUNT_ID } from '../../src/domain/case.js';
import type { CaseEventRow, CaseRow } from '../../src/ports/cases.js';
import { canonicalRecord, canonicalRetained, chainHash, genesisHash, monthOf } from '../../src/domain/hash-chain.js';
import { verifyChains } from '../../src/app/records-verify.js';
import { pipelineId } from '../../src/store/verdict-codec.js';
import { T0, MIN, HOUR, DAY, cpRow, decision, item, minuteLimit, msisdn, seedProvider, uid, heldDecision } from './fixtures.js';
import type { SmppDeliveryStore } from '../../src/ports/smpp-deliveries.js';
import { smppDeliveriesContract } from './smpp-deliveries-contract.js';
import { sendTimeContract } from './send-time-contract.js';
import { callbacksContract } from './callbacks-contract.js';
import { callbackQueueingContract } from './callback-queueing-contract.js';
import { clientRefContract } from './client-ref-contract.js';
import { usageContract } from './usage-contract.js';
import { idempotencyContract } from './idempotency-contract.js';
import { heldExpiryContract } from './held-expiry-contract.js';
import { addressLimitsContract } from './address-limits-contract.js';
import { formTokensContract } from './form-tokens-contract.js';
import { webSessionsContract } from './web-sessions-contract.js';
import { duplicateContentContract } from './duplicate-content-contract.js';
import { replaceContract } from './replace-contract.js';
import { chargedServicesContract } from './charged-services-contract.js';
import type { AuditAction } from '../../src/domain/audit-actions.js';

export interface StoreHandle {
  store: Store;
  /** The adapter's deliver_sm queue for the SMPP server (a port of its own, beside `Store`). */
  smppDeliveries: SmppDeliveryStore;
  /** Closes the store and removes whatever the handle created (schema, file). */
  dispose(): Promise<void>;
}

export function storeContract(name: string, makeStore: () => Promise<StoreHandle>): void {
  describe(`store contract: ${name}`, () => {
    let h: StoreHandle;
    let s: Store;
    beforeEach(async () => {
      h = await makeStore();
      s = h.store;
    });
    afterEach(async () => {
      await h.dispose();
    });

    describe('directory', () => {
      test('creates a provider with its API key; the credit code is unique', async () => {
        const cp = cpRow();
        const hash = uid('hash');
        await s.directory.createContentProvider(cp, { id: uid('tok'), hash });
        assert.deepEqual(await s.directory.getContentProvider(cp.id), cp);
        assert.equal(await s.directory.getContentProvider('cp_nope'), null);
        const tok = await s.directory.findTokenByHash(hash);
        assert.equal(tok?.role, 'content-provider');
        assert.equal(tok?.subject, cp.id);
        await assert.rejects(s.directory.createContentProvider({ ...cpRow(), creditCode: cp.creditCode }, { id: uid('tok'), hash: uid('hash') }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        assert.deepEqual((await s.directory.listContentProviders()).map((c) => c.id), [cp.id]);
      });

      test('a status change is recorded and binds the very next decision', async () => {
        const { cp, service } = await seedProvider(s);
        assert.equal(await s.directory.setContentProviderStatus(cp.id, 'suspended', T0 + 1, 'admin_1', 'complaints'), true);
        assert.equal(await s.directory.setContentProviderStatus('cp_nope', 'suspended', T0 + 1, 'admin_1'), false);
        assert.equal((await s.directory.getContentProvider(cp.id))?.status, 'suspended');
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2 })], minuteLimit(1, seen));
        assert.equal(seen[0].sender.status, 'suspended');
        const audit = (await s.records.queryRecords({ contentProviderId: cp.id, limit: 10 })).records.filter((r) => r.kind === 'audit');
        assert.equal(audit.length, 1);
        assert.equal(audit[0].body.actor, 'admin_1');
      });

      test('HTTP throughput: none at registration, set, read back, removed with null; recorded; unknown provider false', async () => {
        const cp = cpRow();
        await s.directory.createContentProvider(cp, { id: uid('tok'), hash: uid('hash') });
        assert.equal((await s.directory.getContentProvider(cp.id))?.httpThroughput, null);
        assert.equal(await s.directory.setContentProviderHttpThroughput(cp.id, 50, T0 + 1, 'admin_1'), true);
        assert.equal((await s.directory.getContentProvider(cp.id))?.httpThroughput, 50);
        assert.equal((await s.directory.listContentProviders()).find((c) => c.id === cp.id)?.httpThroughput, 50);
        // the same instant twice: each change is its own audit record
        assert.equal(await s.directory.setContentProviderHttpThroughput(cp.id, 100_000, T0 + 1, 'admin_1'), true);
        assert.equal((await s.directory.getContentProvider(cp.id))?.httpThroughput, 100_000);
        assert.equal(await s.directory.setContentProviderHttpThroughput(cp.id, null, T0 + 2, 'admin_2'), true);
        assert.equal((await s.directory.getContentProvider(cp.id))?.httpThroughput, null);
        assert.equal(await s.directory.setContentProviderHttpThroughput('cp_nope', 5, T0 + 3, 'admin_1'), false);
        const audit = (await s.records.queryRecords({ contentProviderId: cp.id, limit: 10 })).records.filter((r) => r.kind === 'audit');
        assert.deepEqual(audit.map((r) => r.body.httpThroughput).sort(), [100_000, 50, null].sort());
        assert.ok(audit.every((r) => r.body.action === 'content_provider.http_throughput'));
        // a provider registered with one keeps it
        const limited = cpRow({ httpThroughput: 7 });
        await s.directory.createContentProvider(limited, { id: uid('tok'), hash: uid('hash') });
        assert.deepEqual(await s.directory.getContentProvider(limited.id), limited);
      });

      test('signatures belong to one provider; only approved ones reach the facts', async () => {
        const a = await seedProvider(s);
        const b = cpRow();
        await s.directory.createContentProvider(b, { id: uid('tok'), hash: uid('hash') });
        const conflict = (e: unknown) => e instanceof SmsguardError && e.code === 'conflict';
        await assert.rejects(s.directory.addSignature({ id: uid('sig'), contentProviderId: b.id, signature: a.signature, status: 'approved', createdAt: T0 }), conflict);
        await assert.rejects(s.directory.addSignature({ id: uid('sig'), contentProviderId: a.cp.id, signature: a.signature, status: 'approved', createdAt: T0 }), conflict);
        await s.directory.addSignature({ id: uid('sig'), contentProviderId: a.cp.id, signature: '【待审】', status: 'pending', createdAt: T0 + 1 });
        assert.deepEqual((await s.directory.listSignatures(a.cp.id)).map((x) => x.signature), [a.signature, '【待审】']);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: a.cp.id, from: a.service, to: msisdn() })], minuteLimit(1, seen));
        assert.deepEqual([...seen[0].sender.signatures], [a.signature]);
        assert.deepEqual([seen[0].port?.number, seen[0].port?.ownerId, seen[0].port?.kind], [a.service, a.cp.id, 'service']);
      });

      test('ports are unique and listed by number', async () => {
        const a = await seedProvider(s);
        await assert.rejects(s.directory.addPort({ number: a.service, ownerId: a.cp.id, kind: 'service', createdAt: T0 }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        assert.deepEqual(await s.directory.getPort(a.commercial), { number: a.commercial, ownerId: a.cp.id, kind: 'commercial', createdAt: T0, retiredAt: null, retiredReason: null });
        assert.equal(await s.directory.getPort('999'), null);
        assert.deepEqual((await s.directory.listPorts(a.cp.id)).map((p) => p.number), [a.service, a.commercial].sort());
        assert.equal((await s.directory.listPorts()).length, 2);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: a.cp.id, from: '999', to: msisdn() })], minuteLimit(1, seen));
        assert.equal(seen[0].port, null);
      });

      test('a revoked signature stays listed (revoked, when, why), is recorded once, leaves the facts named with its time, and is never reviewed back', async () => {
        const a = await seedProvider(s);
        const b = await seedProvider(s);
        const sigId = (await s.directory.listSignatures(a.cp.id))[0].id;
        // another provider's signature, or none: nothing changes
        assert.equal(await s.directory.revokeSignature(b.cp.id, sigId, T0 + 5, 'admin_1', 'x'), null);
        assert.equal(await s.directory.revokeSignature(a.cp.id, 'sig_nope', T0 + 5, 'admin_1', 'x'), null);
        const r = await s.directory.revokeSignature(a.cp.id, sigId, T0 + 10, 'admin_1', 'brand lost');
        assert.deepEqual(r, { id: sigId, contentProviderId: a.cp.id, signature: a.signature, status: 'revoked', createdAt: T0, revokedAt: T0 + 10, revokedReason: 'brand lost' });
        // idempotent: the first time and reason stand, nothing recorded again
        assert.deepEqual(await s.directory.revokeSignature(a.cp.id, sigId, T0 + 20, 'admin_2', 'again'), r);
        assert.deepEqual(await s.directory.listSignatures(a.cp.id), [r]);
        assert.deepEqual(await s.directory.getSignature(sigId), r);
        const audit = (await s.records.queryRecords({ contentProviderId: a.cp.id, limit: 10 })).records.filter((x) => x.kind === 'audit');
        assert.deepEqual(audit.map((x) => [x.body.action, x.body.signature, x.body.actor, x.body.reason, x.at]), [['signature.revoke', a.signature, 'admin_1', 'brand lost', T0 + 10]]);
        // the very next decision sees it revoked, with when (the pipeline words the refusal from it)
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: a.cp.id, from: a.service, to: msisdn(), at: T0 + 11 })], minuteLimit(1, seen));
        assert.deepEqual([...seen[0].sender.signatures], []);
        assert.deepEqual([...(seen[0].sender.revoked ?? new Map())], [[a.signature, T0 + 10]]);
        // a review does not bring it back
        assert.equal(await s.directory.setSignatureStatus(sigId, 'approved', T0 + 12), false);
        assert.equal((await s.directory.getSignature(sigId))?.status, 'revoked');
      });

      test('a revoked text may be registered again, to another provider or its holder: a new row beside the revoked one, which is handed back for the record; a standing one stays a conflict', async () => {
        const a = await seedProvider(s);
        const b = await seedProvider(s);
        const c = await seedProvider(s);
        const first = (await s.directory.listSignatures(a.cp.id))[0];
        // standing: a conflict for anyone
        await assert.rejects(s.directory.addSignature({ id: uid('sig'), contentProviderId: b.cp.id, signature: a.signature, status: 'approved', createdAt: T0 + 1 }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        const revoked = await s.directory.revokeSignature(a.cp.id, first.id, T0 + 10, 'admin_1', 'brand lost');
        const toB = uid('sig');
        assert.deepEqual(await s.directory.addSignature({ id: toB, contentProviderId: b.cp.id, signature: a.signature, status: 'pending', createdAt: T0 + 20 }, 'admin_2'), revoked);
        // recorded by the registration itself (its own transaction): the application, and whose the text was, and until when
        const reassigned = (await s.records.queryRecords({ contentProviderId: b.cp.id, limit: 10 })).records.filter((x) => x.kind === 'audit');
        assert.deepEqual(reassigned.map((x) => [x.body.action, x.body.actor, x.body.signatureId, x.body.previousSignatureId, x.body.previousContentProviderId, x.body.revokedAt, x.body.revokedReason, x.at]), [
          ['signature.reassign', 'admin_2', toB, first.id, a.cp.id, T0 + 10, 'brand lost', T0 + 20],
          ['signature.submit', 'admin_2', toB, undefined, undefined, undefined, undefined, T0 + 20],
        ]);
        // the revoked registration stays where it was; the new one is b's, pending review
        assert.deepEqual(await s.directory.listSignatures(a.cp.id), [revoked]);
        assert.deepEqual((await s.directory.listSignatures(b.cp.id)).filter((x) => x.signature === a.signature).map((x) => [x.id, x.status, x.revokedAt ?? null]), [[toB, 'pending', null]]);
        // now standing again: a second registration is a conflict, for b itself and for c
        await assert.rejects(s.directory.addSignature({ id: uid('sig'), contentProviderId: c.cp.id, signature: a.signature, status: 'approved', createdAt: T0 + 21 }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        await assert.rejects(s.directory.addSignature({ id: uid('sig'), contentProviderId: b.cp.id, signature: a.signature, status: 'approved', createdAt: T0 + 21 }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        // reviewed: it passes for b; a's decision still sees it revoked, with when
        assert.equal(await s.directory.setSignatureStatus(toB, 'approved', T0 + 22), true);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: b.cp.id, from: b.service, to: msisdn(), at: T0 + 23 }), item({ cp: a.cp.id, from: a.service, to: msisdn(), at: T0 + 23 })], minuteLimit(2, seen));
        const facts = new Map(seen.map((f) => [f.sender.id, f.sender]));
        assert.ok(facts.get(b.cp.id)!.signatures.has(a.signature));
        assert.deepEqual([facts.get(a.cp.id)!.signatures.has(a.signature), facts.get(a.cp.id)!.revoked?.get(a.signature)], [false, T0 + 10]);
        // revoked from b too, then given back to a: the latest revoked registration is handed back; a lists both
        const revokedB = await s.directory.revokeSignature(b.cp.id, toB, T0 + 30, 'admin_1', 'dispute settled');
        const backToA = uid('sig');
        assert.deepEqual(await s.directory.addSignature({ id: backToA, contentProviderId: a.cp.id, signature: a.signature, status: 'approved', createdAt: T0 + 40 }), revokedB);
        assert.deepEqual((await s.directory.listSignatures(a.cp.id)).map((x) => [x.id, x.status]), [[first.id, 'revoked'], [backToA, 'approved']]);
        const again: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: a.cp.id, from: a.service, to: msisdn(), at: T0 + 41 })], minuteLimit(1, again));
        assert.ok(again[0].sender.signatures.has(a.signature));
      });

      test('a registration with its actor is recorded in its own transaction: signature.register (approved), signature.submit (pending), port.register; without one (a seed), nothing', async () => {
        const a = await seedProvider(s);
        const audit = async () => (await s.records.queryRecords({ contentProviderId: a.cp.id, kind: 'audit', limit: 10 })).records.map((x) => x.body);
        assert.deepEqual(await audit(), [], 'seeded without an actor');
        const sig = uid('sig');
        await s.directory.addSignature({ id: sig, contentProviderId: a.cp.id, signature: `【登记${sig.slice(-6)}】`, status: 'approved', createdAt: T0 + 1 }, 'admin_1');
        const asked = uid('sig');
        await s.directory.addSignature({ id: asked, contentProviderId: a.cp.id, signature: `【申请${asked.slice(-6)}】`, status: 'pending', createdAt: T0 + 2 }, a.cp.id);
        const number = `${a.service.slice(0, -1)}7`;
        await s.directory.addPort({ number, ownerId: a.cp.id, kind: 'public_welfare', createdAt: T0 + 3 }, 'admin_1');
        assert.deepEqual(await audit(), [
          { actor: 'admin_1', action: 'port.register', number, contentProviderId: a.cp.id, kind: 'public_welfare' },
          { actor: a.cp.id, action: 'signature.submit', signatureId: asked, signature: `【申请${asked.slice(-6)}】`, contentProviderId: a.cp.id, status: 'pending' },
          { actor: 'admin_1', action: 'signature.register', signatureId: sig, signature: `【登记${sig.slice(-6)}】`, contentProviderId: a.cp.id, status: 'approved' },
        ]);
        // a refused registration (a conflict) records nothing
        await assert.rejects(s.directory.addPort({ number, ownerId: a.cp.id, kind: 'service', createdAt: T0 + 4 }, 'admin_1'), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        assert.equal((await audit()).length, 3);
      });

      test('a retired port stays listed (retiredAt, why), is recorded once, reaches the facts with it; the number can be registered again, to another provider too', async () => {
        const a = await seedProvider(s);
        const b = await seedProvider(s);
        assert.equal(await s.directory.retirePort('999', T0 + 5, 'admin_1', 'x'), null);
        const r = await s.directory.retirePort(a.commercial, T0 + 10, 'admin_1', 'allocation withdrawn');
        assert.deepEqual(r, { number: a.commercial, ownerId: a.cp.id, kind: 'commercial', createdAt: T0, retiredAt: T0 + 10, retiredReason: 'allocation withdrawn' });
        assert.deepEqual(await s.directory.retirePort(a.commercial, T0 + 20, 'admin_2', 'again'), r);
        assert.deepEqual(await s.directory.getPort(a.commercial), r);
        assert.deepEqual((await s.directory.listPorts(a.cp.id)).find((p) => p.number === a.commercial), r);
        const audit = (await s.records.queryRecords({ contentProviderId: a.cp.id, limit: 10 })).records.filter((x) => x.kind === 'audit');
        assert.deepEqual(audit.map((x) => [x.body.action, x.body.number, x.body.actor, x.body.reason, x.at]), [['port.retire', a.commercial, 'admin_1', 'allocation withdrawn', T0 + 10]]);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: a.cp.id, from: a.commercial, to: msisdn(), at: T0 + 11 })], minuteLimit(1, seen));
        assert.equal(seen[0].port?.retiredAt, T0 + 10);
        // in use: still a conflict; retired: taken over, the retired row handed back for the record
        await assert.rejects(s.directory.addPort({ number: a.service, ownerId: b.cp.id, kind: 'service', createdAt: T0 + 30 }), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        const before = (await s.records.queryRecords({ contentProviderId: b.cp.id, limit: 10 })).records.filter((x) => x.kind === 'audit').length;
        assert.deepEqual(await s.directory.addPort({ number: a.commercial, ownerId: b.cp.id, kind: 'service', createdAt: T0 + 30 }, 'admin_2'), r);
        const took = (await s.records.queryRecords({ contentProviderId: b.cp.id, limit: 10 })).records.filter((x) => x.kind === 'audit');
        assert.equal(took.length, before + 2, 'the registration and the take-over recorded with it');
        assert.deepEqual([took[1].body.action, took[1].body.number, took[1].body.kind], ['port.register', a.commercial, 'service']);
        assert.deepEqual([took[0].body.action, took[0].body.actor, took[0].body.number, took[0].body.previousContentProviderId, took[0].body.previousSince, took[0].body.retiredAt, took[0].body.retiredReason, took[0].at], ['port.reassign', 'admin_2', a.commercial, a.cp.id, T0, T0 + 10, 'allocation withdrawn', T0 + 30]);
        assert.deepEqual(await s.directory.getPort(a.commercial), { number: a.commercial, ownerId: b.cp.id, kind: 'service', createdAt: T0 + 30, retiredAt: null, retiredReason: null });
        assert.deepEqual((await s.directory.listPorts(a.cp.id)).map((p) => p.number), [a.service]);
        const again: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: b.cp.id, from: a.commercial, to: msisdn(), at: T0 + 31 })], minuteLimit(1, again));
        assert.deepEqual([again[0].port?.ownerId, again[0].port?.retiredAt ?? null], [b.cp.id, null]);
      });

      test('tokens are found by hash and counted per role', async () => {
        await s.directory.addToken({ id: uid('tok'), role: 'regulator', subject: null, label: 'province', scope: { province: '福建' }, createdAt: T0, revokedAt: null }, 'h1');
        await s.directory.addToken({ id: uid('tok'), role: 'admin', subject: null, label: 'ops', scope: {}, createdAt: T0, revokedAt: null }, 'h2');
        assert.deepEqual((await s.directory.findTokenByHash('h1'))?.scope, { province: '福建' });
        assert.equal(await s.directory.findTokenByHash('h3'), null);
        assert.equal(await s.directory.countTokens('admin'), 1);
        assert.equal(await s.directory.countTokens('report-centre'), 0);
      });

      test('tokens are listed without hashes and revoked idempotently: a revoked one is no longer found', async () => {
        const cp = cpRow();
        await s.directory.createContentProvider(cp, { id: uid('tok'), hash: 'k1' });
        const second = { id: uid('tok'), role: 'content-provider' as const, subject: cp.id, label: 'second', scope: {}, createdAt: T0 + 5, revokedAt: null };
        await s.directory.addToken(second, 'k2');
        await s.directory.addToken({ id: uid('tok'), role: 'admin', subject: null, label: 'ops', scope: {}, createdAt: T0, revokedAt: null }, 'h2');
        const keys = await s.directory.listTokens({ subject: cp.id });
        assert.deepEqual(keys.map((k) => k.label), ['api key', 'second']);
        assert.ok(keys.every((k) => !('hash' in k)));
        assert.equal((await s.directory.listTokens()).length, 3);
        assert.deepEqual((await s.directory.listTokens({ role: 'admin' })).map((k) => k.label), ['ops']);
        assert.deepEqual(await s.directory.getToken(second.id), second);
        assert.equal(await s.directory.getToken('tok_nope'), null);

        assert.deepEqual(await s.directory.revokeToken(second.id, T0 + 10), { ...second, revokedAt: T0 + 10 });
        assert.equal(await s.directory.findTokenByHash('k2'), null);
        assert.equal((await s.directory.findTokenByHash('k1'))?.subject, cp.id, 'the other key still works');
        // again: still revoked, at the first time
        assert.equal((await s.directory.revokeToken(second.id, T0 + 20))?.revokedAt, T0 + 10);
        assert.equal(await s.directory.revokeToken('tok_nope', T0), null);
        assert.deepEqual((await s.directory.listTokens({ subject: cp.id })).map((k) => k.revokedAt), [null, T0 + 10]);
        assert.equal(await s.directory.countTokens('content-provider'), 1);
        // a revoked secret cannot be registered again
        await assert.rejects(s.directory.addToken({ ...second, id: uid('tok'), revokedAt: null }, 'k2'), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
      });
    });

    describe('messages: decide and record', () => {
      test('verification facts count earlier acceptances in the last minute, hour and day, this batch included', async () => {
        const { cp, service } = await seedProvider(s);
        const to = msisdn();
        const at = [T0 - 23 * HOUR, T0 - 30 * MIN, T0 - 30_000];
        for (const t of at) await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at: t })], () => decision(true));
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at: T0 - 2 * DAY })], () => decision(true));
        const seen: Facts[] = [];
        const out = await s.messages.decideAndRecord(
          [item({ cp: cp.id, from: service, to }), item({ cp: cp.id, from: service, to }), item({ cp: cp.id, from: service, to: msisdn() })],
          (_, f) => { seen.push(f); return decision(true); },
        );
        assert.equal(out.length, 3);
        assert.deepEqual(seen[0].verificationSends, { minute: 1, hour: 2, day: 3 });
        assert.deepEqual(seen[1].verificationSends, { minute: 2, hour: 3, day: 4 });
        assert.deepEqual(seen[2].verificationSends, { minute: 0, hour: 0, day: 0 });
      });

      test('rejections are recorded but neither counted nor queued', async () => {
        const { cp, service } = await seedProvider(s);
        const to = msisdn();
        const [r] = await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to })], () => decision(false));
        assert.equal(r.decision.accepted, false);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to })], minuteLimit(1, seen));
        assert.equal(seen[0].verificationSends.minute, 0);
        assert.equal(await s.outbox.pendingCount(), 1);
        const view = await s.messages.getMessage(r.id);
        assert.equal(view?.decision, 'rejected');
        assert.equal(view?.status, 'rejected');
        assert.deepEqual(view?.history, []);
      });

      test('an unparseable number is recorded as given and never queued', async () => {
        const { cp, service } = await seedProvider(s);
        const [r] = await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: null })], () => decision(false));
        assert.equal((await s.messages.getMessage(r.id))?.to, 'garbage');
        assert.equal(await s.outbox.pendingCount(), 0);
      });

      test('commercial facts: opt-out, do-not-disturb, the live consent and its use this period', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const base = { id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 3, per: 'week' as const }, grantedAt: T0 - 10 * DAY, expiresAt: T0 + 10 * DAY, channel: 'http' as const, proof: { channel: 'web', reference: 'r1', capturedAt: '2026-11-01T00:00:00Z' }, withdrawnAt: null };
        await s.consents.grantConsent({ ...base, id: uid('con'), expiresAt: T0 - DAY, grantedAt: T0 - 40 * DAY });
        await s.consents.grantConsent(base);
        const withdrawn = uid('con');
        await s.consents.grantConsent({ ...base, id: withdrawn, expiresAt: T0 + 100 * DAY });
        assert.equal(await s.consents.withdrawConsent(withdrawn, cp.id, T0 - DAY, 'http'), true);
        const seen: Facts[] = [];
        const dec = (_: unknown, f: Facts) => { seen.push(f); return decision(true); };
        await s.messages.decideAndRecord([item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 - 8 * DAY })], dec);
        await s.messages.decideAndRecord([
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo' }),
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo' }),
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'other' }),
        ], dec);
        assert.equal(seen[1].consent?.id, base.id);
        assert.equal(seen[1].consent?.usedInPeriod, 0, 'a send 8 days ago is outside a weekly period');
        assert.equal(seen[2].consent?.usedInPeriod, 1, 'the earlier item of the batch counts');
        assert.deepEqual(seen[2].consent?.frequency, { count: 3, per: 'week' });
        assert.equal(seen[3].consent, null);
        assert.equal(seen[1].optedOut, false);
        assert.equal(seen[1].dnd, false);
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_1' });
        assert.equal(await s.consents.addDnd([to, to], T0 + 1, 'admin_1', 'miit'), 1);
        await s.messages.decideAndRecord([item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 + 2 })], dec);
        assert.equal(seen[4].optedOut, true);
        assert.equal(seen[4].dnd, true);
      });

      test('commercial facts: whether the consent was recorded with proof, live or expired, at decision and at send time (found 2026-12-07: never read, so cn-2026 let proof-less consents send)', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const grant = (category: string, proof: Record<string, unknown>, expiresAt = T0 + 10 * DAY) => s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: to, category, frequency: { count: 9, per: 'day' }, grantedAt: T0 - 20 * DAY, expiresAt, channel: 'http', proof, withdrawnAt: null });
        await grant('bare', {});
        await grant('api', { channel: 'web', reference: 'r1', capturedAt: '2026-11-01T00:00:00.000Z' });
        await grant('sms', { channel: 'sms', reference: 'creq_1/mo_1', requestId: 'creq_1' });
        await grant('bare-old', {}, T0 - DAY);
        await grant('api-old', { channel: 'web', reference: 'r2', capturedAt: '2026-11-01T00:00:00.000Z' }, T0 - DAY);
        const cats = ['bare', 'api', 'sms', 'bare-old', 'api-old'];
        const seen: Facts[] = [];
        await s.messages.decideAndRecord(cats.map((category) => item({ cp: cp.id, from: commercial, to, type: 'commercial', category })), (_, f) => { seen.push(f); return decision(false); });
        assert.deepEqual(seen.map((f) => f.consent?.hasProof), [false, true, true, false, true]);
        assert.deepEqual(seen.map((f) => f.consent !== null && f.consent.expiresAt > T0), [true, true, true, false, false], 'the expired ones are the facts of the last two');
        const st = await s.consents.sendTimeFacts(cats.map((category) => ({ contentProviderId: cp.id, msisdn: to, category })), T0);
        assert.deepEqual(st.map((f) => f.consent?.hasProof), [false, true, true, false, true]);
      });

      test('commercial facts: an opt-out carries the signatures it answered, read only when opted out (found 2026-12-06: PostgreSQL never read them)', async () => {
        // Without them a per-signature opt-out (optOutScope 'signature') from 【甲】 refused the
        // provider's messages under every signature on PostgreSQL (optOutApplies: absent = all).
        const { cp, commercial } = await seedProvider(s);
        const [a, b, none] = [msisdn(), msisdn(), msisdn()];
        await s.consents.optOut(cp.id, a, T0, 'sms', { moId: 'mo_1' }, { signature: '【甲】', endsRelationship: false });
        await s.consents.optOut(cp.id, b, T0, 'sms', { moId: 'mo_2' }, { signature: '【乙】', endsRelationship: false });
        await s.consents.optOut(cp.id, b, T0 + 1, 'sms', { moId: 'mo_3' });
        const seen: Facts[] = [];
        // One batch: each number gets its own signatures, not another's.
        await s.messages.decideAndRecord([a, b, none].map((to) => item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 + 2 })),
          (_, f) => { seen.push(f); return decision(false); });
        assert.equal(seen[0].optedOut, true);
        assert.deepEqual(seen[0].optOutSignatures, ['【甲】']);
        assert.deepEqual([...(seen[1].optOutSignatures ?? [])].sort(), ['*', '【乙】'], 'an opt-out of unknown signature is `*`');
        assert.equal(seen[2].optedOut, false);
        assert.equal('optOutSignatures' in seen[2], false, 'signatures only with an opt-out');
      });

      test('with no live consent the latest expired one is shown (the stage says consent_expired)', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const mk = (id: string, exp: number) => s.consents.grantConsent({ id, contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 1, per: 'day' }, grantedAt: T0 - 60 * DAY, expiresAt: exp, channel: 'http', proof: {}, withdrawnAt: null });
        await mk('con_old', T0 - 20 * DAY);
        await mk('con_recent', T0 - 2 * DAY);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo' })], (_, f) => { seen.push(f); return decision(false); });
        assert.equal(seen[0].consent?.id, 'con_recent');
      });

      test('the frequency counts every commercial send of the category in the period, whatever consent it went under; the latest grant governs (found by QA)', async () => {
        // Re-recording a consent with a later expiry reset the count (use was counted per consent id),
        // and of two live consents the one expiring last governed, not the user's latest agreement.
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const mk = (id: string, grantedAt: number, expiresAt: number, count: number, category = 'promo') => s.consents.grantConsent({ id, contentProviderId: cp.id, msisdn: to, category, frequency: { count, per: 'day' }, grantedAt, expiresAt, channel: 'http', proof: {}, withdrawnAt: null });
        const seen: Facts[] = [];
        const dec = (_: unknown, f: Facts) => { seen.push(f); return decision(true); };
        const send = (at: number, category = 'promo') => s.messages.decideAndRecord([item({ cp: cp.id, from: commercial, to, type: 'commercial', category, at })], dec);
        await mk('con_first', T0 - DAY, T0 + 30 * DAY, 1);
        await send(T0);
        await mk('con_again', T0 + 1, T0 + 31 * DAY, 1);
        await send(T0 + 2);
        assert.equal(seen[1].consent?.id, 'con_again', 'the consent granted last governs');
        assert.equal(seen[1].consent?.usedInPeriod, 1, 'the send under the earlier consent counts');
        // A later grant governs even when it expires first: 5 a day now, the 1-a-day consent still live.
        await mk('con_five', T0 + 3, T0 + 10 * DAY, 5);
        await s.messages.decideAndRecord([
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 + 4 }),
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 + 5 }),
        ], dec);
        assert.equal(seen[2].consent?.id, 'con_five');
        assert.deepEqual(seen[2].consent?.frequency, { count: 5, per: 'day' });
        assert.equal(seen[2].consent?.usedInPeriod, 2, 'both earlier sends, under other consents');
        assert.equal(seen[3].consent?.usedInPeriod, 3, 'the earlier item of the batch counts');
        // Another category has its own count; the next calendar day (Asia/Shanghai) has a count of its own.
        await mk('con_news', T0 + 6, T0 + 30 * DAY, 1, 'news');
        await send(T0 + 7, 'news');
        await mk('con_news_b', T0 + 8, T0 + 40 * DAY, 1, 'news');
        await send(T0 + 9, 'news');
        assert.equal(seen[4].consent?.usedInPeriod, 0);
        assert.equal(seen[5].consent?.usedInPeriod, 1);
        await send(T0 + DAY + 3);
        assert.equal(seen[6].consent?.usedInPeriod, 0, 'T0 is 30 November (Shanghai): none of its sends count on 1 December');
        await send(T0 + DAY + 4);
        assert.equal(seen[7].consent?.usedInPeriod, 1);
      });

      test('the frequency counts in the calendar day, week (Monday first) and month of Asia/Shanghai holding the send (found by the consent audit)', async () => {
        // A rolling 30-day month let a 1-a-month consent send on 1 and 31 January; a rolling day
        // refused a daily push run a little earlier than the day before.
        const { cp, commercial } = await seedProvider(s);
        const at = (x: string) => Date.parse(x);
        const used: Record<string, number[]> = { day: [], week: [], month: [] };
        for (const per of ['day', 'week', 'month'] as const) {
          const to = msisdn();
          await s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 9, per }, grantedAt: at('2026-12-01T00:00:00Z'), expiresAt: at('2027-06-01T00:00:00Z'), channel: 'http', proof: {}, withdrawnAt: null });
          const times = {
            day: ['2026-12-02T23:59:59+08:00', '2026-12-03T00:00:00+08:00', '2026-12-03T20:00:00+08:00'],
            week: ['2026-12-13T20:00:00+08:00', '2026-12-14T08:00:00+08:00', '2026-12-20T20:59:59+08:00'],
            month: ['2027-01-01T00:00:00+08:00', '2027-01-31T23:59:59+08:00', '2027-02-01T00:00:00+08:00'],
          }[per];
          for (const t of times) {
            await s.messages.decideAndRecord([item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: at(t) })], (_, f) => { used[per].push(f.consent?.usedInPeriod ?? -1); return decision(true); });
          }
        }
        assert.deepEqual(used, { day: [0, 0, 1], week: [0, 0, 1], month: [0, 1, 0] });
      });

      test('an opt-out that ends the relationship withdraws the live consents; after a lift only later ones count (found by QA)', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const mk = (id: string, grantedAt: number, category = 'promo') => s.consents.grantConsent({ id, contentProviderId: cp.id, msisdn: to, category, frequency: { count: 5, per: 'day' }, grantedAt, expiresAt: T0 + 30 * DAY, channel: 'http', proof: {}, withdrawnAt: null });
        await mk('con_before', T0 - DAY);
        await mk('con_before_news', T0 - DAY + 1, 'news');
        // A per-signature opt-out leaves the relationship and the consents alone (other signatures may still be sent).
        await s.consents.optOut(cp.id, to, T0, 'sms', { moId: 'mo_0' }, { signature: '【示例】', endsRelationship: false });
        assert.equal((await s.consents.getConsent('con_before'))?.withdrawnAt, null);
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_1' });
        assert.equal((await s.consents.getConsent('con_before'))?.withdrawnAt, T0 + 1);
        assert.equal((await s.consents.getConsent('con_before_news'))?.withdrawnAt, T0 + 1);
        await mk('con_during', T0 + 2, 'news');
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0 + 3, 'admin', { actor: 'admin_1' }), true);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 + 4 }),
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'news', at: T0 + 4 }),
        ], (_, f) => { seen.push(f); return decision(true); });
        assert.equal(seen[0].optedOut, false);
        assert.equal(seen[0].consent, null, 'the consent granted before the opt-out does not count');
        assert.equal(seen[1].consent?.id, 'con_during', 'one recorded while the opt-out stood counts');
        const sub = await s.consents.subscriber(to, cp.id);
        assert.deepEqual(sub.consents.map((c) => [c.id, c.withdrawnAt]), [['con_before', T0 + 1], ['con_before_news', T0 + 1], ['con_during', null]]);
        const withdrawn = sub.events.filter((e) => e.kind === 'consent_withdrawn');
        assert.deepEqual(withdrawn.map((e) => [e.at, e.evidence.consentId, e.evidence.reason]).sort(), [[T0 + 1, 'con_before', 'opt_out'], [T0 + 1, 'con_before_news', 'opt_out']]);
      });

      test('commercial facts: with no live or expired consent, the one withdrawn last (id, when, whether at the user\'s request), for consent_missing to name; not read otherwise', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const mk = (id: string, category: string, expiresAt = T0 + 30 * DAY) => s.consents.grantConsent({ id, contentProviderId: cp.id, msisdn: to, category, frequency: { count: 5, per: 'day' }, grantedAt: T0 - 2 * DAY, expiresAt, channel: 'http', proof: {}, withdrawnAt: null });
        const pr = uid('con'), pr2 = uid('con'), nw = uid('con'), ex = uid('con'), exw = uid('con');
        await mk(pr, 'promo');
        await mk(pr2, 'promo');
        await mk(nw, 'news');
        await mk(ex, 'old', T0 - DAY);
        await mk(exw, 'old');
        // promo: one withdrawn by the provider, the other later by the opt-out; news: by the user's request (proof)
        assert.equal(await s.consents.withdrawConsent(pr, cp.id, T0 - DAY, 'http'), true);
        assert.equal(await s.consents.withdrawConsent(nw, cp.id, T0 - DAY + 5, 'http', { channel: 'call-centre', reference: 't1', capturedAt: '2026-11-29T04:00:00.000Z' }), true);
        assert.equal(await s.consents.withdrawConsent(exw, cp.id, T0 - DAY + 6, 'http'), true);
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_1' });
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0 + 2, 'sms', { moId: 'mo_2' }), true);
        const seen: Facts[] = [];
        const it = (category: string) => item({ cp: cp.id, from: commercial, to, type: 'commercial', category, at: T0 + 3 });
        await s.messages.decideAndRecord([it('promo'), it('news'), it('old'), it('none')], (_, f) => { seen.push(f); return decision(false); });
        assert.equal(seen[0].consent, null);
        assert.deepEqual(seen[0].withdrawnConsent, { id: pr2, withdrawnAt: T0 + 1, byUser: false }, 'the opt-out withdrew it last');
        assert.deepEqual(seen[1].withdrawnConsent, { id: nw, withdrawnAt: T0 - DAY + 5, byUser: true });
        assert.equal(seen[2].consent?.id, ex, 'an expired consent is told instead');
        assert.equal(seen[2].withdrawnConsent, undefined);
        assert.equal(seen[3].withdrawnConsent, undefined, 'never any consent of the category');
        // a live consent: the accepted path reads no withdrawal
        await mk(uid('con'), 'promo');
        await s.messages.decideAndRecord([it('promo')], (_, f) => { seen.push(f); return decision(false); });
        assert.ok(seen[4].consent);
        assert.equal(seen[4].withdrawnConsent, undefined);
      });

      test('a message reads back with its decision, verdicts and status history', async () => {
        const { cp, service } = await seedProvider(s);
        const to = msisdn();
        const it = { ...item({ cp: cp.id, from: service, to }), clientRef: 'ref-1' };
        await s.messages.decideAndRecord([it], () => decision(true, '【示例】final'));
        const v = await s.messages.getMessage(it.id);
        assert.equal(v?.decision, 'accepted');
        assert.equal(v?.status, 'accepted');
        assert.equal(v?.text, '【示例】final');
        assert.equal(v?.clientRef, 'ref-1');
        assert.equal(v?.from, service);
        assert.equal(v?.to, to);
        assert.equal(v?.receivedAt, T0);
        assert.equal(v?.verdicts[0].rule, 'test.rule');
        assert.deepEqual(v?.history, [{ status: 'accepted', at: T0 }]);
        await s.outbox.recordStatuses([{ id: it.id, status: 'submitted', at: T0 + 5, upstreamId: 'UP1' }]);
        await s.outbox.recordStatuses([{ id: it.id, status: 'delivered', at: T0 + 9, detail: 'err:000' }]);
        const w = await s.messages.getMessage(it.id);
        assert.equal(w?.status, 'delivered');
        assert.deepEqual(w?.history, [{ status: 'accepted', at: T0 }, { status: 'submitted', at: T0 + 5 }, { status: 'delivered', at: T0 + 9, detail: 'err:000' }]);
        assert.equal(await s.messages.getMessage('msg_nope'), null);
      });

      test('several messages read back at once, in the order asked, each as getMessage gives it', async () => {
        const { cp, service } = await seedProvider(s);
        const a = { ...item({ cp: cp.id, from: service, to: msisdn() }), clientRef: 'ref-a' };
        const b = item({ cp: cp.id, from: service, to: msisdn() });
        const c = item({ cp: cp.id, from: service, to: msisdn() });
        await s.messages.decideAndRecord([a, b], () => decision(true, '【示例】final'));
        await s.messages.decideAndRecord([c], () => decision(false, '【示例】final'));
        await s.outbox.recordStatuses([{ id: a.id, status: 'submitted', at: T0 + 5, upstreamId: 'UPA' }]);
        await s.outbox.recordStatuses([{ id: a.id, status: 'delivered', at: T0 + 9, detail: 'err:000' }]);
        const views = await s.messages.getMessages([c.id, 'msg_nope', a.id, b.id]);
        assert.deepEqual(views, [await s.messages.getMessage(c.id), null, await s.messages.getMessage(a.id), await s.messages.getMessage(b.id)]);
        assert.deepEqual(views.map((v) => v?.status ?? null), ['rejected', null, 'delivered', 'accepted']);
        assert.deepEqual(views[2]?.history.map((h) => h.status), ['accepted', 'submitted', 'delivered'], 'each message its own statuses only');
        assert.equal(views[2]?.clientRef, 'ref-a');
        assert.deepEqual(await s.messages.getMessages([]), []);
      });

      test('system messages are queued and recorded but never charged to frequency', async () => {
        const { cp, service } = await seedProvider(s);
        const to = msisdn();
        await s.messages.recordSystemMessage({ id: 'msg_sys1', contentProviderId: cp.id, from: service, to, text: '【示例】已退订', type: 'notification', purpose: 'opt_out_confirmation', at: T0, charged: false });
        assert.equal((await s.messages.getMessage('msg_sys1'))?.status, 'accepted');
        const [m] = await s.outbox.claim(T0, 10, 60_000);
        assert.equal(m.id, 'msg_sys1');
        assert.equal(m.text, '【示例】已退订');
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to })], minuteLimit(1, seen));
        assert.equal(seen[0].verificationSends.minute, 0);
      });

      test('a system message on the operator account (no content provider) is queued, delivered and recorded under it', async () => {
        // The receipt for an SMS report (src/app/complaint-intake.ts): from the report port, which no provider owns.
        const to = msisdn();
        await s.messages.recordSystemMessage({ id: 'msg_op1', contentProviderId: OPERATOR_ACCOUNT_ID, from: '12321', to, text: '您的举报已受理', type: 'notification', purpose: 'complaint_receipt', at: T0, charged: false });
        const [m] = await s.outbox.claim(T0, 10, 60_000);
        assert.equal(m.id, 'msg_op1');
        assert.equal(m.contentProviderId, OPERATOR_ACCOUNT_ID);
        assert.equal(m.from, '12321');
        await s.outbox.recordStatuses([{ id: 'msg_op1', status: 'submitted', at: T0 + 5, upstreamId: 'UPOP1' }]);
        await s.outbox.recordStatuses([{ id: 'msg_op1', status: 'delivered', at: T0 + 9 }]);
        const v = await s.messages.getMessage('msg_op1');
        assert.equal(v?.contentProviderId, OPERATOR_ACCOUNT_ID);
        assert.equal(v?.status, 'delivered');
        const recs = (await s.records.queryRecords({ contentProviderId: OPERATOR_ACCOUNT_ID, limit: 10 })).records;
        assert.deepEqual(recs.map((r) => r.kind).sort(), ['mt', 'status', 'status']);
        assert.ok(recs.every((r) => r.msisdn === to));
        assert.equal(recs.find((r) => r.kind === 'mt')?.body.charged, false);
        assert.equal(await s.outbox.pendingCount(), 0);
      });

      test('concurrent decisions about one number never both take the last allowance', async () => {
        const { cp, service } = await seedProvider(s);
        const to = msisdn();
        const racers = 12;
        const results = await Promise.all(Array.from({ length: racers }, () => s.messages.decideAndRecord([item({ cp: cp.id, from: service, to })], minuteLimit(1))));
        assert.equal(results.flat().filter((r) => r.decision.accepted).length, 1);
        assert.equal(await s.outbox.pendingCount(), 1);
      });

      test('held messages page by keyset: one held after a page was read comes after it, one decided drops out, none repeats', async () => {
        const { cp, service } = await seedProvider(s);
        const [a, b] = [item({ cp: cp.id, from: service, to: msisdn(), at: T0 }), item({ cp: cp.id, from: service, to: msisdn(), at: T0 })];
        await s.messages.decideAndRecord([a, b], () => heldDecision());
        // the same heldAt: ordered by id
        const [first, second] = [a, b].sort((x, y) => (x.id < y.id ? -1 : 1));
        const page1 = await s.messages.listHeld({ contentProviderId: cp.id, limit: 1 });
        assert.deepEqual(page1.map((m) => m.id), [first.id]);
        const d = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 5 });
        await s.messages.decideAndRecord([d], () => heldDecision());
        assert.equal((await s.messages.resolveHeld(first.id, { action: 'reject', at: T0 + 6, actor: 'admin_1', reason: 'paging' }))?.id, first.id);
        const after = { at: page1[0].heldAt, id: page1[0].id };
        assert.deepEqual((await s.messages.listHeld({ contentProviderId: cp.id, limit: 1, after })).map((m) => m.id), [second.id]);
        assert.deepEqual((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10, after })).map((m) => m.id), [second.id, d.id]);
        assert.deepEqual(await s.messages.listHeld({ contentProviderId: cp.id, limit: 10, after: { at: T0 + 5, id: d.id } }), []);
      });

      test('held messages are recorded and counted, parked off the queue until released or rejected (once)', async () => {
        const { cp, service } = await seedProvider(s);
        const other = await seedProvider(s);
        const to = msisdn();
        const hold = heldDecision;
        const a = item({ cp: cp.id, from: service, to, at: T0 });
        const b = item({ cp: cp.id, from: service, to, at: T0 + 1 });
        const c = item({ cp: other.cp.id, from: other.service, to: msisdn(), at: T0 + 2 });
        const out = await s.messages.decideAndRecord([a, b, c], () => hold());
        assert.deepEqual(out.map((o) => [o.decision.accepted, o.decision.held]), [[false, true], [false, true], [false, true]]);
        // not due for egress, but counted against the frequency limits like an accepted message
        assert.equal(await s.outbox.pendingCount(), 0);
        assert.deepEqual(await s.outbox.claim(T0 + MIN, 10, 60_000), []);
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at: T0 + 3 })], (_, f) => { seen.push(f); return decision(false); });
        assert.equal(seen[0].verificationSends.minute, 2);

        const view = await s.messages.getMessage(a.id);
        assert.equal(view?.decision, 'held');
        assert.equal(view?.status, 'held');
        assert.equal(view?.text, '【示例】held text');
        assert.deepEqual(view?.history, [{ status: 'held', at: T0 }]);

        assert.deepEqual((await s.messages.listHeld({ limit: 10 })).map((m) => m.id), [a.id, b.id, c.id]);
        const mine = await s.messages.listHeld({ contentProviderId: cp.id, limit: 10 });
        assert.deepEqual(mine.map((m) => m.id), [a.id, b.id]);
        assert.deepEqual(mine[0], { id: a.id, contentProviderId: cp.id, from: service, to, text: '【示例】held text', registeredDelivery: false, heldAt: T0, clientRef: null });
        assert.deepEqual((await s.messages.listHeld({ limit: 1 })).map((m) => m.id), [a.id]);
        // keyset paging: past a page's last message (heldAt, then id), as the review queue's cursor reads on
        assert.deepEqual((await s.messages.listHeld({ contentProviderId: cp.id, limit: 1, after: { at: T0, id: a.id } })).map((m) => m.id), [b.id]);
        assert.deepEqual((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10, after: { at: T0 + 1, id: b.id } })), []);
        assert.deepEqual((await s.messages.listHeld({ limit: 10, after: { at: T0 + 1, id: b.id } })).map((m) => m.id), [c.id]);
        // a tie on heldAt is cut by the id: a position at a's time but before its id still has a
        assert.deepEqual((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10, after: { at: T0, id: '' } })).map((m) => m.id), [a.id, b.id]);

        // release: queued, due at the release, sent with its final text; history held → accepted
        const rel = await s.messages.resolveHeld(a.id, { action: 'release', at: T0 + 10 * MIN, actor: 'admin_1', reason: 'looks fine' });
        assert.equal(rel?.id, a.id);
        assert.equal(await s.outbox.pendingCount(), 1);
        assert.deepEqual(await s.outbox.claim(T0 + 10 * MIN - 1, 10, 60_000), [], 'not due before its release');
        const [m] = await s.outbox.claim(T0 + 10 * MIN, 10, 60_000);
        assert.deepEqual([m.id, m.text, m.to, m.from], [a.id, '【示例】held text', to, service]);
        await s.outbox.recordStatuses([{ id: a.id, status: 'submitted', at: T0 + 10 * MIN + 5, upstreamId: 'UPH1' }]);
        const released = await s.messages.getMessage(a.id);
        assert.equal(released?.status, 'submitted');
        assert.deepEqual(released?.history.map((h) => h.status), ['held', 'accepted', 'submitted']);
        assert.match(released?.history[1].detail ?? '', /released after review by admin_1: looks fine/);

        // reject: off for good; history held → rejected, with who and why
        assert.equal((await s.messages.resolveHeld(b.id, { action: 'reject', at: T0 + 11 * MIN, actor: 'admin_2', reason: 'spam' }))?.id, b.id);
        const rejected = await s.messages.getMessage(b.id);
        assert.equal(rejected?.status, 'rejected');
        assert.deepEqual(rejected?.history.map((h) => [h.status, h.detail]), [['held', undefined], ['rejected', 'rejected after review by admin_2: spam']]);
        assert.deepEqual(await s.outbox.claim(T0 + DAY, 10, 60_000), []);

        // the first decision wins; unknown ids and accepted messages are not held
        assert.equal(await s.messages.resolveHeld(a.id, { action: 'reject', at: T0 + 12 * MIN, actor: 'admin_2', reason: 'late' }), null);
        assert.equal(await s.messages.resolveHeld(b.id, { action: 'release', at: T0 + 12 * MIN, actor: 'admin_2', reason: 'late' }), null);
        assert.equal(await s.messages.resolveHeld('msg_nope', { action: 'release', at: T0 + 12 * MIN, actor: 'admin_2', reason: 'x' }), null);
        assert.deepEqual((await s.messages.listHeld({ limit: 10 })).map((m) => m.id), [c.id]);
        const held = (await s.records.queryRecords({ contentProviderId: cp.id, limit: 20 })).records.filter((r) => r.kind === 'mt' && (r.body as { decision: string }).decision === 'held');
        assert.equal(held.length, 2);
        assert.equal((held[0].body as { code: string }).code, 'held_for_review');
      });

      test('a long message\'s earlier part ids name it, for its own provider only, whatever was decided; filed in the decision\'s transaction, none without part ids', async () => {
        const a = await seedProvider(s);
        const b = await seedProvider(s);
        const smpp = (cp: string, from: string, at: number, clientPartIds?: string[]) => ({ ...item({ cp, from, to: msisdn(), at }), channel: 'smpp' as const, ...(clientPartIds ? { clientPartIds } : {}) });
        const long = smpp(a.cp.id, a.service, T0, ['kannel1p1.1', 'kannel1p1.2']);
        const refused = smpp(a.cp.id, a.service, T0 + 1, ['kannel1p1.4']);
        const short = smpp(a.cp.id, a.service, T0 + 2);
        await s.messages.decideAndRecord([long, refused, short], (it) => decision(it.id !== refused.id));
        const named = (cp: string, ids: string[]) => Promise.all(ids.map((id) => s.messages.messageOfPart(cp, id)));
        assert.deepEqual(await named(a.cp.id, ['kannel1p1.1', 'kannel1p1.2', 'kannel1p1.4']), [long.id, long.id, refused.id]);
        assert.deepEqual(await named(a.cp.id, [long.id, short.id, refused.id, 'kannel1p1.3']), [null, null, null, null], 'a message id is no part id; an unknown one names nothing');
        assert.deepEqual(await named(b.cp.id, ['kannel1p1.1', 'kannel1p1.4']), [null, null], 'another provider\'s part ids name nothing');
        // the same spelling from another provider's sender is that provider's own
        const theirs = smpp(b.cp.id, b.service, T0 + 3, ['kannel1p1.1']);
        await s.messages.decideAndRecord([theirs], () => decision(true));
        assert.deepEqual([await s.messages.messageOfPart(b.cp.id, 'kannel1p1.1'), await s.messages.messageOfPart(a.cp.id, 'kannel1p1.1')], [theirs.id, long.id]);
        // a batch whose judging fails files none of its part ids (the decisions were not recorded either)
        const lost = smpp(a.cp.id, a.service, T0 + 4, ['kannel1p1.5']);
        await assert.rejects(s.messages.decideAndRecord([lost, smpp(a.cp.id, a.service, T0 + 5)], (it) => {
          if (it.id !== lost.id) throw new Error('judge failed');
          return decision(true);
        }));
        assert.equal(await s.messages.messageOfPart(a.cp.id, 'kannel1p1.5'), null);
        assert.equal(await s.messages.getMessage(lost.id), null);
      });
    });

    describe('outbox', () => {
      async function queued(n: number, at = T0) {
        const { cp, service } = await seedProvider(s);
        const items = Array.from({ length: n }, (_, i) => item({ cp: cp.id, from: service, to: msisdn(), at: at + i }));
        await s.messages.decideAndRecord(items, () => decision(true));
        return items.map((i) => i.id);
      }

      test('claims due messages oldest first under a lease; an expired lease frees them again', async () => {
        const ids = await queued(3);
        assert.equal(await s.outbox.pendingCount(), 3);
        assert.deepEqual(await s.outbox.claim(T0 - 1, 10, 60_000), [], 'not due before acceptance');
        const a = await s.outbox.claim(T0 + 10, 2, 60_000);
        assert.deepEqual(a.map((m) => m.id), ids.slice(0, 2));
        assert.equal(a[0].attempts, 1);
        assert.equal(a[0].registeredDelivery, false);
        const b = await s.outbox.claim(T0 + 10, 10, 60_000);
        assert.deepEqual(b.map((m) => m.id), [ids[2]]);
        assert.deepEqual(await s.outbox.claim(T0 + 20, 10, 60_000), []);
        const c = await s.outbox.claim(T0 + 70_011, 10, 60_000);
        assert.deepEqual(c.map((m) => m.id).sort(), [...ids].sort());
      });

      test('a decision that completes a provider\'s kept long message drops its kept parts in the same transaction, whatever it decides', async () => {
        const { cp, service } = await seedProvider(s);
        const part = (setKey: string, seq: number) => ({ setKey, seq, total: 3, octets: Buffer.from([0x4f, 0x60 + seq]), dataCoding: 8, partId: `${setKey}-${seq}`, registeredDelivery: 1, at: T0 + seq });
        const [a, b, c] = [`${cp.id}|x|1`, `${cp.id}|x|2`, `${cp.id}|x|3`];
        await h.smppDeliveries.keepParts([part(a, 1), part(a, 2), part(b, 1), part(c, 1)]);
        const accepted = { ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 10 }), keptPartsKey: a };
        const rejected = { ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 11 }), keptPartsKey: b };
        await s.messages.decideAndRecord([accepted, rejected], (it) => decision(it.id === accepted.id));
        assert.deepEqual((await h.smppDeliveries.openParts()).map((p) => p.setKey), [c], 'only the set no decision completed is still kept');
        // a failed decision transaction keeps them (the set is still undecided)
        await assert.rejects(s.messages.decideAndRecord([{ ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 12 }), keptPartsKey: c }], () => { throw new Error('judge failed'); }));
        assert.deepEqual((await h.smppDeliveries.openParts()).map((p) => p.setKey), [c]);
      });

      test('with batches out, a claim hands over the next unleased messages whole, in due order', async () => {
        const ids = await queued(5);
        const first = await s.outbox.claim(T0 + 10, 2, 60_000);
        assert.deepEqual(first.map((m) => m.id), ids.slice(0, 2));
        const second = await s.outbox.claim(T0 + 10, 2, 60_000);
        assert.deepEqual(second.map((m) => m.id), ids.slice(2, 4));
        assert.deepEqual(second.map((m) => [m.text, m.attempts, m.from.length > 0, m.to.length > 0]), [[first[0].text, 1, true, true], [first[0].text, 1, true, true]]);
        // the first batch's statuses are in: those leave the queue; the rest stay out under lease
        await s.outbox.recordStatuses(first.map((m) => ({ id: m.id, status: 'submitted' as const, at: T0 + 11, upstreamId: `UP_${m.id}` })));
        assert.deepEqual((await s.outbox.claim(T0 + 12, 10, 60_000)).map((m) => m.id), [ids[4]]);
        // one of the second batch is to be tried again later: due then, and claimed again
        await s.outbox.retryLater(second[0], T0 + 1_000, 'busy');
        assert.deepEqual(await s.outbox.claim(T0 + 999, 10, 60_000), []);
        assert.deepEqual((await s.outbox.claim(T0 + 1_000, 10, 60_000)).map((m) => [m.id, m.attempts]), [[ids[2], 2]]);
      });

      test('with batches out, nothing due is skipped: equal times, an expired lease, an early retry, arrivals stamped earlier', async () => {
        const { cp, service } = await seedProvider(s);
        const at = (t: number, n: number) => Array.from({ length: n }, () => item({ cp: cp.id, from: service, to: msisdn(), at: t }));
        // five at the same instant, claimed two by two with the others out
        const same = at(T0, 5);
        await s.messages.decideAndRecord(same, () => decision(true));
        const got: OutboundMessage[] = [];
        for (let i = 0; i < 3; i++) got.push(...await s.outbox.claim(T0 + 1, 2, 60_000));
        assert.deepEqual(got.map((m) => m.id), same.map((m) => m.id), 'in order, each once');
        // one retried before where the claims stopped, with the rest still out
        await s.outbox.retryLater(got[1], T0 + 2, 'busy');
        assert.deepEqual((await s.outbox.claim(T0 + 2, 10, 60_000)).map((m) => m.id), [same[1].id]);
        // a message stamped before where the claims stopped (another clock, a clock set back)
        const early = at(T0 - 5_000, 1);
        await s.messages.decideAndRecord(early, () => decision(true));
        const later = at(T0 + 3, 1);
        await s.messages.decideAndRecord(later, () => decision(true));
        const found = new Set<string>();
        for (const t of [T0 + 3, T0 + 1_500, T0 + 3_000]) for (const m of await s.outbox.claim(t, 10, 60_000)) found.add(m.id);
        assert.deepEqual([...found].sort(), [early[0].id, later[0].id].sort(), 'within a second or two, both');
        // leases run out: every message not yet submitted is claimed again
        const again = await s.outbox.claim(T0 + 120_000, 100, 60_000);
        assert.deepEqual(again.map((m) => m.id).sort(), [...same, ...early, ...later].map((m) => m.id).sort());
      });

      test('lanes: a due verification code is claimed before 1,000 commercial messages due earlier, each message once', async () => {
        const { cp, service } = await seedProvider(s);
        const ad = (t: number) => item({ cp: cp.id, from: service, to: msisdn(), at: t, type: 'commercial', category: 'promo', text: '【示例】会员日八折拒收请回复R' });
        const backlog = Array.from({ length: 1000 }, (_, i) => ad(T0 + i));
        await s.messages.decideAndRecord(backlog, () => decision(true));
        const code = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2_000 });
        await s.messages.decideAndRecord([code], () => decision(true));
        const first = await s.outbox.claim(T0 + 2_000, 10, 60_000);
        assert.deepEqual(first.map((m) => m.id), [code.id, ...backlog.slice(0, 9).map((m) => m.id)], 'the code first, then the backlog oldest first');
        assert.deepEqual(first.map((m) => m.priority), [0, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
        // with that batch out, a notification and another code come in: the next claim takes them
        // ahead of the rest of the backlog (a claim reading on from where the last one stopped)
        const note = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2_001, type: 'notification' });
        const welfare = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2_002, type: 'public_welfare' });
        const code2 = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2_003 });
        await s.messages.decideAndRecord([note, welfare, code2], () => decision(true));
        const second = await s.outbox.claim(T0 + 2_003, 5, 60_000);
        assert.deepEqual(second.map((m) => m.id), [code2.id, note.id, welfare.id, backlog[9].id, backlog[10].id]);
        // an express claim beside the batches out takes only the lanes asked for
        const code3 = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2_004 });
        await s.messages.decideAndRecord([code3], () => decision(true));
        assert.deepEqual((await s.outbox.claim(T0 + 2_004, 100, 60_000, 1)).map((m) => m.id), [code3.id]);
        assert.deepEqual(await s.outbox.claim(T0 + 2_004, 100, 60_000, 1), [], 'nothing of lanes 0 and 1 is left');
        // a code retried later goes back into its lane: due again, it is claimed before the backlog
        await s.outbox.retryLater(first[0], T0 + 2_100, 'busy');
        const third = await s.outbox.claim(T0 + 2_100, 3, 60_000);
        assert.deepEqual(third.map((m) => [m.id, m.attempts]), [[code.id, 2], [backlog[11].id, 1], [backlog[12].id, 1]]);
        // the rest of the backlog, each message once
        const rest: string[] = [];
        for (let batch = await s.outbox.claim(T0 + 2_100, 400, 60_000); batch.length > 0; batch = await s.outbox.claim(T0 + 2_100, 400, 60_000)) rest.push(...batch.map((m) => m.id));
        assert.deepEqual(rest, backlog.slice(13).map((m) => m.id));
      });

      test('lanes: a scheduled code waits for its time, then goes before the commercial backlog', async () => {
        const { cp, service } = await seedProvider(s);
        const ads = Array.from({ length: 20 }, (_, i) => item({ cp: cp.id, from: service, to: msisdn(), at: T0 + i, type: 'commercial', category: 'promo' }));
        await s.messages.decideAndRecord(ads, () => decision(true));
        const code = { ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 50 }), scheduledAt: T0 + MIN };
        await s.messages.decideAndRecord([code], () => decision(true));
        assert.deepEqual((await s.outbox.claim(T0 + 100, 5, 60_000)).map((m) => m.id), ads.slice(0, 5).map((m) => m.id), 'not due yet: the backlog goes');
        assert.deepEqual((await s.outbox.claim(T0 + MIN, 5, 60_000)).map((m) => m.id), [code.id, ...ads.slice(5, 9).map((m) => m.id)]);
      });

      test('pendingCount: every queued message; with dueBy only those due by then (a graceful stop\'s drain waits for no scheduled one)', async () => {
        const { cp, service } = await seedProvider(s);
        const by = T0 + 365 * 24 * 3_600_000;
        const before = [await s.outbox.pendingCount(), await s.outbox.pendingCount(by)];
        const now = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 1 });
        const later = { ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2 }), scheduledAt: by + MIN };
        await s.messages.decideAndRecord([now, later], () => decision(true));
        assert.deepEqual([await s.outbox.pendingCount(), await s.outbox.pendingCount(by)], [before[0] + 2, before[1] + 1]);
      });

      test('a claim that stops at its limit leaves the rest for the very next claim, with batches out', async () => {
        const { cp, service } = await seedProvider(s);
        const at = (t: number) => item({ cp: cp.id, from: service, to: msisdn(), at: t });
        const [a, b] = [at(T0 + 5), at(T0 + 6)];
        await s.messages.decideAndRecord([a, b], () => decision(true));
        assert.deepEqual((await s.outbox.claim(T0 + 10, 10, 60_000)).map((m) => m.id), [a.id, b.id]);
        // three stamped before those (another clock), while a and b are out
        const early = [at(T0), at(T0 + 1), at(T0 + 2)];
        await s.messages.decideAndRecord(early, () => decision(true));
        assert.deepEqual((await s.outbox.claim(T0 + 1_010, 2, 60_000)).map((m) => m.id), [early[0].id, early[1].id]);
        assert.deepEqual((await s.outbox.claim(T0 + 1_011, 2, 60_000)).map((m) => m.id), [early[2].id], 'not left until a later read from the start');
      });

      test('registered_delivery comes back as submitted: none, every final status, failure only (also after a hold)', async () => {
        const { cp, service } = await seedProvider(s);
        const wants = [false, true, 'failure'] as const;
        const items = wants.map((rd, i) => ({ ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + i }), registeredDelivery: rd }));
        await s.messages.decideAndRecord(items, () => decision(true));
        const claimed = await s.outbox.claim(T0 + 10, 10, 60_000);
        assert.deepEqual(items.map((it) => claimed.find((m) => m.id === it.id)?.registeredDelivery), [false, true, 'failure']);
        const h = { ...item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 5 }), registeredDelivery: 'failure' as const };
        await s.messages.decideAndRecord([h], () => heldDecision('【示例】held'));
        assert.equal((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10 }))[0].registeredDelivery, true, 'the review list says a receipt is wanted');
        await s.messages.resolveHeld(h.id, { action: 'release', at: T0 + 20, actor: 'admin_1', reason: 'ok' });
        const [released] = await s.outbox.claim(T0 + 20, 10, 60_000);
        assert.deepEqual([released.id, released.registeredDelivery], [h.id, 'failure']);
      });

      test('final statuses leave the queue; repeats and backward moves are ignored', async () => {
        const [id] = await queued(1);
        await s.outbox.claim(T0, 10, 60_000);
        const ch = await s.outbox.recordStatuses([{ id, status: 'submitted', at: T0 + 1, upstreamId: 'UPX' }, { id, status: 'submitted', at: T0 + 2 }, { id: 'msg_nope', status: 'submitted', at: T0 }]);
        assert.equal(ch.length, 1);
        assert.equal(await s.outbox.pendingCount(), 0);
        assert.deepEqual(await s.outbox.findByUpstreamId('UPX'), { id, status: 'submitted' });
        assert.equal(await s.outbox.findByUpstreamId('UPY'), null);
        assert.equal((await s.outbox.recordStatuses([{ id, status: 'delivered', at: T0 + 3 }])).length, 1);
        assert.equal((await s.outbox.recordStatuses([{ id, status: 'submitted', at: T0 + 4 }])).length, 0);
        assert.deepEqual((await s.messages.getMessage(id))?.history.map((x) => x.status), ['accepted', 'submitted', 'delivered']);
        assert.deepEqual(await s.outbox.claim(T0 + 10 * MIN, 10, 60_000), []);
      });

      test('status records name the message\'s provider and number, whichever way the move came', async () => {
        // a: claimed, then submitted (the lease knows its row), receipted, and the receipt repeated;
        // b: never claimed, moved by id (failed), then a move the order refuses
        const [a, b] = await queued(2);
        const [ma] = await s.outbox.claim(T0 + 5, 1, 60_000);
        assert.equal(ma.id, a);
        await s.outbox.recordStatuses([{ id: a, status: 'submitted', at: T0 + 6, upstreamId: 'OW-A' }, { id: b, status: 'failed', at: T0 + 6, detail: 'no route' }]);
        await s.outbox.recordStatuses([{ id: b, status: 'submitted', at: T0 + 7, upstreamId: 'OW-B' }]);
        const r = await s.outbox.applyReceipts([{ upstreamId: 'OW-A', status: 'delivered', at: T0 + 8 }, { upstreamId: 'OW-A', status: 'delivered', at: T0 + 9 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[a, 'delivered']]);
        for (const [id, statuses] of [[a, ['submitted', 'delivered']], [b, ['failed']]] as const) {
          const m = (await s.messages.getMessage(id))!;
          assert.deepEqual(m.history.map((x) => x.status), ['accepted', ...statuses]);
          const recs = (await s.records.queryRecords({ msisdn: m.to, limit: 10 })).records.filter((x) => x.kind === 'status');
          assert.deepEqual(recs.map((x) => x.id).sort(), statuses.map((st) => `${id}:${st}`).sort());
          for (const x of recs) assert.deepEqual([x.contentProviderId, x.msisdn], [m.contentProviderId, m.to]);
        }
      });

      test('an SMSC id used again (a restarted SMSC counting from 1 again): the receipt goes to the message still waiting for one, the newest first', async () => {
        const [old, fresh, other] = await queued(3);
        await s.outbox.recordStatuses([{ id: old, status: 'submitted', at: T0 + 1, upstreamId: 'RE-1' }]);
        assert.deepEqual((await s.outbox.applyReceipts([{ upstreamId: 'RE-1', status: 'delivered', at: T0 + 2 }])).changed.map((u) => u.id), [old]);
        // the same id given again to a later message, after the first one's receipt
        await s.outbox.recordStatuses([{ id: fresh, status: 'submitted', at: T0 + 3, upstreamId: 'RE-1' }]);
        assert.deepEqual(await s.outbox.findByUpstreamId('RE-1'), { id: fresh, status: 'submitted' });
        const r = await s.outbox.applyReceipts([{ upstreamId: 'RE-1', status: 'delivered', at: T0 + 4 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[fresh, 'delivered']]);
        assert.deepEqual(r.unknown, []);
        assert.deepEqual((await s.messages.getMessage(fresh))?.history.map((x) => x.status), ['accepted', 'submitted', 'delivered']);
        // both final now: a repeat changes nothing, and finds the newest
        assert.deepEqual((await s.outbox.applyReceipts([{ upstreamId: 'RE-1', status: 'delivered', at: T0 + 5 }])).changed, []);
        assert.deepEqual(await s.outbox.findByUpstreamId('RE-1'), { id: fresh, status: 'delivered' });
        // two waiting under one id (the first's receipt lost): the newer is taken first
        await s.outbox.recordStatuses([{ id: other, status: 'submitted', at: T0 + 6, upstreamId: 'RE-1' }]);
        assert.deepEqual((await s.outbox.applyReceipts([{ upstreamId: 'RE-1', status: 'undeliverable', at: T0 + 7 }])).changed.map((u) => u.id), [other]);
      });

      test('a batch\'s submitted statuses with receipts for them in the same call end as the same moves in two calls would', async () => {
        // per set: a, c claimed; d and e never claimed (no lease); b failed before its submitted
        // arrives; e's next update is a final status that also sets an upstream id, then a receipt.
        // Set one gets every move in one call (an SMSC that answered and reported at once), set two
        // the same moves in two calls.
        const run = async (oneCall: boolean, tag: string) => {
          const ids = await queued(5);
          const [a, b, c, d, e] = ids;
          await s.outbox.claim(T0 + 5, 3, 60_000);
          await s.outbox.recordStatuses([{ id: b, status: 'failed', at: T0 + 5, detail: 'no route' }]);
          const submitted: StatusUpdate[] = ids.map((id, i) => ({ id, status: 'submitted', at: T0 + 6, upstreamId: `${tag}-${i}` }));
          const receipts: StatusUpdate[] = [
            { id: a, status: 'delivered', at: T0 + 9 }, { id: b, status: 'delivered', at: T0 + 9 }, { id: c, status: 'undeliverable', at: T0 + 9, detail: 'err:001' },
            { id: d, status: 'delivered', at: T0 + 9 }, { id: e, status: 'undeliverable', at: T0 + 8, upstreamId: `${tag}-x` }, { id: e, status: 'delivered', at: T0 + 9 },
          ];
          const changed = oneCall ? await s.outbox.recordStatuses([...submitted, ...receipts]) : [...(await s.outbox.recordStatuses(submitted)), ...(await s.outbox.recordStatuses(receipts))];
          const views = await Promise.all(ids.map(async (id) => {
            const m = (await s.messages.getMessage(id))!;
            const recs = (await s.records.queryRecords({ msisdn: m.to, limit: 10 })).records.filter((x) => x.kind === 'status').reverse();
            return { history: m.history, records: recs.map((x) => [x.id.slice(id.length), x.contentProviderId === m.contentProviderId, x.msisdn === m.to, (x.body as { upstreamId?: string }).upstreamId?.slice(tag.length)]) };
          }));
          const rows = await Promise.all(['-0', '-1', '-2', '-3', '-4', '-x'].map(async (k) => (await s.outbox.findByUpstreamId(`${tag}${k}`))?.status ?? null));
          return { changed: changed.map((u) => [ids.indexOf(u.id), u.status]), views, rows, pending: await s.outbox.pendingCount() };
        };
        const one = await run(true, 'F1');
        assert.deepEqual(one.changed, [[0, 'submitted'], [2, 'submitted'], [3, 'submitted'], [4, 'submitted'], [0, 'delivered'], [1, 'delivered'], [2, 'undeliverable'], [3, 'delivered'], [4, 'undeliverable'], [4, 'delivered']]);
        assert.deepEqual(one.rows, ['delivered', null, 'undeliverable', 'delivered', null, 'delivered']);
        assert.deepEqual(one.views[0].records, [[':submitted', true, true, '-0'], [':delivered', true, true, undefined]]);
        assert.equal(one.views[2].history.at(-1)?.detail, 'err:001');
        assert.equal(one.pending, 0);
        assert.deepEqual(await run(false, 'F2'), one);
      });

      test('receipts resolve upstream ids; unknown ones come back', async () => {
        const [a, b] = await queued(2);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        await s.outbox.recordStatuses([{ id: a, status: 'submitted', at: T0 + 6, upstreamId: 'U-A' }, { id: b, status: 'submitted', at: T0 + 6, upstreamId: 'U-B' }]);
        const r = await s.outbox.applyReceipts([
          { upstreamId: 'U-A', status: 'delivered', at: T0 + 7 },
          { upstreamId: 'U-B', status: 'undeliverable', at: T0 + 7, detail: 'err:001' },
          { upstreamId: 'U-A', status: 'delivered', at: T0 + 8 },
          { upstreamId: 'U-C', status: 'delivered', at: T0 + 8 },
        ]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[a, 'delivered'], [b, 'undeliverable']]);
        assert.deepEqual(r.unknown.map((u) => u.upstreamId), ['U-C']);
        assert.equal((await s.messages.getMessage(b))?.history.at(-1)?.detail, 'err:001');
      });

      test('a long message: each part\'s receipt is kept with its part; the message moves once every part has one', async () => {
        const [a, b, c] = await queued(3);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        await s.outbox.recordStatuses([
          { id: a, status: 'submitted', at: T0 + 6, upstreamId: 'LA-1', partIds: ['LA-1', 'LA-2', 'LA-3'] },
          { id: b, status: 'submitted', at: T0 + 6, upstreamId: 'LB-1', partIds: ['LB-1', 'LB-2'] },
          { id: c, status: 'submitted', at: T0 + 6, upstreamId: 'SC' },
        ]);
        // the first part's receipt alone (its id is also the message's upstream id) moves nothing
        let r = await s.outbox.applyReceipts([{ upstreamId: 'LA-1', status: 'delivered', at: T0 + 7 }, { upstreamId: 'LB-2', status: 'undeliverable', at: T0 + 7, detail: 'err:001' }, { upstreamId: 'SC', status: 'delivered', at: T0 + 7 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[c, 'delivered']]);
        assert.deepEqual(r.unknown, []);
        assert.equal((await s.outbox.findByUpstreamId('LA-1'))?.status, 'submitted');
        // a repeat of a part's receipt changes nothing, and is not unknown
        r = await s.outbox.applyReceipts([{ upstreamId: 'LA-1', status: 'undeliverable', at: T0 + 8 }, { upstreamId: 'LA-2', status: 'delivered', at: T0 + 8 }, { upstreamId: 'LA-2', status: 'delivered', at: T0 + 8 }]);
        assert.deepEqual([r.changed, r.unknown], [[], []]);
        // a state on the way (ACCEPTD → submitted) says nothing of the part's outcome
        r = await s.outbox.applyReceipts([{ upstreamId: 'LA-3', status: 'submitted', at: T0 + 9 }]);
        assert.deepEqual(r.changed, []);
        r = await s.outbox.applyReceipts([{ upstreamId: 'LA-3', status: 'delivered', at: T0 + 9 }, { upstreamId: 'LB-1', status: 'delivered', at: T0 + 9 }]);
        // every part delivered → delivered; a part not delivered → that part's status and detail
        assert.deepEqual(r.changed.map((u) => [u.id, u.status, u.detail]), [[a, 'delivered', undefined], [b, 'undeliverable', 'err:001']]);
        assert.deepEqual((await s.messages.getMessage(a))?.history.map((x) => x.status), ['accepted', 'submitted', 'delivered']);
        assert.equal((await s.messages.getMessage(b))?.history.at(-1)?.detail, 'err:001');
        // the submitted record names every part's SMSC id
        const rec = (await s.records.queryRecords({ msisdn: (await s.messages.getMessage(a))!.to, limit: 10 })).records.find((x) => x.kind === 'status' && x.id === `${a}:submitted` && (x.body as { status?: string }).status === 'submitted');
        assert.deepEqual((rec?.body as { partIds?: string[] }).partIds, ['LA-1', 'LA-2', 'LA-3']);
        // later repeats of any part change nothing (the message does not move between final statuses)
        r = await s.outbox.applyReceipts([{ upstreamId: 'LB-1', status: 'delivered', at: T0 + 10 }, { upstreamId: 'LB-2', status: 'delivered', at: T0 + 10 }]);
        assert.deepEqual([r.changed, r.unknown], [[], []]);
        assert.equal((await s.outbox.findByUpstreamId('LB-1'))?.status, 'undeliverable');
      });

      test('a long message\'s part SMSC ids used again (a restarted SMSC): each part\'s receipt goes to the part still waiting for one, the newest first', async () => {
        const [old, fresh, later] = await queued(3);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        // the old message's second part never gets its receipt (lost); then the SMSC restarts and numbers from 1 again
        await s.outbox.recordStatuses([{ id: old, status: 'submitted', at: T0 + 6, upstreamId: 'PR-1', partIds: ['PR-1', 'PR-2'] }]);
        let r = await s.outbox.applyReceipts([{ upstreamId: 'PR-1', status: 'delivered', at: T0 + 7 }]);
        assert.deepEqual([r.changed, r.unknown], [[], []]);
        await s.outbox.recordStatuses([{ id: fresh, status: 'submitted', at: T0 + 8, upstreamId: 'PR-1', partIds: ['PR-1', 'PR-2'] }]);
        // PR-2 names a part of both, each waiting: the newer message's
        r = await s.outbox.applyReceipts([{ upstreamId: 'PR-2', status: 'delivered', at: T0 + 9 }, { upstreamId: 'PR-1', status: 'delivered', at: T0 + 9 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[fresh, 'delivered']]);
        assert.deepEqual(r.unknown, []);
        assert.deepEqual((await s.messages.getMessage(fresh))?.history.map((x) => x.status), ['accepted', 'submitted', 'delivered']);
        assert.deepEqual((await s.messages.getMessage(old))?.history.map((x) => x.status), ['accepted', 'submitted'], 'the old message still waits for its lost part');
        // PR-1 of each has its receipt: a repeat changes nothing
        r = await s.outbox.applyReceipts([{ upstreamId: 'PR-1', status: 'undeliverable', at: T0 + 10 }]);
        assert.deepEqual([r.changed, r.unknown], [[], []]);
        // a third message under the same ids, filed later: its parts are taken before the old one's
        await s.outbox.recordStatuses([{ id: later, status: 'submitted', at: T0 + 11, upstreamId: 'PR-1', partIds: ['PR-1', 'PR-2'] }]);
        r = await s.outbox.applyReceipts([{ upstreamId: 'PR-2', status: 'undeliverable', at: T0 + 12, detail: 'err:001' }, { upstreamId: 'PR-1', status: 'delivered', at: T0 + 12 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status, u.detail]), [[later, 'undeliverable', 'err:001']]);
        r = await s.outbox.applyReceipts([{ upstreamId: 'PR-2', status: 'delivered', at: T0 + 13 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[old, 'delivered']]);
      });

      test('resolveUpstreamId: the first spelling on file, of a message or of a long message\'s part', async () => {
        const [a, b] = await queued(2);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        await s.outbox.recordStatuses([
          { id: a, status: 'submitted', at: T0 + 6, upstreamId: '0000ABC1' },
          { id: b, status: 'submitted', at: T0 + 6, upstreamId: 'RB-1', partIds: ['RB-1', '00ff'] },
        ]);
        assert.equal(await s.outbox.resolveUpstreamId(['abc1', 'ABC1', '0000ABC1', '0000abc1']), '0000ABC1');
        assert.equal(await s.outbox.resolveUpstreamId(['ff', '255', '00ff', '0000ABC1']), '00ff', 'a part, before a later spelling');
        assert.equal(await s.outbox.resolveUpstreamId(['nope', '0000abc1']), null, 'exact matches only');
        assert.equal(await s.outbox.resolveUpstreamId([]), null);
        // the receipt applied under the spelling found moves the message
        const r = await s.outbox.applyReceipts([{ upstreamId: '0000ABC1', status: 'delivered', at: T0 + 7 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[a, 'delivered']]);
      });

      test('a long message\'s part receipts that come before its submitted status are unknown until then', async () => {
        const [a] = await queued(1);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        let r = await s.outbox.applyReceipts([{ upstreamId: 'EA-2', status: 'delivered', at: T0 + 6 }]);
        assert.deepEqual(r.unknown.map((u) => u.upstreamId), ['EA-2']);
        await s.outbox.recordStatuses([{ id: a, status: 'submitted', at: T0 + 6, upstreamId: 'EA-1', partIds: ['EA-1', 'EA-2'] }]);
        r = await s.outbox.applyReceipts([{ upstreamId: 'EA-2', status: 'delivered', at: T0 + 7 }, { upstreamId: 'EA-1', status: 'delivered', at: T0 + 7 }]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[a, 'delivered']]);
      });

      test('a released claim is due again at once, its attempt not counted; one already recorded stays done', async () => {
        const ids = await queued(3);
        const claimed = await s.outbox.claim(T0 + 5, 10, 60_000);
        assert.deepEqual(claimed.map((m) => [m.id, m.attempts]), ids.map((id) => [id, 1]));
        await s.outbox.recordStatuses([{ id: ids[0], status: 'submitted', at: T0 + 6, upstreamId: 'REL-1' }]);
        await s.outbox.release(claimed);
        // at the same instant, long before the lease would have run out
        const again = await s.outbox.claim(T0 + 7, 10, 60_000);
        assert.deepEqual(again.map((m) => [m.id, m.attempts]), [[ids[1], 1], [ids[2], 1]]);
        await s.outbox.release([]);
        assert.equal(await s.outbox.pendingCount(), 2);
      });

      test('a release after the lease ran out leaves alone the claim another worker took since', async () => {
        const [id, other] = await queued(2);
        // worker A claims; its stop takes longer than the lease, and worker B claims the message then
        const a = await s.outbox.claim(T0 + 5, 1, 60_000);
        assert.deepEqual(a.map((m) => m.id), [id]);
        const b = await s.outbox.claim(T0 + 5 + 60_000, 1, 60_000);
        assert.deepEqual(b.map((m) => m.id), [id], 'A\'s lease ran out');
        assert.ok(b[0].attempts >= a[0].attempts);
        // A gives back what it claimed: B's claim stands, so nobody else is handed the message while B sends it
        await s.outbox.release(a);
        assert.deepEqual((await s.outbox.claim(T0 + 6 + 60_000, 10, 60_000)).map((m) => m.id), [other]);
        // B's own release still gives it back, due at once, the attempt B's claim counted taken back
        await s.outbox.release(b);
        const again = await s.outbox.claim(T0 + 7 + 60_000, 10, 60_000);
        assert.deepEqual(again.map((m) => [m.id, m.attempts]), [[id, b[0].attempts]]);
        // a message not from a claim (no lease end) names no claim: nothing given back
        await s.outbox.release(again.map(({ leasedUntil: _, ...m }) => m));
        assert.deepEqual(await s.outbox.claim(T0 + 8 + 60_000, 10, 60_000), []);
      });

      test('a renewed claim keeps its message past the first lease; the claim is named by the new end', async () => {
        const [id, other] = await queued(2);
        const a = await s.outbox.claim(T0 + 5, 1, 60_000);
        assert.deepEqual(a.map((m) => m.id), [id]);
        // still sending 40 s on: the lease moves to 60 s from then
        const until = T0 + 40_005 + 60_000;
        assert.deepEqual(await s.outbox.renew(a, until), [id]);
        // after the first lease's end another worker is not handed it (only the other message)
        assert.deepEqual((await s.outbox.claim(T0 + 5 + 60_000, 10, 60_000)).map((m) => m.id), [other]);
        // named by the old end the claim no longer stands: nothing renewed, no retry applied
        assert.deepEqual(await s.outbox.renew(a, until + 1), []);
        await s.outbox.retryLater(a[0], T0 + 70_000, 'throttled');
        assert.deepEqual(await s.outbox.claim(T0 + 70_000, 10, 60_000), [], 'the renewed lease still holds it');
        // named by the new end: the retry applies, due at its time
        await s.outbox.retryLater({ ...a[0], leasedUntil: until }, T0 + 80_000, 'throttled');
        assert.deepEqual((await s.outbox.claim(T0 + 80_000, 10, 60_000)).map((m) => m.id), [id]);
        await s.outbox.renew([], until);
      });

      test('a renewal leaves alone a claim taken since, a message recorded since and one never claimed', async () => {
        const [id, done, free] = await queued(3);
        const a = await s.outbox.claim(T0 + 5, 2, 60_000);
        assert.deepEqual(a.map((m) => m.id), [id, done]);
        await s.outbox.recordStatuses([{ id: done, status: 'submitted', at: T0 + 6, upstreamId: 'RN-1' }]);
        // A's lease ran out unrenewed and worker B claimed the message (with the third)
        const b = await s.outbox.claim(T0 + 5 + 60_000, 10, 60_000);
        assert.deepEqual(b.map((m) => m.id), [id, free]);
        assert.deepEqual(await s.outbox.renew(a, T0 + 6 + 60_000 + 60_000), [], 'A holds nothing now');
        // B's claim stands with its own end: it runs out when B's lease does
        assert.deepEqual((await s.outbox.claim(T0 + 4 + 120_000, 10, 60_000)).map((m) => m.id), []);
        assert.deepEqual((await s.outbox.claim(T0 + 5 + 120_000, 10, 60_000)).map((m) => m.id), [id, free]);
        // a message not from a claim (no lease end) names no claim
        const { leasedUntil: _, ...bare } = b[0];
        assert.deepEqual(await s.outbox.renew([bare], T0 + 500_000), []);
      });

      test('a retry after the lease ran out leaves alone the claim another worker took since', async () => {
        const [id, other] = await queued(2);
        // worker A claims; its submit fails only after the lease ran out, and worker B claimed the message then
        const a = await s.outbox.claim(T0 + 5, 1, 60_000);
        assert.deepEqual(a.map((m) => m.id), [id]);
        const b = await s.outbox.claim(T0 + 5 + 60_000, 1, 60_000);
        assert.deepEqual(b.map((m) => m.id), [id], 'A\'s lease ran out');
        // A's retry: B's claim stands, so the message is neither rescheduled nor handed to anyone else while B sends it
        await s.outbox.retryLater(a[0], T0 + 6 + 60_000, 'link down', { ref: 1, partIds: ['A1', null] });
        assert.deepEqual((await s.outbox.claim(T0 + 7 + 60_000, 10, 60_000)).map((m) => m.id), [other]);
        // B's own retry applies: due at its time, an attempt more, without A's parts
        await s.outbox.retryLater(b[0], T0 + 10_000 + 60_000, 'throttled');
        assert.deepEqual(await s.outbox.claim(T0 + 9_999 + 60_000, 10, 60_000), []);
        const again = await s.outbox.claim(T0 + 10_000 + 60_000, 10, 60_000);
        assert.deepEqual(again.map((m) => [m.id, m.partial]), [[id, undefined]]);
        assert.ok(again[0].attempts > b[0].attempts);
        // a message not from a claim (no lease end) names no claim: not rescheduled, due again once the lease ends
        const { leasedUntil: _, ...unclaimed } = again[0];
        await s.outbox.retryLater(unclaimed, T0 + 10 * 60_000, 'throttled');
        assert.deepEqual((await s.outbox.claim(T0 + 10_000 + 120_000, 10, 60_000)).map((m) => m.id).sort(), [id, other].sort());
      });

      test('a cancel overrides only the claim its holder gave up (evenIfClaimedBy): one taken since, given back or run out, answers claimed', async () => {
        const [given, back, renewed, lapsed] = await queued(4);
        // batch A claims all four; a cancel finds each claimed
        const a = await s.outbox.claim(T0 + 5, 4, 60_000);
        assert.deepEqual(a.map((m) => m.id), [given, back, renewed, lapsed]);
        const of = (id: string) => a.find((m) => m.id === id)!;
        assert.equal(await s.outbox.cancel(given, null, T0 + 6, 'x'), 'claimed');
        // A gave `given` up and kept its claim: the cancel naming that claim goes through, once
        assert.equal(await s.outbox.cancel(given, null, T0 + 6, 'cancelled by test', { evenIfClaimedBy: of(given) }), 'cancelled');
        assert.equal(await s.outbox.cancel(given, null, T0 + 7, 'x', { evenIfClaimedBy: of(given) }), 'final');
        assert.deepEqual((await s.messages.getMessage(given))?.history.at(-1), { status: 'cancelled', at: T0 + 6, detail: 'cancelled by test' });
        // another message's claim is not this one's
        assert.equal(await s.outbox.cancel(back, null, T0 + 7, 'x', { evenIfClaimedBy: of(renewed) }), 'claimed');
        // `back` went back to the queue (a stop) and batch B claimed it before the cancel came: B may be
        // writing it, and naming A's claim, given back, does not override B's
        await s.outbox.release([of(back)]);
        const b = await s.outbox.claim(T0 + 8, 10, 60_000);
        assert.deepEqual(b.map((m) => m.id), [back]);
        assert.equal(await s.outbox.cancel(back, null, T0 + 9, 'x', { evenIfClaimedBy: of(back) }), 'claimed');
        // once B gave it back too, nobody holds it: cancelled as any waiting message, whatever claim is named
        await s.outbox.release(b);
        assert.equal(await s.outbox.cancel(back, null, T0 + 10, 'cancelled by test', { evenIfClaimedBy: of(back) }), 'cancelled');
        // a renewed claim is named by its new end (as release and retryLater name it), not the first one
        const until = T0 + 40_005 + 60_000;
        assert.deepEqual(await s.outbox.renew([of(renewed)], until), [renewed]);
        assert.equal(await s.outbox.cancel(renewed, null, T0 + 40_006, 'x', { evenIfClaimedBy: of(renewed) }), 'claimed');
        assert.equal(await s.outbox.cancel(renewed, null, T0 + 40_006, 'x', { evenIfClaimedBy: { ...of(renewed), leasedUntil: until } }), 'cancelled');
        // A's lease on `lapsed` ran out and batch C claimed it: C's claim stands, A's no longer does
        const c = await s.outbox.claim(T0 + 5 + 60_000, 10, 60_000);
        assert.deepEqual(c.map((m) => m.id), [lapsed]);
        assert.equal(await s.outbox.cancel(lapsed, null, T0 + 6 + 60_000, 'x', { evenIfClaimedBy: of(lapsed) }), 'claimed');
        assert.equal((await s.messages.getMessage(lapsed))?.status, 'accepted');
        // and C's own give-up would have let it go
        assert.equal(await s.outbox.cancel(lapsed, null, T0 + 7 + 60_000, 'x', { evenIfClaimedBy: c[0] }), 'cancelled');
        assert.equal(await s.outbox.pendingCount(), 0);
      });

      test('a message written to the carrier (submitted) is cancelled only with atCarrier; its carrier ids in part order; no receipt moves it out of cancelled', async () => {
        const [short, long, kept] = await queued(3);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        await s.outbox.recordStatuses([
          { id: short, status: 'submitted', at: T0 + 6, upstreamId: 'CS-1' },
          { id: long, status: 'submitted', at: T0 + 6, upstreamId: 'CL-1', partIds: ['CL-1', 'CL-2'] },
          { id: kept, status: 'submitted', at: T0 + 6, upstreamId: 'CK-1' },
        ]);
        assert.deepEqual(await s.outbox.upstreamIdsOf(short), ['CS-1']);
        assert.deepEqual(await s.outbox.upstreamIdsOf(long), ['CL-1', 'CL-2']);
        assert.deepEqual(await s.outbox.upstreamIdsOf('no-such-message'), []);
        // without the carrier's word a submitted message is beyond the store's reach, as before
        assert.equal(await s.outbox.cancel(short, null, T0 + 7, 'x'), 'final');
        assert.equal(await s.outbox.cancel(short, 'someone-else', T0 + 7, 'x', { atCarrier: true }), 'unknown');
        assert.equal(await s.outbox.cancel(short, null, T0 + 7, 'cancelled at the carrier', { atCarrier: true }), 'cancelled');
        assert.equal(await s.outbox.cancel(long, null, T0 + 7, 'cancelled at the carrier', { atCarrier: true }), 'cancelled');
        assert.equal(await s.outbox.cancel(short, null, T0 + 8, 'x', { atCarrier: true }), 'final', 'once');
        assert.deepEqual((await s.messages.getMessage(short))?.history.map((x) => x.status), ['accepted', 'submitted', 'cancelled']);
        // a carrier's receipt that comes later (DELETED reads as undeliverable; a misbehaving SMSC's
        // DELIVRD; a long message's parts) leaves it cancelled; another message's receipt still counts
        const r = await s.outbox.applyReceipts([
          { upstreamId: 'CS-1', status: 'undeliverable', at: T0 + 9, detail: 'stat:DELETED' },
          { upstreamId: 'CS-1', status: 'delivered', at: T0 + 9 },
          { upstreamId: 'CL-1', status: 'delivered', at: T0 + 9 },
          { upstreamId: 'CL-2', status: 'delivered', at: T0 + 9 },
          { upstreamId: 'CK-1', status: 'delivered', at: T0 + 9 },
        ]);
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[kept, 'delivered']]);
        assert.equal((await s.messages.getMessage(short))?.status, 'cancelled');
        assert.equal((await s.messages.getMessage(long))?.status, 'cancelled');
        // a final status stays final: delivered is not cancelled, even with atCarrier
        assert.equal(await s.outbox.cancel(kept, null, T0 + 10, 'x', { atCarrier: true }), 'final');
      });

      test('noteSubmitted: a note repeating submitted while it is submitted (the status stays), none once final or for an unknown id', async () => {
        const [long] = await queued(1);
        await s.outbox.claim(T0 + 5, 10, 60_000);
        await s.outbox.recordStatuses([{ id: long, status: 'submitted', at: T0 + 6, upstreamId: 'NL-1', partIds: ['NL-1', 'NL-2', 'NL-3'] }]);
        const note = 'cancel at the carrier: part 1 of 3 cancelled; part 2 refused (c: ESME_RCANCELFAIL); part 3 not asked (asked by tok_x)';
        assert.equal(await s.outbox.noteSubmitted(long, T0 + 7, note, `${long}:carrier-cancel:1`), true);
        assert.equal(await s.outbox.noteSubmitted(long, T0 + 7, 'again', `${long}:carrier-cancel:2`), true, 'a second note, under its own record id');
        let v = await s.messages.getMessage(long);
        assert.equal(v?.status, 'submitted');
        assert.deepEqual(v?.history.slice(1), [{ status: 'submitted', at: T0 + 6 }, { status: 'submitted', at: T0 + 7, detail: note }, { status: 'submitted', at: T0 + 7, detail: 'again' }]);
        assert.deepEqual(await s.outbox.upstreamIdsOf(long), ['NL-1', 'NL-2', 'NL-3'], 'the parts on file unchanged');
        assert.equal(await s.outbox.pendingCount(), 0, 'not queued again');
        // the parts still arriving move it as usual, after the notes
        const r = await s.outbox.applyReceipts(['NL-1', 'NL-2', 'NL-3'].map((upstreamId) => ({ upstreamId, status: 'delivered' as const, at: T0 + 9 })));
        assert.deepEqual(r.changed.map((u) => [u.id, u.status]), [[long, 'delivered']]);
        assert.equal(await s.outbox.noteSubmitted(long, T0 + 10, 'late', `${long}:carrier-cancel:3`), false, 'final: nothing noted');
        v = await s.messages.getMessage(long);
        assert.equal(v?.status, 'delivered');
        assert.deepEqual(v?.history.map((h) => h.status), ['accepted', 'submitted', 'submitted', 'submitted', 'delivered']);
        assert.equal(await s.outbox.noteSubmitted('no-such-message', T0 + 10, 'x', 'no-such-message:carrier-cancel:1'), false);
        const [waiting] = await queued(1);
        assert.equal(await s.outbox.noteSubmitted(waiting, T0 + 10, 'x', `${waiting}:carrier-cancel:1`), false, 'not written to the carrier: nothing noted');
        assert.equal((await s.messages.getMessage(waiting))?.history.length, 1);
      });

      test('a retry is not due before its time', async () => {
        const [id] = await queued(1);
        const [m] = await s.outbox.claim(T0, 1, 60_000);
        await s.outbox.retryLater(m, T0 + 30_000, 'throttled');
        assert.deepEqual(await s.outbox.claim(T0 + 29_999, 10, 60_000), []);
        const [again] = await s.outbox.claim(T0 + 30_000, 10, 60_000);
        assert.equal(again.id, id);
        assert.ok(again.attempts > m.attempts);
        assert.equal(await s.outbox.pendingCount(), 1);
      });

      test('a retry keeps the parts the SMSC already took (partial) until the next attempt replaces it or the message is sent', async () => {
        const [id] = await queued(1);
        const [m] = await s.outbox.claim(T0, 1, 60_000);
        assert.equal(m.partial, undefined);
        await s.outbox.retryLater(m, T0 + 1_000, 'queue full', { ref: 7, partIds: ['A1', null, null] });
        const [again] = await s.outbox.claim(T0 + 1_000, 10, 60_000);
        assert.deepEqual(again.partial, { ref: 7, partIds: ['A1', null, null] });
        await s.outbox.retryLater(again, T0 + 2_000, 'queue full', { ref: 7, partIds: ['A1', 'A2', null] });
        const [third] = await s.outbox.claim(T0 + 2_000, 10, 60_000);
        assert.deepEqual(third.partial, { ref: 7, partIds: ['A1', 'A2', null] }, 'the latest attempt\'s');
        // a retry with nothing taken clears it
        await s.outbox.retryLater(third, T0 + 3_000, 'link down');
        const [fourth] = await s.outbox.claim(T0 + 3_000, 10, 60_000);
        assert.equal(fourth.partial, undefined);
        await s.outbox.retryLater(fourth, T0 + 4_000, 'queue full', { ref: 9, partIds: ['B1', null] });
        await s.outbox.recordStatuses([{ id, status: 'submitted', at: T0 + 4_000, upstreamId: 'B1' }]);
        assert.equal(await s.outbox.pendingCount(), 0);
      });
    });

    describe('housekeeping of operational rows', () => {
      test('prune takes status rows that are no longer work and old counters, in chunks, and nothing else', async () => {
        const { cp, service } = await seedProvider(s);
        const to = msisdn();
        const old = [item({ cp: cp.id, from: service, to, at: T0 }), item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 1 }), item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 2 })];
        await s.messages.decideAndRecord(old, () => decision(true));
        await s.outbox.claim(T0 + 10, 2, 60_000);
        // two delivered long ago; the third is still queued (work)
        await s.outbox.recordStatuses([{ id: old[0].id, status: 'submitted', at: T0 + 20, upstreamId: 'UP0' }, { id: old[1].id, status: 'submitted', at: T0 + 20 }]);
        await s.outbox.recordStatuses([{ id: old[0].id, status: 'delivered', at: T0 + 30 }, { id: old[1].id, status: 'delivered', at: T0 + 30 }]);
        const fresh = item({ cp: cp.id, from: service, to, at: T0 + 40 * DAY });
        await s.messages.decideAndRecord([fresh], () => decision(true));

        const cut = { statusBefore: T0 + DAY, sendsBefore: T0 + DAY, verificationSendsBefore: T0 + DAY };
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 1 }), { statuses: 1, sends: 1, parts: 0 }, 'a chunk is at most `limit` of each');
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 10 }), { statuses: 1, sends: 2, parts: 0 });
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 10 }), { statuses: 0, sends: 0, parts: 0 });
        assert.equal(await s.outbox.pendingCount(), 2, 'the still-queued old message and the fresh one stay');
        assert.equal(await s.outbox.findByUpstreamId('UP0'), null, 'the delivered message left');
        // The counter of the fresh send still counts: the facts of a next verification to the same number see it.
        const seen: Facts[] = [];
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at: T0 + 40 * DAY + 1 })], minuteLimit(5, seen));
        assert.equal(seen[0].verificationSends.minute, 1);
        // The statutory records are not operational state: all still there.
        const recs = await s.records.queryRecords({ msisdn: to, limit: 100 });
        assert.ok(recs.records.filter((r) => r.kind === 'mt').length >= 2);
      });

      test('verification counters go after their own cut, commercial ones only after the month cut', async () => {
        const { cp, service, commercial } = await seedProvider(s);
        const to = msisdn();
        await s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 9, per: 'month' }, grantedAt: T0 - 60 * DAY, expiresAt: T0 + 60 * DAY, channel: 'http', proof: {}, withdrawnAt: null });
        await s.messages.decideAndRecord([
          item({ cp: cp.id, from: service, to, at: T0 }),
          item({ cp: cp.id, from: service, to, at: T0 + 1 }),
          item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at: T0 + 2 }),
        ], () => decision(true));
        const seen: Facts[] = [];
        const probe = async (at: number) => {
          await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at }), item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', at })], (_, f) => { seen.push(f); return decision(false); });
          return { verification: seen.at(-2)!.verificationSends.day, commercial: seen.at(-1)!.consent?.usedInPeriod };
        };
        assert.deepEqual(await probe(T0 + 3), { verification: 2, commercial: 1 });
        // Verification rows before T0 + 2 go; the commercial row (and anything newer) stays.
        const cut = { statusBefore: T0 - DAY, sendsBefore: T0 - DAY, verificationSendsBefore: T0 + 2 };
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 1 }), { statuses: 0, sends: 1, parts: 0 }, 'at most `limit` counter rows a chunk');
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 10 }), { statuses: 0, sends: 1, parts: 0 });
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 10 }), { statuses: 0, sends: 0, parts: 0 });
        assert.deepEqual(await probe(T0 + 4), { verification: 0, commercial: 1 });
      });

      test('a long message\'s part ids go with its status row, a refused message\'s after the same cut; those of a message still queued or finished since stay', async () => {
        const { cp, service } = await seedProvider(s);
        const smpp = (at: number, clientPartIds: string[]) => ({ ...item({ cp: cp.id, from: service, to: msisdn(), at }), channel: 'smpp' as const, clientPartIds });
        const done = smpp(T0, ['p.d1', 'p.d2', 'p.d3']);
        const refused = smpp(T0 + 1, ['p.r1']);
        const queued = smpp(T0 + 2, ['p.q1']);
        const late = smpp(T0 + 3, ['p.l1']);
        await s.messages.decideAndRecord([done, refused, queued, late], (it) => decision(it.id !== refused.id));
        await s.outbox.claim(T0 + 10, 10, 60_000);
        await s.outbox.recordStatuses([{ id: done.id, status: 'submitted', at: T0 + 20 }, { id: late.id, status: 'submitted', at: T0 + 20 }]);
        // done delivered long ago; late only after the cut (its status row stays)
        await s.outbox.recordStatuses([{ id: done.id, status: 'delivered', at: T0 + 30 }, { id: late.id, status: 'delivered', at: T0 + 2 * DAY }]);
        const cut = { statusBefore: T0 + DAY, sendsBefore: T0 - DAY, verificationSendsBefore: T0 - DAY };
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 2 }), { statuses: 1, sends: 0, parts: 2 }, 'at most `limit` part ids a chunk');
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 10 }), { statuses: 0, sends: 0, parts: 2 });
        assert.deepEqual(await s.messages.prune({ ...cut, limit: 10 }), { statuses: 0, sends: 0, parts: 0 });
        const named = await Promise.all(['p.d1', 'p.d2', 'p.d3', 'p.r1', 'p.q1', 'p.l1'].map((id) => s.messages.messageOfPart(cp.id, id)));
        assert.deepEqual(named, [null, null, null, null, queued.id, late.id]);
      });
    });

    describe('consents and refusals', () => {
      test('grant, read back, withdraw once, only by the owner; each step is a subscription record', async () => {
        const { cp } = await seedProvider(s);
        const other = await seedProvider(s);
        const to = msisdn();
        const row = { id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 2, per: 'month' as const }, grantedAt: T0, expiresAt: T0 + 30 * DAY, channel: 'http' as const, proof: { channel: 'web', reference: 'ref', capturedAt: '2026-11-30T00:00:00.000Z' }, withdrawnAt: null };
        await s.consents.grantConsent(row);
        assert.deepEqual(await s.consents.getConsent(row.id), row);
        assert.equal(await s.consents.getConsent('con_nope'), null);
        assert.equal(await s.consents.withdrawConsent(row.id, other.cp.id, T0 + 1, 'http'), false);
        assert.equal(await s.consents.withdrawConsent(row.id, cp.id, T0 + 2, 'http'), true);
        assert.equal(await s.consents.withdrawConsent(row.id, cp.id, T0 + 3, 'http'), false);
        assert.equal((await s.consents.getConsent(row.id))?.withdrawnAt, T0 + 2);
        const ev = await s.consents.subscriptionEvents(to, cp.id);
        assert.deepEqual(ev.map((e) => e.kind).filter((k) => k === 'consent_granted' || k === 'consent_withdrawn'), ['consent_granted', 'consent_withdrawn']);
        assert.equal(ev[0].evidence.consentId, row.id);
      });

      test('a withdrawal with proof of how the user refused keeps it in its record; one without keeps {consentId, category} alone', async () => {
        const { cp } = await seedProvider(s);
        const to = msisdn();
        const grant = (id: string) => s.consents.grantConsent({ id, contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 2, per: 'month' }, grantedAt: T0, expiresAt: T0 + 30 * DAY, channel: 'http', proof: {}, withdrawnAt: null });
        const [a, b] = [uid('con'), uid('con')];
        await grant(a);
        await grant(b);
        const proof = { channel: 'call-centre', reference: 'ticket 4711', capturedAt: '2026-11-30T03:50:00.000Z' };
        assert.equal(await s.consents.withdrawConsent(a, cp.id, T0 + 1, 'http', proof), true);
        assert.equal(await s.consents.withdrawConsent(b, cp.id, T0 + 2, 'http'), true);
        const byConsent = (d: { kind: string; evidence: Record<string, unknown> }[], id: string) => d.filter((e) => e.kind === 'consent_withdrawn' && e.evidence.consentId === id).map((e) => e.evidence);
        const ev = await s.consents.subscriptionEvents(to, cp.id);
        assert.deepEqual(byConsent(ev, a), [{ consentId: a, category: 'promo', proof }]);
        assert.deepEqual(byConsent(ev, b), [{ consentId: b, category: 'promo' }]);
        // the subscriber's data carries the same records (the views read the withdrawal from them)
        assert.deepEqual(byConsent((await s.consents.subscriber(to)).events, a), [{ consentId: a, category: 'promo', proof }]);
      });

      test('opt-outs and the do-not-disturb list are kept and recorded', async () => {
        const { cp } = await seedProvider(s);
        const to = msisdn();
        assert.equal(await s.consents.isOptedOut(cp.id, to), false);
        await s.consents.optOut(cp.id, to, T0, 'sms', { moId: 'mo_1', text: 'TD' });
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_2', text: 'T' });
        assert.equal(await s.consents.isOptedOut(cp.id, to), true);
        const other = msisdn();
        assert.equal(await s.consents.addDnd([to, other], T0, 'admin_1', 'list-1'), 2);
        assert.equal(await s.consents.addDnd([to], T0, 'admin_1', 'list-2'), 0);
        const ev = await s.consents.subscriptionEvents(to);
        assert.equal(ev.filter((e) => e.kind === 'opt_out').length, 2);
        assert.equal(ev.filter((e) => e.kind === 'dnd_added').length, 1);
        assert.equal(ev.find((e) => e.kind === 'opt_out')?.evidence.moId, 'mo_1');
      });

      test('the do-not-disturb list: one entry, keyset pages in (at, msisdn) order, removal recorded (dnd_removed, audit dnd.remove) and binding the next decision; an opt-out stays', async () => {
        const { cp, commercial } = await seedProvider(s);
        const [a, b, c, d] = [msisdn(), msisdn(), msisdn(), msisdn()].sort();
        // b and d listed at T0 (d first in the import), a and c a minute later
        assert.equal(await s.consents.addDnd([d, b], T0, 'admin_1', 'list-1'), 2);
        assert.equal(await s.consents.addDnd([c, a], T0 + MIN, 'admin_1', 'list-2'), 2);
        assert.deepEqual(await s.consents.dndEntry(b), { msisdn: b, at: T0, source: 'list-1' });
        assert.equal(await s.consents.dndEntry(msisdn()), null);
        const first = await s.consents.listDnd({ limit: 3 });
        assert.deepEqual(first, [{ msisdn: b, at: T0, source: 'list-1' }, { msisdn: d, at: T0, source: 'list-1' }, { msisdn: a, at: T0 + MIN, source: 'list-2' }]);
        assert.deepEqual((await s.consents.listDnd({ limit: 3, after: { at: T0, id: d } })).map((e) => e.msisdn), [a, c]);
        assert.deepEqual((await s.consents.listDnd({ limit: 3, after: { at: T0 + MIN, id: c } })), []);

        // d opted out of the provider itself, and has a live consent
        await s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: d, category: 'promo', frequency: { count: 3, per: 'week' }, grantedAt: T0 - DAY, expiresAt: T0 + 10 * DAY, channel: 'http', proof: { channel: 'web', reference: 'r1', capturedAt: '2026-11-01T00:00:00Z' }, withdrawnAt: null });
        await s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: b, category: 'promo', frequency: { count: 3, per: 'week' }, grantedAt: T0 - DAY, expiresAt: T0 + 10 * DAY, channel: 'http', proof: { channel: 'web', reference: 'r2', capturedAt: '2026-11-01T00:00:00Z' }, withdrawnAt: null });
        await s.consents.optOut(cp.id, d, T0 + 1, 'sms', { moId: 'mo_1', text: 'TD' });

        assert.deepEqual(await s.consents.removeDnd(b, T0 + 2 * MIN, 'admin_2', 'imported by mistake'), { msisdn: b, at: T0, source: 'list-1' });
        assert.deepEqual(await s.consents.removeDnd(d, T0 + 2 * MIN, 'admin_2', 'owner asked'), { msisdn: d, at: T0, source: 'list-1' });
        assert.equal(await s.consents.removeDnd(b, T0 + 3 * MIN, 'admin_2', 'again'), null);
        const never = msisdn();
        assert.equal(await s.consents.removeDnd(never, T0 + 3 * MIN, 'admin_2', 'never listed'), null);
        assert.equal(await s.consents.dndEntry(b), null);
        assert.deepEqual((await s.consents.listDnd({ limit: 10 })).map((e) => e.msisdn), [a, c]);

        // the statutory record and the audit record, once each; nothing for a number not listed
        const removed = (await s.consents.subscriptionEvents(b)).filter((e) => e.kind === 'dnd_removed');
        assert.equal(removed.length, 1);
        assert.deepEqual([removed[0].at, removed[0].contentProviderId, removed[0].channel, removed[0].evidence], [T0 + 2 * MIN, null, 'admin', { actor: 'admin_2', reason: 'imported by mistake', source: 'list-1', listedAt: new Date(T0).toISOString() }]);
        const audit = (await s.records.queryRecords({ msisdn: b, limit: 50 })).records.filter((r) => r.kind === 'audit');
        assert.deepEqual(audit.map((r) => [r.at, r.msisdn, r.body]), [[T0 + 2 * MIN, b, { action: 'dnd.remove', msisdn: b, actor: 'admin_2', reason: 'imported by mistake', source: 'list-1', listedAt: new Date(T0).toISOString() }]]);
        assert.deepEqual((await s.records.queryRecords({ msisdn: never, limit: 50 })).records, []);

        // the next decision: b is no longer refused by the list; d still by its own opt-out
        const seen: Facts[] = [];
        const dec = (_: unknown, f: Facts) => { seen.push(f); return decision(true); };
        await s.messages.decideAndRecord([
          item({ cp: cp.id, from: commercial, to: b, type: 'commercial', category: 'promo', at: T0 + 3 * MIN }),
          item({ cp: cp.id, from: commercial, to: d, type: 'commercial', category: 'promo', at: T0 + 3 * MIN }),
          item({ cp: cp.id, from: commercial, to: a, type: 'commercial', category: 'promo', at: T0 + 3 * MIN }),
        ], dec);
        assert.deepEqual(seen.map((f) => [f.dnd, f.optedOut]), [[false, false], [false, true], [true, false]]);
        assert.equal(await s.consents.isOptedOut(cp.id, d), true);
        const st = await s.consents.sendTimeFacts([{ contentProviderId: cp.id, msisdn: b, category: 'promo' }, { contentProviderId: cp.id, msisdn: d, category: 'promo' }], T0 + 3 * MIN);
        assert.deepEqual(st.map((f) => [f.dnd, f.optedOut]), [[false, false], [false, true]]);
        assert.equal((await s.consents.subscriber(b)).dnd, null);

        // listed again: a new entry, a new dnd_added
        assert.equal(await s.consents.addDnd([b], T0 + 4 * MIN, 'admin_1', 'list-3'), 1);
        assert.deepEqual(await s.consents.dndEntry(b), { msisdn: b, at: T0 + 4 * MIN, source: 'list-3' });
        assert.deepEqual((await s.consents.subscriptionEvents(b)).filter((e) => e.kind.startsWith('dnd_')).map((e) => e.kind), ['dnd_added', 'dnd_removed', 'dnd_added']);
      });

      test('an opt-out lifted (every signature it covered) is recorded as opt_in; lifting twice is refused', async () => {
        const { cp } = await seedProvider(s);
        const to = msisdn();
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0, 'admin', { actor: 'admin_1' }), false);
        await s.consents.optOut(cp.id, to, T0, 'sms', { moId: 'mo_1' }, { signature: '【示例】', endsRelationship: false });
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_2' });
        assert.equal((await s.consents.subscriber(to)).optOuts.length, 1);
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0 + 2, 'admin', { actor: 'admin_1', reason: 'asked by phone' }), true);
        assert.equal(await s.consents.isOptedOut(cp.id, to), false);
        assert.deepEqual((await s.consents.subscriber(to)).optOuts, []);
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0 + 3, 'admin', { actor: 'admin_1' }), false);
        const ev = (await s.consents.subscriptionEvents(to)).filter((e) => e.kind === 'opt_in');
        assert.equal(ev.length, 1);
        assert.equal(ev[0].at, T0 + 2);
        assert.equal(ev[0].evidence.reason, 'asked by phone');
      });

      test('a lift by reply records the reply (MO, action opt_in) with the lift, and nothing when there is nothing to lift', async () => {
        const { cp } = await seedProvider(s);
        const to = msisdn();
        const mo = (id: string, at: number) => ({ id, at, from: to, to: '10690002', text: '订阅', contentProviderId: cp.id, action: 'opt_in' });
        const evidence = (id: string, at: number) => ({ reason: 'resubscribe_reply', moId: id, request: { channel: 'sms', reference: id, capturedAt: new Date(at).toISOString() } });
        const moRecords = async () => (await s.records.queryRecords({ msisdn: to, limit: 50 })).records.filter((r) => r.kind === 'mo');
        const none = uid('mo');
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0, 'sms', evidence(none, T0), mo(none, T0)), false);
        assert.deepEqual(await moRecords(), [], 'nothing lifted: the caller records the reply as it handles it');
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_td' });
        const id = uid('mo');
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0 + 2, 'sms', evidence(id, T0 + 2), mo(id, T0 + 2)), true);
        assert.equal(await s.consents.isOptedOut(cp.id, to), false);
        const recs = await moRecords();
        assert.equal(recs.length, 1);
        assert.equal(recs[0].id, id);
        assert.equal(recs[0].at, T0 + 2);
        assert.equal(recs[0].contentProviderId, cp.id);
        assert.deepEqual(recs[0].body, { from: to, to: '10690002', text: '订阅', action: 'opt_in' });
        const ev = (await s.consents.subscriptionEvents(to)).filter((e) => e.kind === 'opt_in');
        assert.equal(ev.length, 1);
        assert.equal(ev[0].channel, 'sms');
        assert.deepEqual(ev[0].evidence, evidence(id, T0 + 2));
        // A second reply finds nothing to lift: not recorded by the store.
        const again = uid('mo');
        assert.equal(await s.consents.liftOptOut(cp.id, to, T0 + 3, 'sms', evidence(again, T0 + 3), mo(again, T0 + 3)), false);
        assert.equal((await moRecords()).length, 1);
      });
    });

    describe('consent requests and relationships', () => {
      function request(cp: string, port: string, to: string, over: Partial<ConsentRequestRow> = {}): ConsentRequestRow {
        return {
          id: uid('creq'), contentProviderId: cp, msisdn: to, port, category: 'promo', frequency: { count: 4, per: 'month' }, durationDays: 180,
          text: '【示例】回复Y同意接收优惠信息', messageId: uid('msg'), status: 'pending', createdAt: T0, deadlineAt: T0 + DAY, resolvedAt: null, consentId: null, profile: 'cn-2015', ...over,
        };
      }
      const refuseIfPending = (f: ConsentRequestFacts) => {
        if (f.pending || f.optedOut || f.dnd) throw new SmsguardError('consent_request_repeated', 'not now');
      };

      test('opening a request sees the facts; two concurrent requests to one number never both pass', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => s.consents.openConsentRequest(request(cp.id, commercial, to), refuseIfPending)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const pending = await s.consents.pendingConsentRequest(to, commercial);
        assert.ok(pending);
        assert.equal(pending.status, 'pending');
        assert.deepEqual((await s.consents.unsentConsentRequests(10)).map((r) => r.id), [pending.id]);
        await s.consents.markConsentRequestSent(pending.id);
        assert.deepEqual(await s.consents.unsentConsentRequests(10), []);
        assert.equal(await s.consents.pendingConsentRequest(to, '000'), null);
        const got = await s.consents.getConsentRequest(pending.id);
        assert.deepEqual(got?.history.map((e) => e.kind), ['consent_requested']);
      });

      test('opening a request sees the consents the user withdrew (a withdrawal with proof), not the provider\'s own or an opt-out\'s', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const base = { contentProviderId: cp.id, msisdn: to, frequency: { count: 3, per: 'week' as const }, grantedAt: T0 - 10 * DAY, expiresAt: T0 + 10 * DAY, channel: 'http' as const, proof: {}, withdrawnAt: null };
        const [byUser, byProvider, live] = [uid('con'), uid('con'), uid('con')];
        await s.consents.grantConsent({ ...base, id: byUser, category: 'promo' });
        await s.consents.grantConsent({ ...base, id: byProvider, category: 'news' });
        await s.consents.grantConsent({ ...base, id: live, category: 'sale' });
        assert.equal(await s.consents.withdrawConsent(byUser, cp.id, T0 - DAY, 'http', { channel: 'call_centre', reference: 'c-1', capturedAt: '2026-11-01T00:00:00Z' }), true);
        assert.equal(await s.consents.withdrawConsent(byProvider, cp.id, T0 - DAY + 1, 'http'), true);
        // an opt-out withdraws the live one: barred by the opt-out itself, not recorded as the user's withdrawal
        await s.consents.optOut(cp.id, to, T0 - DAY + 2, 'sms', { moId: 'mo_x' });
        let seen: ConsentRequestFacts | undefined;
        await s.consents.openConsentRequest(request(cp.id, commercial, to), (f) => { seen = f; });
        assert.deepEqual(seen?.withdrawnByUser, [{ id: byUser, category: 'promo', withdrawnAt: T0 - DAY }]);
      });

      test('opening a request sees the consents recorded with proof, withdrawn or not, each with when the user gave it; not those without proof', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const base = { contentProviderId: cp.id, msisdn: to, frequency: { count: 3, per: 'week' as const }, expiresAt: T0 + 10 * DAY, channel: 'http' as const, withdrawnAt: null };
        const [captured, replied, bare, withdrawn] = [uid('con'), uid('con'), uid('con'), uid('con')];
        // given (capturedAt) a day before it was recorded
        await s.consents.grantConsent({ ...base, id: captured, category: 'promo', grantedAt: T0 - 2 * DAY, proof: { channel: 'web', reference: 'f-1', capturedAt: new Date(T0 - 3 * DAY).toISOString() } });
        // a reply's proof without capturedAt: given when recorded
        await s.consents.grantConsent({ ...base, id: replied, category: 'news', grantedAt: T0 - 5 * DAY, proof: { requestId: 'creq_x' } });
        await s.consents.grantConsent({ ...base, id: bare, category: 'sale', grantedAt: T0 - DAY, proof: {} });
        await s.consents.grantConsent({ ...base, id: withdrawn, category: 'promo', grantedAt: T0 - DAY, proof: { channel: 'app', reference: 'a-1', capturedAt: new Date(T0 - DAY).toISOString() } });
        assert.equal(await s.consents.withdrawConsent(withdrawn, cp.id, T0 - 1000, 'http'), true);
        let seen: ConsentRequestFacts | undefined;
        await s.consents.openConsentRequest(request(cp.id, commercial, to), (f) => { seen = f; });
        assert.deepEqual(seen?.grantedWithProof, [
          { id: replied, category: 'news', givenAt: T0 - 5 * DAY },
          { id: captured, category: 'promo', givenAt: T0 - 3 * DAY },
          { id: withdrawn, category: 'promo', givenAt: T0 - DAY },
        ]);
      });

      test('the first answer wins; a grant stores the consent and opens the relationship', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const req = request(cp.id, commercial, to);
        await s.consents.openConsentRequest(req, refuseIfPending);
        await s.consents.noteConsentReply(req.id, T0 + 5, 'sms', { text: '嗯?' });
        const consent = { id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: req.frequency, grantedAt: T0 + 10, expiresAt: T0 + 180 * DAY, channel: 'sms' as const, proof: { requestId: req.id }, withdrawnAt: null };
        const answers = [
          await s.consents.resolveConsentRequest(req.id, { status: 'granted', at: T0 + 10, channel: 'sms', evidence: { text: 'Y' }, consent }),
          await s.consents.resolveConsentRequest(req.id, { status: 'deemed_refused', at: T0 + 10, channel: 'system', evidence: {} }),
        ];
        assert.deepEqual(answers, [true, false]);
        const got = await s.consents.getConsentRequest(req.id);
        assert.equal(got?.request.status, 'granted');
        assert.equal(got?.request.consentId, consent.id);
        assert.deepEqual(got?.history.map((e) => e.kind), ['consent_requested', 'consent_reply', 'consent_granted']);
        assert.equal((await s.consents.getConsent(consent.id))?.category, 'promo');
        const sub = await s.consents.subscriber(to, cp.id);
        assert.equal(sub.relationships.length, 1);
        assert.equal(sub.relationships[0].endedAt, null);
        assert.equal(sub.requests.length, 1);
        assert.equal(sub.consents.length, 1);
      });

      test('a late reply to a closed consent request is answered once (its record, reply and MO together); never a pending one; the latest request at the port is found', async () => {
        const { cp, commercial, service } = await seedProvider(s);
        const to = msisdn();
        assert.equal(await s.consents.latestConsentRequest(to, commercial), null);
        const first = request(cp.id, commercial, to, { createdAt: T0 });
        await s.consents.openConsentRequest(first, refuseIfPending);
        const mo = (id: string, at: number) => ({ id, at, from: to, to: commercial, text: 'Y', contentProviderId: cp.id, action: 'consent_reply_late', notice: { action: 'consent_reply_late' as const, consentRequestId: first.id } });
        const late = (id: string, at: number) => ({ at, channel: 'sms', evidence: { moId: id, reply: 'Y', late: 'expired' }, mo: mo(id, at) });
        const moRecords = async () => (await s.records.queryRecords({ msisdn: to, limit: 50 })).records.filter((r) => r.kind === 'mo');
        // pending: not a late reply, nothing written
        assert.equal(await s.consents.answerLateConsentReply(first.id, late(uid('mo'), T0 + 1)), false);
        assert.deepEqual(await moRecords(), []);
        assert.equal((await s.consents.latestConsentRequest(to, commercial))?.id, first.id);
        assert.equal(await s.consents.latestConsentRequest(to, service), null, 'another port');
        assert.equal(await s.consents.resolveConsentRequest(first.id, { status: 'deemed_refused', at: T0 + DAY, channel: 'system', evidence: {} }), true);
        assert.equal((await s.consents.latestConsentRequest(to, commercial))?.status, 'deemed_refused', 'whatever its status');
        // closed: the first late reply wins, at once or not
        const [a, b] = [uid('mo'), uid('mo')];
        const answers = await Promise.all([s.consents.answerLateConsentReply(first.id, late(a, T0 + DAY + 5)), s.consents.answerLateConsentReply(first.id, late(b, T0 + DAY + 5))]);
        assert.equal(answers.filter(Boolean).length, 1, JSON.stringify(answers));
        const won = answers[0] ? a : b;
        assert.equal(await s.consents.answerLateConsentReply(first.id, late(uid('mo'), T0 + DAY + 9)), false, 'a later one is not answered again');
        const recs = await moRecords();
        assert.deepEqual(recs.map((r) => [r.id, r.body]), [[won, { from: to, to: commercial, text: 'Y', action: 'consent_reply_late' }]]);
        const got = await s.consents.getConsentRequest(first.id);
        assert.deepEqual(got?.history.map((e) => e.kind), ['consent_requested', 'consent_deemed_refused', 'consent_reply']);
        assert.deepEqual(got?.history.at(-1)?.evidence, { requestId: first.id, moId: won, reply: 'Y', late: 'expired' });
        assert.equal(got?.request.status, 'deemed_refused', 'the request is as it was');
        assert.equal(await s.consents.answerLateConsentReply('creq_unknown', late(uid('mo'), T0 + DAY)), false);
        // a newer request at the port is the latest, once sent
        const second = request(cp.id, commercial, to, { createdAt: T0 + 2 * DAY, deadlineAt: T0 + 3 * DAY });
        await s.consents.openConsentRequest(second, refuseIfPending);
        assert.equal((await s.consents.latestConsentRequest(to, commercial))?.id, second.id);
      });

      test('two answers at once: exactly one wins and the request is as the winner left it', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        const req = request(cp.id, commercial, to);
        await s.consents.openConsentRequest(req, refuseIfPending);
        const consent = { id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: req.frequency, grantedAt: T0 + 10, expiresAt: T0 + 180 * DAY, channel: 'sms' as const, proof: { requestId: req.id }, withdrawnAt: null };
        // Which one wins is the store's to decide: on a connection pool the calls race, so the order
        // they are made in does not fix it (a loaded run saw the refusal win).
        const answers = await Promise.all([
          s.consents.resolveConsentRequest(req.id, { status: 'granted', at: T0 + 10, channel: 'sms', evidence: { text: 'Y' }, consent }),
          s.consents.resolveConsentRequest(req.id, { status: 'deemed_refused', at: T0 + 10, channel: 'system', evidence: {} }),
        ]);
        assert.equal(answers.filter(Boolean).length, 1, JSON.stringify(answers));
        const got = await s.consents.getConsentRequest(req.id);
        assert.equal(got?.request.status, answers[0] ? 'granted' : 'deemed_refused');
        assert.equal((await s.consents.getConsent(consent.id)) !== null, answers[0]);
        assert.equal((await s.consents.subscriber(to, cp.id)).consents.length, answers[0] ? 1 : 0);
      });

      test('an opt-out refuses pending requests, ends the relationship and names its signature', async () => {
        const { cp, commercial } = await seedProvider(s);
        const to = msisdn();
        await s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'news', frequency: { count: 1, per: 'day' }, grantedAt: T0 - DAY, expiresAt: T0 + 30 * DAY, channel: 'http', proof: {}, withdrawnAt: null });
        const req = request(cp.id, commercial, to);
        await s.consents.openConsentRequest(req, refuseIfPending);
        await s.consents.optOut(cp.id, to, T0 + 1, 'sms', { moId: 'mo_9' }, { signature: '【示例】', endsRelationship: true });
        assert.equal((await s.consents.getConsentRequest(req.id))?.request.status, 'refused');
        const sub = await s.consents.subscriber(to);
        assert.equal(sub.relationships[0].endedAt, T0 + 1);
        assert.equal(sub.relationships[0].endReason, 'opt_out');
        assert.deepEqual(sub.optOuts.map((o) => o.signatures), [['【示例】']]);
        const kinds = sub.events.map((e) => e.kind);
        for (const k of ['consent_granted', 'consent_requested', 'opt_out', 'consent_refused', 'relationship_ended'] as const) assert.ok(kinds.includes(k), k);
        await assert.rejects(s.consents.openConsentRequest(request(cp.id, commercial, to), refuseIfPending), (e: unknown) => e instanceof SmsguardError);
      });

      test('deadlines come due in order; expiries are recorded once and end the relationship', async () => {
        const { cp, commercial } = await seedProvider(s);
        const a = msisdn();
        const b = msisdn();
        await s.consents.openConsentRequest(request(cp.id, commercial, a, { deadlineAt: T0 + 2 * DAY }), refuseIfPending);
        await s.consents.openConsentRequest(request(cp.id, commercial, b, { deadlineAt: T0 + DAY }), refuseIfPending);
        assert.deepEqual(await s.consents.dueConsentRequests(T0, 10), []);
        assert.deepEqual((await s.consents.dueConsentRequests(T0 + 3 * DAY, 10)).map((r) => r.msisdn), [b, a]);
        const con = uid('con');
        await s.consents.grantConsent({ id: con, contentProviderId: cp.id, msisdn: a, category: 'promo', frequency: { count: 1, per: 'day' }, grantedAt: T0 - 40 * DAY, expiresAt: T0 - DAY, channel: 'http', proof: {}, withdrawnAt: null });
        assert.equal(await s.consents.recordConsentExpiries(T0, 10), 1);
        assert.equal(await s.consents.recordConsentExpiries(T0, 10), 0);
        const sub = await s.consents.subscriber(a, cp.id);
        assert.equal(sub.relationships[0].endReason, 'last_consent_expired');
        assert.ok(sub.events.some((e) => e.kind === 'consent_expired' && e.at === T0 - DAY));
      });

      test('the last signature sent from a port is found in the records', async () => {
        const { cp, commercial, service } = await seedProvider(s);
        const to = msisdn();
        assert.equal(await s.consents.lastSignatureSent(cp.id, to, service), null);
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, text: '【示例】验证码1' })], () => decision(true, '【示例】验证码1'));
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, text: '【别名】验证码2', at: T0 + MIN })], () => decision(true, '【别名】验证码2'));
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, text: '【拒绝】x', at: T0 + 2 * MIN })], () => decision(false, '【拒绝】x'));
        assert.equal(await s.consents.lastSignatureSent(cp.id, to, service), '【别名】');
        assert.equal(await s.consents.lastSignatureSent(cp.id, to, commercial), null);
      });

      test('the last message sent from a port: its id, accepted ones only, that port only (what an N to it answers)', async () => {
        const { cp, commercial, service } = await seedProvider(s);
        const to = msisdn();
        assert.equal(await s.consents.lastMessageSent(cp.id, to, commercial), null);
        const [a, b, c] = [uid('msg'), uid('msg'), uid('msg')];
        await s.messages.decideAndRecord([item({ id: a, cp: cp.id, from: commercial, to, text: '【示例】请求' })], () => decision(true, '【示例】请求'));
        await s.messages.decideAndRecord([item({ id: b, cp: cp.id, from: service, to, text: '【示例】通知', at: T0 + MIN })], () => decision(true, '【示例】通知'));
        await s.messages.decideAndRecord([item({ id: c, cp: cp.id, from: commercial, to, text: '【示例】x', at: T0 + 2 * MIN })], () => decision(false, '【示例】x'));
        assert.equal(await s.consents.lastMessageSent(cp.id, to, commercial), a, 'the refused one was never sent');
        assert.equal(await s.consents.lastMessageSent(cp.id, to, service), b);
        const other = await seedProvider(s);
        assert.equal(await s.consents.lastMessageSent(other.cp.id, to, commercial), null, 'another provider sent nothing');
      });
    });

    describe('records', () => {
      test('an MO with a lone surrogate (broken UCS-2, an emoji cut in two) is recorded and verifies; a typed backslash-u stays text', async () => {
        const { cp, service } = await seedProvider(s);
        const a = msisdn();
        await s.records.recordMo({ id: uid('mo'), at: T0, from: a, to: service, text: `TD \ud83d`, contentProviderId: cp.id, action: 'opt_out' });
        await s.records.recordMo({ id: uid('mo'), at: T0 + 1, from: 'x\udc00', to: service, text: 'hi', contentProviderId: null, action: 'ignored' });
        await s.records.recordMo({ id: uid('mo'), at: T0 + 2, from: a, to: service, text: 'C:\\ud800\\dir', contentProviderId: cp.id, action: 'forwarded' });
        const texts = (await s.records.queryRecords({ msisdn: a, limit: 10 })).records.map((r) => (r.body as { text: string }).text);
        assert.equal(texts[0], 'C:\\ud800\\dir');
        assert.ok(texts[1].startsWith('TD '), texts[1]);
        await s.records.archive?.link?.({ wait: true });
        const v = await verifyChains(s.records.archive!);
        assert.equal(v.ok, true, JSON.stringify(v));
      });

      test('newest first, filtered, keyset pages that cover everything exactly once, across months', async () => {
        const { cp, service } = await seedProvider(s);
        const a = msisdn();
        const months = [Date.parse('2026-09-15T00:00:00Z'), Date.parse('2026-10-31T17:00:00Z'), T0];
        const items = months.flatMap((t) => [0, 1, 2].map((i) => item({ cp: cp.id, from: service, to: a, at: t + i * 1000 })));
        for (const it of items) await s.messages.decideAndRecord([it], () => decision(true));
        await s.records.recordMo({ id: 'mo_x', at: T0 + 10_000, from: a, to: service, text: 'TD', contentProviderId: cp.id, action: 'opt_out' });
        await s.records.appendAudit(T0 + 11_000, 'admin_1', 'records.query', { note: 'x' });
        const all = new Map<string, number>();
        let cursor: string | undefined;
        let prevSeq = Infinity;
        let pages = 0;
        do {
          const p = await s.records.queryRecords({ msisdn: a, limit: 4, cursor });
          for (const r of p.records) {
            assert.ok(r.seq < prevSeq, 'strictly newest first');
            prevSeq = r.seq;
            all.set(r.id, (all.get(r.id) ?? 0) + 1);
          }
          cursor = p.nextCursor ?? undefined;
          pages++;
        } while (cursor && pages < 20);
        assert.equal(all.size, 10);
        assert.ok([...all.values()].every((n) => n === 1));
        // a cursor no page handed out is refused, not read as "from the top" (src/domain/page-cursor.ts)
        for (const bad of ['zzz', '1', '1.zz']) {
          await assert.rejects(s.records.queryRecords({ msisdn: a, limit: 4, cursor: bad }), { code: 'invalid_request', field: 'cursor' }, bad);
        }
        const oct = await s.records.queryRecords({ msisdn: a, from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-15T00:00:00Z'), limit: 100 });
        assert.deepEqual(oct.records.map((r) => r.at), [months[1] + 2000, months[1] + 1000, months[1]]);
        const mo = (await s.records.queryRecords({ msisdn: a, limit: 1 })).records[0];
        assert.equal(mo.kind, 'mo');
        assert.equal(mo.body.text, 'TD');
        const audits = (await s.records.queryRecords({ limit: 100 })).records.filter((r) => r.kind === 'audit');
        assert.equal(audits[0].body.actor, 'admin_1');
        assert.equal((await s.records.queryRecords({ contentProviderId: cp.id, limit: 100 })).records.length, 10);
      });
    });

    describe('records: the parts of a long MO', () => {
      test('kept until the set is whole, returned in order; repeats change nothing; a dropped set is gone; stale parts expire', async () => {
        const key = `+8613800138000|10690002|${Math.floor(Math.random() * 1e9)}|3`;
        const p = (seq: number, text: string, at = T0) => ({ setKey: key, seq, total: 3, text, at });
        assert.equal(await s.records.addMoPart(p(3, '三。'), T0 - 1), null);
        assert.equal(await s.records.addMoPart(p(1, '一，'), T0 - 1), null);
        assert.equal(await s.records.addMoPart(p(1, '一，'), T0 - 1), null, 'a repeat');
        // a surrogate pair split between two UCS-2 parts comes back whole once joined
        const whole = await s.records.addMoPart(p(2, '二\ud83d'), T0 - 1);
        assert.deepEqual(whole?.map((x) => [x.seq, x.text]), [[1, '一，'], [2, '二\ud83d'], [3, '三。']]);
        assert.equal(`${whole![1].text}\ude00`, '二😀');
        // still there (until dropped): the part the SMSC sends again completes it again
        assert.equal((await s.records.addMoPart(p(3, '三。'), T0 - 1))?.length, 3);
        await s.records.dropMoParts(key);
        assert.equal(await s.records.addMoPart(p(3, '三。'), T0 - 1), null, 'a new set after the drop');
        // parts kept before `expireBefore` are dropped: the set's old parts are gone
        assert.equal(await s.records.addMoPart(p(1, '一，', T0 + 10 * MIN), T0 + 1), null);
        assert.equal(await s.records.addMoPart(p(2, '二', T0 + 10 * MIN), T0 + 1), null, 'part 3 kept at T0 expired');
        assert.equal((await s.records.addMoPart(p(3, '三', T0 + 10 * MIN), T0 + 1))?.length, 3);
        await s.records.dropMoParts(key);
        // housekeeping: unfinished sets kept before the bound go, newer ones stay
        await s.records.addMoPart(p(1, '旧', T0), T0 - 1);
        await s.records.addMoPart(p(2, '新', T0 + 5 * MIN), T0 - 1);
        assert.ok((await s.records.expireMoParts(T0 + 1, 100)) >= 1);
        assert.equal(await s.records.addMoPart(p(3, '三', T0 + 6 * MIN), T0 - 1), null, 'part 1 went');
        assert.equal((await s.records.addMoPart(p(1, '一', T0 + 6 * MIN), T0 - 1))?.map((x) => x.text).join(''), '一新三');
        await s.records.dropMoParts(key);
      });
    });

    describe('records: audit subject', () => {
      test('an audit record about a number and a provider carries both as columns: filters and holds find it', async () => {
        const a = s.records.archive!;
        const { cp } = await seedProvider(s);
        const n = msisdn();
        const at = Date.parse('2026-09-20T00:00:00Z');
        await s.records.appendAudit(at, 'cp_actor', 'consent_request.rejected', { to: n, contentProviderId: cp.id }, { msisdn: n, contentProviderId: cp.id });
        await s.records.appendAudit(at + 1, 'admin_1', 'records.query', { filter: { msisdn: n } });
        const byNumber = (await s.records.queryRecords({ msisdn: n, limit: 10 })).records;
        assert.deepEqual(byNumber.map((r) => [(r.body as { action: string }).action, r.msisdn, r.contentProviderId]), [['consent_request.rejected', n, cp.id]], 'a record without a subject stays unfiled');
        assert.equal((await s.records.queryRecords({ contentProviderId: cp.id, kind: 'audit', limit: 10 })).records.length, 1);
        const hold = { id: uid('hold'), msisdn: n, contentProviderId: null, reason: 'court order', createdAt: at, createdBy: 'admin_1', releasedAt: null, releasedBy: null };
        assert.equal((await a.heldSeqs('2026-09', [hold])).length, 1, 'a hold on the number keeps it');
      });
    });

    describe('records: archive (hash chains, heads, holds, purge)', () => {
      test('the rule list of a pipeline that recorded verdicts name is read back by its id (inspection exports carry it)', async () => {
        const { cp, service } = await seedProvider(s);
        const rules = ['sender.port-exists', 'test.rule', 'verification.frequency'];
        const d = (): Decision => ({ ...decision(true), pipeline: rules, verdicts: rules.map((rule) => ({ rule, article: 'test', profile: 'cn-2015', outcome: 'pass' as const })) }) as unknown as Decision;
        await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn() })], d);
        const mt = (await s.records.queryRecords({ contentProviderId: cp.id, kind: 'mt', limit: 1 })).records[0];
        const id = (mt.body as { verdicts: { pipeline: string } }).verdicts.pipeline;
        assert.equal(id, pipelineId(rules));
        assert.deepEqual(await s.records.archive!.pipelineRules(id), rules);
        assert.equal(await s.records.archive!.pipelineRules('pl_000000000000'), null);
      });

      test('each month is a chain over the canonical bytes; heads and holds round-trip; purge keeps held records in retained, drops the month', async () => {
        const a = s.records.archive;
        assert.ok(a, 'every store keeps the record archive');
        const { cp } = await seedProvider(s);
        const sep = Date.parse('2026-09-15T00:00:00Z');
        const held = msisdn();
        const free = msisdn();
        for (let i = 0; i < 4; i++) await s.records.recordMo({ id: uid('mo'), at: sep + i * 1000, from: i % 2 ? held : free, to: '10690001', text: `TD ${i}`, contentProviderId: cp.id, action: 'opt_out' });
        for (let i = 0; i < 3; i++) await s.records.appendAudit(T0 + i, 'admin_1', 'probe' as AuditAction, { i });
        const chains = await a.chains();
        assert.deepEqual(chains.map((c) => [c.chain, c.count]), [['2026-09', 4], [monthOf(T0), 3]]);
        for (const c of chains) {
          // The port's promise: hash_n = SHA-256(hash_{n-1} ‖ canonicalRecord(record_n)), from the month's genesis.
          let prev: Uint8Array = genesisHash(c.chain);
          const rows = await a.scan(c.chain, 0, 100);
          for (const r of rows) {
            prev = chainHash(prev, canonicalRecord(r));
            assert.deepEqual(Buffer.from(r.hash), prev, `${c.chain} seq ${r.seq}`);
          }
          assert.deepEqual(Buffer.from(c.hash), prev, 'the chain info names its tip');
          assert.equal(rows.at(-1)!.seq, c.lastSeq);
        }
        const head = { chain: '2026-09', firstSeq: chains[0].firstSeq, lastSeq: chains[0].lastSeq, count: 4, hash: Buffer.from(chains[0].hash).toString('hex'), signedAt: T0, keyId: 'k1', publicKey: 'pk', signature: 'sig' };
        await a.addHead(head);
        await a.addHead(head);
        assert.deepEqual(await a.heads(), [head], 'stored once');
        await a.addHold({ id: 'hold_1', msisdn: held, contentProviderId: null, reason: 'court order', createdAt: T0, createdBy: 'admin_1', releasedAt: null, releasedBy: null });
        const holds = await a.holds(true);
        assert.deepEqual(holds.map((h) => [h.id, h.msisdn, h.reason]), [['hold_1', held, 'court order']]);
        const keep = await a.heldSeqs('2026-09', holds);
        assert.equal(keep.length, 2);
        assert.deepEqual(await a.countKinds('2026-09'), { mo: 4 });
        const r = await a.purgeMonth('2026-09', keep.map((k) => k.seq), T0);
        assert.deepEqual([r.removed, r.kept], [{ mo: 2 }, { mo: 2 }]);
        const after = await a.chains();
        assert.deepEqual(after.map((c) => [c.chain, c.count]), [['retained', 2], [monthOf(T0), 3]]);
        assert.equal((await s.records.queryRecords({ msisdn: held, limit: 10 })).records.length, 2, 'held records still readable');
        assert.equal((await s.records.queryRecords({ msisdn: free, limit: 10 })).records.length, 0);
        const retained = await a.scan('retained', 0, 10);
        let prev: Uint8Array = genesisHash('retained');
        for (const x of retained) {
          assert.equal(x.month, '2026-09');
          prev = chainHash(prev, canonicalRetained(x, x.month!, Buffer.from(x.origHash!).toString('hex')));
          assert.deepEqual(Buffer.from(x.hash), prev);
        }
        assert.equal((await a.releaseHold('hold_1', T0 + 1, 'admin_1'))?.releasedBy, 'admin_1');
        assert.equal(await a.releaseHold('hold_1', T0 + 2, 'admin_1'), null);
        assert.deepEqual(await a.holds(true), []);
        assert.deepEqual((await a.pruneRetained([])).removed, { mo: 2 });
        assert.deepEqual((await a.chains()).map((c) => c.chain), [monthOf(T0)]);
        assert.deepEqual(await a.heads(), [head], 'heads outlive their month');
      });
    });

    describe('records: inspection filters', () => {
      test('by port, kind, type, decision and the rule that rejected; a provider list scopes', async () => {
        const a = await seedProvider(s);
        const b = await seedProvider(s);
        const to = msisdn();
        await s.messages.decideAndRecord([item({ cp: a.cp.id, from: a.service, to }), item({ cp: a.cp.id, from: a.commercial, to, type: 'commercial', category: 'promo' })], (it) => decision(it.candidate.type !== 'commercial'));
        await s.messages.decideAndRecord([item({ cp: b.cp.id, from: b.service, to, type: 'notification' })], () => decision(true));
        await s.records.recordMo({ id: uid('mo'), at: T0 + 5, from: to, to: a.commercial, text: 'TD', contentProviderId: a.cp.id, action: 'opt_out' });
        const q = async (f: Partial<RecordQuery>) => (await s.records.queryRecords({ limit: 100, ...f })).records;
        assert.deepEqual((await q({ port: a.commercial })).map((r) => r.kind).sort(), ['mo', 'mt']);
        assert.equal((await q({ kind: 'mo' })).length, 1);
        assert.deepEqual((await q({ type: 'notification' })).map((r) => r.contentProviderId), [b.cp.id]);
        const rej = await q({ decision: 'rejected' });
        assert.equal(rej.length, 1);
        assert.equal(rej[0].body.type, 'commercial');
        assert.equal((await q({ rule: 'test.rule' })).length, 1);
        assert.equal((await q({ rule: 'other.rule' })).length, 0);
        assert.equal((await q({ contentProviderIds: [b.cp.id], kind: 'mt' })).length, 1);
        assert.equal((await q({ contentProviderIds: [] })).length, 0);
        const v = await s.messages.getMessage(rej[0].id);
        assert.deepEqual(v?.verdicts.map((x) => [x.rule, x.outcome, x.code]), [['test.rule', 'fail', 'frequency_exceeded']]);
      });

      test('a page gives each record its header columns (ref, port, type, decision, rule) as the filters match them', async () => {
        // Read from the columns the page already selects: an inspector sees what a filter matched on
        // without parsing each kind's body (a compact verdict encoding names no rule at all).
        const a = await seedProvider(s);
        const to = msisdn();
        const ok = item({ cp: a.cp.id, from: a.service, to });
        const no = item({ cp: a.cp.id, from: a.commercial, to, type: 'commercial', category: 'promo' });
        await s.messages.decideAndRecord([ok, no], (it) => decision(it.candidate.type !== 'commercial'));
        const moId = uid('mo');
        await s.records.recordMo({ id: moId, at: T0 + 5, from: to, to: a.commercial, text: 'TD', contentProviderId: a.cp.id, action: 'opt_out' });
        await s.records.appendAudit(T0 + 6, 'tok_x', 'records.query', { rows: 0 }, { contentProviderId: a.cp.id });
        const rows = (await s.records.queryRecords({ contentProviderId: a.cp.id, limit: 100 })).records;
        const cols = (id: string) => {
          const r = rows.find((x) => x.id === id);
          assert.ok(r, id);
          return { ref: r.ref, port: r.port, type: r.type, decision: r.decision, rule: r.rule };
        };
        assert.deepEqual(cols(ok.id), { ref: ok.id, port: a.service, type: 'verification', decision: 'accepted', rule: null });
        assert.deepEqual(cols(no.id), { ref: no.id, port: a.commercial, type: 'commercial', decision: 'rejected', rule: 'test.rule' });
        assert.deepEqual(cols(moId), { ref: moId, port: a.commercial, type: null, decision: null, rule: null });
        const audit = rows.find((x) => x.kind === 'audit');
        assert.deepEqual(audit && { ref: audit.ref, port: audit.port, type: audit.type, decision: audit.decision, rule: audit.rule }, { ref: null, port: null, type: 'records.query', decision: null, rule: null });
      });
    });

    describe('complaint cases, credit files, volume', () => {
      function caseRow(over: Partial<CaseRow> = {}): CaseRow {
        return {
          id: uid('case'), reference: `C${uid('r').slice(2, 12).toUpperCase()}`, externalRef: null, source: 'web', state: 'received', msisdn: '+8613800138000',
          sender: '10690001', contentProviderId: 'cp_x', messageText: '【示例】广告', receivedMessageAt: T0 - HOUR, request: '停止发送', screenshot: null,
          matchedMessageId: null, evidence: { matched: false }, accessCodeHash: null, createdAt: T0, forwardedAt: null, answeredAt: null, closedAt: null,
          forwardDueAt: T0 + DAY, answerDueAt: T0 + 15 * DAY, finding: null, answerText: null, answerMessageId: null, escalatedReason: null, updatedAt: T0, ...over,
        };
      }
      const ev = (caseId: string, kind: CaseEventRow['kind'], from: CaseEventRow['fromState'], to: CaseEventRow['toState'], at = T0): CaseEventRow =>
        ({ id: uid('cev'), caseId, at, kind, fromState: from, toState: to, actor: 'report-centre', actorId: 'tok_1', reason: null, detail: { n: 1 } });

      test('a transition happens once under concurrency; events are the trail; lists page newest first', async () => {
        const c = caseRow({ externalRef: 'ext-1' });
        await s.cases.createCase(c, ev(c.id, 'created', null, 'received'));
        await assert.rejects(s.cases.createCase(caseRow({ externalRef: 'ext-1' }), ev('x', 'created', null, 'received')), (e: unknown) => e instanceof SmsguardError && e.code === 'conflict');
        assert.deepEqual(await s.cases.getCase(c.id), c);
        assert.equal((await s.cases.getCaseByReference(c.reference))?.id, c.id);
        assert.equal((await s.cases.getCaseByExternalRef('ext-1'))?.id, c.id);
        const moves = await Promise.all([0, 1, 2].map(() => s.cases.transition(c.id, 'received', { state: 'forwarded', forwardedAt: T0 + 1 }, ev(c.id, 'forward', 'received', 'forwarded', T0 + 1), T0 + 1)));
        assert.deepEqual(moves.sort(), [false, false, true]);
        const got = await s.cases.getCase(c.id);
        assert.equal(got?.state, 'forwarded');
        assert.equal(got?.forwardedAt, T0 + 1);
        assert.equal(got?.updatedAt, T0 + 1);
        assert.deepEqual((await s.cases.events(c.id)).map((e) => e.kind), ['created', 'forward']);
        for (let i = 0; i < 4; i++) {
          const x = caseRow({ createdAt: T0 + 10 + i, contentProviderId: 'cp_y' });
          await s.cases.createCase(x, ev(x.id, 'created', null, 'received'));
        }
        const p1 = await s.cases.listCases({ contentProviderId: 'cp_y', limit: 3 });
        const p2 = await s.cases.listCases({ contentProviderId: 'cp_y', limit: 3, cursor: p1.nextCursor! });
        assert.equal(p1.cases.length + p2.cases.length, 4);
        assert.equal(p2.nextCursor, null);
        await assert.rejects(s.cases.listCases({ contentProviderId: 'cp_y', limit: 3, cursor: 'zzz' }), { code: 'invalid_request', field: 'cursor' });
        assert.equal((await s.cases.listCases({ states: ['forwarded'], limit: 10 })).cases.length, 1);
        assert.equal((await s.cases.overdue(T0 + 2 * DAY, 10)).length, 4, 'received cases past their forward deadline');
        assert.equal((await s.cases.casesOf('cp_y', T0, T0 + DAY)).length, 4);
        await s.cases.addMeasure({ id: uid('mea'), caseId: c.id, contentProviderId: 'cp_x', kind: 'opt_out', at: T0 + 5, actorId: 'tok_1', detail: {} });
        assert.equal((await s.cases.measures({ contentProviderId: 'cp_x' })).length, 1);
      });

      test('escalated cases owing a missed deadline: selected until their entry is in a file, by the deadline they owe', async () => {
        const now = T0 + 20 * DAY;
        const overdueEntry = (key: string) => ({ id: uid('cre'), subjectType: 'operator' as const, subjectId: 'operator', kind: 'overdue_forward' as const, at: now, actorId: 'system', amountYuan: null, notes: null, publicSummary: 's', summaryTemplate: null, evidence: {}, dedupKey: key, publishedAt: null, publishedBy: null, withdrawal: null });
        const esc = (over: Partial<CaseRow>) => caseRow({ state: 'escalated', escalatedReason: null, forwardDueAt: T0 + DAY, answerDueAt: T0 + 15 * DAY, ...over });
        const fwd = { forwardedAt: T0 + HOUR };
        const cases = {
          unforwarded: esc({}),
          unforwardedEntered: esc({}),
          unforwardedWrongKey: esc({}), // an answer entry does not stand for the forward
          unforwardedNotYet: esc({ forwardDueAt: now + 1 }),
          unforwardedDueNow: esc({ forwardDueAt: now }),
          forwarded: esc({ ...fwd }),
          forwardedEntered: esc({ ...fwd }),
          forwardedOnlyForwardEntered: esc({ ...fwd }), // a late forward's entry does not stand for the answer
          forwardedNotYet: esc({ ...fwd, answerDueAt: now + 1 }),
          answeredInTime: esc({ ...fwd, answeredAt: T0 + 14 * DAY }), // reopened after an answer in time
          answeredLate: esc({ ...fwd, answeredAt: T0 + 15 * DAY }),
          forwardedNoProvider: esc({ ...fwd, contentProviderId: null }),
          operatorsOwn: esc({ ...fwd, contentProviderId: OPERATOR_ACCOUNT_ID }),
          received: caseRow({ forwardDueAt: T0 + DAY }),
          investigating: caseRow({ state: 'investigating', ...fwd }),
          answered: caseRow({ state: 'answered', ...fwd, answeredAt: T0 + 16 * DAY }),
        };
        for (const c of Object.values(cases)) await s.cases.createCase(c, ev(c.id, 'created', null, 'received'));
        await s.cases.addEntry(overdueEntry(`case:${cases.unforwardedEntered.id}:forward-overdue`));
        await s.cases.addEntry(overdueEntry(`case:${cases.unforwardedWrongKey.id}:overdue`));
        await s.cases.addEntry(overdueEntry(`case:${cases.forwardedEntered.id}:overdue`));
        await s.cases.addEntry(overdueEntry(`case:${cases.forwardedOnlyForwardEntered.id}:forward-overdue`));
        const names = new Map(Object.entries(cases).map(([k, c]) => [c.id, k]));
        const selected = async (limit = 100) => (await s.cases.escalatedOverdue(now, limit)).map((c) => names.get(c.id));
        // Oldest first (the order they were filed in).
        assert.deepEqual(await selected(), ['unforwarded', 'unforwardedWrongKey', 'unforwardedDueNow', 'forwarded', 'forwardedOnlyForwardEntered', 'answeredLate', 'operatorsOwn']);
        assert.deepEqual(await selected(2), ['unforwarded', 'unforwardedWrongKey']);
        const full = await s.cases.escalatedOverdue(now, 1);
        assert.deepEqual(full[0], cases.unforwarded, 'whole rows');
        // Its entry added, a case drops out.
        await s.cases.addEntry(overdueEntry(`case:${cases.unforwarded.id}:forward-overdue`));
        await s.cases.addEntry(overdueEntry(`case:${cases.forwarded.id}:overdue`));
        assert.deepEqual(await selected(), ['unforwardedWrongKey', 'unforwardedDueNow', 'forwardedOnlyForwardEntered', 'answeredLate', 'operatorsOwn']);
        assert.deepEqual((await s.cases.escalatedOverdue(T0, 100)).filter((c) => names.has(c.id)), [], 'nothing is due yet');
      });

      test('a case opened with further events stores them in order; when one fails, neither the case nor any event is stored', async () => {
        const c = caseRow({ externalRef: uid('ext'), state: 'forwarded', forwardedAt: T0 });
        await s.cases.createCase(c, ev(c.id, 'created', null, 'received'), [ev(c.id, 'forward', 'received', 'forwarded')]);
        assert.deepEqual(await s.cases.getCase(c.id), c);
        assert.deepEqual((await s.cases.events(c.id)).map((e) => [e.kind, e.fromState, e.toState]), [['created', null, 'received'], ['forward', 'received', 'forwarded']]);
        const bad = caseRow({ externalRef: uid('ext') });
        const created = ev(bad.id, 'created', null, 'received');
        // the second event reuses the first one's id: its insert fails after the case row went in
        await assert.rejects(s.cases.createCase(bad, created, [{ ...ev(bad.id, 'forward', 'received', 'forwarded'), id: created.id }]));
        assert.equal(await s.cases.getCase(bad.id), null);
        assert.equal(await s.cases.getCaseByExternalRef(bad.externalRef!), null);
        assert.deepEqual(await s.cases.events(bad.id), []);
      });

      test('cases: the providers of a province (with the operator\'s account) and a date range are selected in the query, so every page is full and the cursor pages on', async () => {
        const inside = uid('cp');
        const other = uid('cp');
        // Newest last: 16 cases, a quarter each naming the province's provider, another province's,
        // the operator's account and no provider at all.
        const added: { id: string; contentProviderId: string | null; createdAt: number }[] = [];
        for (let i = 0; i < 16; i++) {
          const cpId = [inside, other, OPERATOR_ACCOUNT_ID, null][i % 4];
          const c = caseRow({ contentProviderId: cpId, createdAt: T0 + i * HOUR });
          await s.cases.createCase(c, ev(c.id, 'created', null, 'received'));
          added.push(c);
        }
        const expect = (keep: (c: { contentProviderId: string | null; createdAt: number }) => boolean) => added.filter(keep).map((c) => c.id).reverse();
        const pages = async (f: Omit<Parameters<Store['cases']['listCases']>[0], 'limit' | 'cursor'>, limit: number) => {
          const out: string[][] = [];
          let cursor: string | undefined;
          do {
            const r = await s.cases.listCases({ ...f, limit, cursor });
            out.push(r.cases.map((c) => c.id));
            cursor = r.nextCursor ?? undefined;
          } while (cursor && out.length < 20);
          return out;
        };
        const mine = [inside, OPERATOR_ACCOUNT_ID];
        // The province's 4 cases and the operator's 4, 3 to a page: full pages until the last.
        const province = await pages({ providersIn: mine }, 3);
        assert.deepEqual(province.map((p) => p.length), [3, 3, 2]);
        assert.deepEqual(province.flat(), expect((c) => c.contentProviderId === inside || c.contentProviderId === OPERATOR_ACCOUNT_ID));
        // Dates too (filed from inclusive, to exclusive), with the province and a state.
        const dated = await pages({ providersIn: mine, from: T0 + 2 * HOUR, to: T0 + 11 * HOUR, states: ['received'] }, 2);
        assert.deepEqual(dated.map((p) => p.length), [2, 2, 1]);
        assert.deepEqual(dated.flat(), expect((c) => mine.includes(c.contentProviderId!) && c.createdAt >= T0 + 2 * HOUR && c.createdAt < T0 + 11 * HOUR));
        // A province with no provider registered in it keeps nothing; a case naming no provider is in none.
        assert.deepEqual(await s.cases.listCases({ providersIn: [], limit: 10 }), { cases: [], nextCursor: null });
        // One provider asked for by id inside the province, or outside it (nothing).
        assert.deepEqual((await pages({ contentProviderId: inside, providersIn: mine }, 10)).flat(), expect((c) => c.contentProviderId === inside));
        assert.deepEqual((await s.cases.listCases({ contentProviderId: other, providersIn: mine, limit: 10 })).cases, []);
        // Unscoped: every case, the ones naming no provider too.
        assert.deepEqual((await pages({ from: T0, to: T0 + DAY }, 5)).flat(), expect(() => true));
      });

      test('credit entries dedupe and publish once; volume adds up', async () => {
        const e = { id: uid('cre'), subjectType: 'content-provider' as const, subjectId: 'cp_x', kind: 'confirmed_complaint' as const, at: T0, actorId: 'system', amountYuan: null, notes: null, publicSummary: '确认投诉 1 件', summaryTemplate: null, evidence: { cases: ['c1'] }, dedupKey: 'case:c1', publishedAt: null, publishedBy: null, withdrawal: null };
        assert.equal(await s.cases.addEntry(e), true);
        assert.equal(await s.cases.addEntry({ ...e, id: uid('cre') }), false);
        assert.equal(await s.cases.publish(e.id, T0 + 1, 'reg_1'), true);
        assert.equal(await s.cases.publish(e.id, T0 + 2, 'reg_1'), false);
        assert.equal((await s.cases.getEntry(e.id))?.publishedBy, 'reg_1');
        assert.equal((await s.cases.listEntries({ q: '投诉', publishedOnly: true, limit: 10 })).entries.length, 1);
        assert.equal((await s.cases.listEntries({ q: '100%_', limit: 10 })).entries.length, 0);
        // A name or credit code the caller matched in the directory: its subjects match the search too, in the query.
        assert.deepEqual((await s.cases.listEntries({ q: '示例科技', qSubjects: ['cp_x'], publishedOnly: true, limit: 10 })).entries.map((x) => x.id), [e.id]);
        assert.equal((await s.cases.listEntries({ q: '示例科技', qSubjects: ['cp_other'], publishedOnly: true, limit: 10 })).entries.length, 0);
        assert.equal((await s.cases.listEntries({ q: '示例科技', qSubjects: [], publishedOnly: true, limit: 10 })).entries.length, 0);
        await s.cases.addVolume([{ contentProviderId: 'cp_x', month: '2026-11', type: 'verification', accepted: 5, rejected: 1 }, { contentProviderId: 'cp_x', month: '2026-11', type: 'verification', accepted: 2, rejected: 0 }]);
        await s.cases.addVolume([{ contentProviderId: 'cp_x', month: '2026-11', type: 'commercial', accepted: 1, rejected: 3 }]);
        assert.deepEqual((await s.cases.volume('cp_x', '2026-11', '2026-11')).map((v) => [v.type, v.accepted, v.rejected]), [['commercial', 1, 3], ['verification', 7, 1]]);
        assert.deepEqual(await s.cases.rejectedByProvider('2026-11'), [{ contentProviderId: 'cp_x', rejected: 4 }]);
      });

      test('credit entries keep a system-made summary\'s key and parameters; a typed one has none', async () => {
        const sys = { id: uid('cre'), subjectType: 'content-provider' as const, subjectId: uid('cp'), kind: 'overdue_answer' as const, at: T0, actorId: 'system', amountYuan: null, notes: null, publicSummary: '未在 15 个工作日内答复投诉（案件 C1） / Complaint not answered within 15 working days (case C1)', summaryTemplate: { key: 'answer_overdue' as const, params: { days: 15, reference: 'C1' } }, evidence: {}, dedupKey: uid('case'), publishedAt: null, publishedBy: null, withdrawal: null };
        const typed = { ...sys, id: uid('cre'), kind: 'warning' as const, actorId: 'reg_1', publicSummary: '自己写的 / typed', summaryTemplate: null, dedupKey: null };
        assert.equal(await s.cases.addEntry(sys), true);
        assert.equal(await s.cases.addEntry(typed), true);
        assert.deepEqual((await s.cases.getEntry(sys.id))?.summaryTemplate, { key: 'answer_overdue', params: { days: 15, reference: 'C1' } });
        assert.equal((await s.cases.getEntry(typed.id))?.summaryTemplate, null);
        const listed = (await s.cases.listEntries({ subjectId: sys.subjectId, limit: 10 })).entries;
        assert.deepEqual(listed.map((e) => [e.id, e.summaryTemplate, e.publicSummary]), [[typed.id, null, typed.publicSummary], [sys.id, sys.summaryTemplate, sys.publicSummary]]);
      });

      test('credit entries: the providers of a province and a date range are selected in the query, so every page is full and the cursor pages on', async () => {
        const inside = uid('cp');
        const other = uid('cp');
        const entry = (subjectType: 'content-provider' | 'operator', subjectId: string, at: number) => ({
          id: uid('cre'), subjectType, subjectId, kind: 'warning' as const, at, actorId: 'reg_1', amountYuan: null, notes: null, publicSummary: '警告', summaryTemplate: null, evidence: {}, dedupKey: null, publishedAt: null, publishedBy: null, withdrawal: null,
        });
        // Newest last: 12 entries, a third each about the province's provider, another province's and the operator.
        const added: { id: string; subjectId: string; at: number }[] = [];
        for (let i = 0; i < 12; i++) {
          const e = i % 3 === 0 ? entry('content-provider', inside, T0 + i * HOUR) : i % 3 === 1 ? entry('content-provider', other, T0 + i * HOUR) : entry('operator', 'operator', T0 + i * HOUR);
          await s.cases.addEntry(e);
          added.push(e);
        }
        const expect = (keep: (e: { subjectId: string; at: number }) => boolean) => added.filter(keep).map((e) => e.id).reverse();
        const pages = async (f: Omit<Parameters<Store['cases']['listEntries']>[0], 'limit' | 'cursor'>, limit: number) => {
          const out: string[][] = [];
          let cursor: string | undefined;
          do {
            const r = await s.cases.listEntries({ ...f, limit, cursor });
            out.push(r.entries.map((e) => e.id));
            cursor = r.nextCursor ?? undefined;
          } while (cursor && out.length < 20);
          return out;
        };
        // The province's 4 entries and the operator's 4, 3 to a page: full pages until the last.
        const province = await pages({ providersIn: [inside] }, 3);
        assert.deepEqual(province.map((p) => p.length), [3, 3, 2]);
        assert.deepEqual(province.flat(), expect((e) => e.subjectId !== other));
        // Dates too (the entry's time, from inclusive, to exclusive), with the province.
        const dated = await pages({ providersIn: [inside], from: T0 + 3 * HOUR, to: T0 + 9 * HOUR }, 2);
        assert.deepEqual(dated.map((p) => p.length), [2, 2]);
        assert.deepEqual(dated.flat(), expect((e) => e.subjectId !== other && e.at >= T0 + 3 * HOUR && e.at < T0 + 9 * HOUR));
        // A province with no provider registered in it keeps the operator's entries only.
        assert.deepEqual((await pages({ providersIn: [] }, 10)).flat(), expect((e) => e.subjectId === 'operator'));
        // One provider asked for by id inside the province, or outside it (nothing).
        assert.deepEqual((await pages({ subjectId: inside, providersIn: [inside] }, 10)).flat(), expect((e) => e.subjectId === inside));
        assert.deepEqual((await s.cases.listEntries({ subjectId: other, providersIn: [inside], limit: 10 })).entries, []);
        // Unscoped: everything, and a cursor the store never handed out is refused.
        assert.deepEqual((await pages({}, 5)).flat(), expect(() => true));
        await assert.rejects(s.cases.listEntries({ limit: 3, cursor: 'zzz' }), { code: 'invalid_request', field: 'cursor' });
      });
    });

    describe('smpp deliveries', () => {
      smppDeliveriesContract(() => h.smppDeliveries);
    });

    describe('send time', () => {
      sendTimeContract(() => h.store);
    });

    describe('callbacks', () => {
      callbacksContract(() => h.store);
      callbackQueueingContract(() => h.store);
    });

    describe('client ref', () => {
      clientRefContract(() => h.store);
    });

    describe('usage', () => {
      usageContract(() => h.store);
    });

    describe('idempotency', () => {
      idempotencyContract(() => h.store);
    });

    describe('review queue: held expiry and the release\'s re-check', () => {
      heldExpiryContract(() => h.store);
    });

    describe('address limits', () => {
      addressLimitsContract(() => h.store);
    });

    describe('form tokens', () => {
      formTokensContract(() => h.store);
    });

    describe('web sessions', () => {
      webSessionsContract(() => h.store);
    });

    describe('replacing a queued message (replace_sm)', () => {
      replaceContract(() => h.store);
    });

    describe('charged services (rule 8)', () => {
      chargedServicesContract(() => h.store);
    });

    describe('identical content (content.duplicate: recentTexts)', () => {
      duplicateContentContract(() => h.store);
    });

    describe('settings', () => {
      test('get, put, overwrite', async () => {
        assert.equal(await s.settings.getSetting('k'), null);
        await s.settings.putSetting('k', 'v1');
        await s.settings.putSetting('k', 'v2');
        assert.equal(await s.settings.getSetting('k'), 'v2');
      });
    });
  });
}

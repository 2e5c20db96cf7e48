/**
 * Two gateway processes started together on a fresh PostgreSQL store, each in its own directory and
 * without the deployment's records key (docs/SCALING.md "Running it" shows one command per machine):
 * each finds no head yet, so each generates a key of its own in its `./var`, and each signs the
 * month's head at its first publication. Walked on 2026-12-07 with two `smsguard start` processes:
 * from then on `records verify` failed (`signature_invalid`, a head signed with the other key) and
 * every export was refused. The start-time check (`requireGatewayKey`) cannot see it: no head was
 * there yet. Now a process whose key has signed no head of the store, where heads signed with a key it
 * does not trust exist, does not sign: its publication fails naming both keys, the chain stays
 * verifiable under the first key. A key rotation is not that: the running gateways' old key has
 * signed heads there, and they keep signing with it until restarted (docs/RECORDS.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { decision, item, msisdn, seedProvider, T0 } from '../../contract/fixtures.js';
import { App } from '../../../src/app/app.js';
import { SystemClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { configureRecords } from '../../../src/app/records-service.js';
import { RecordsSigner } from '../../../src/app/records-signing.js';
import { monthOf } from '../../../src/domain/hash-chain.js';

test('two processes with keys of their own on one fresh store: the second to publish does not sign, and the chain verifies', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { cp, service } = await seedProvider(h.store);
    const app = (store: typeof h.store) => new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
    const first = configureRecords(app(h.store).ctx, RecordsSigner.generate().signer);
    const second = configureRecords(app(otherStore).ctx, RecordsSigner.generate().signer);
    const send = (s: typeof h.store) => s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn(), at: T0 })], () => decision(true));
    await send(h.store);
    await first.publishHeads();
    await send(otherStore);
    const refused = await second.publishHeads().then(() => null, (e: Error) => e);
    assert.ok(refused, 'the second process signed with a key of its own');
    assert.match(refused.message, new RegExp(`${first.signer.keyId}.*${second.signer.keyId}|${second.signer.keyId}.*${first.signer.keyId}`));
    const keys = new Set((await h.store.records.archive!.heads()).map((x) => x.keyId));
    assert.deepEqual([...keys], [first.signer.keyId]);
    await first.publishHeads();
    const report = await first.verify({ month: monthOf(T0) });
    assert.ok(report.ok, JSON.stringify(report));
  });
});

test('after a key rotation a gateway still running with the old key, which signed heads there, keeps signing', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { cp, service } = await seedProvider(h.store);
    const app = (store: typeof h.store) => new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
    const old = RecordsSigner.generate().signer;
    const running = configureRecords(app(h.store).ctx, old);
    const send = (s: typeof h.store) => s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn(), at: T0 })], () => decision(true));
    await send(h.store);
    await running.publishHeads();
    const rotated = RecordsSigner.generate().signer;
    rotated.retiredKeys = [old.publicKey];
    const cli = configureRecords(app(otherStore).ctx, rotated);
    await cli.publishHeads();
    await send(h.store);
    await running.publishHeads();
    const report = await cli.verify({ month: monthOf(T0) });
    assert.ok(report.ok, JSON.stringify(report));
  });
});

/**
 * Two gateway processes on one PostgreSQL store (docs/SCALING.md) signing the month's chain head at
 * once: the race provider heads had (test/integration/pg/provider-heads-two-processes.test.ts), on
 * chain heads. A process that read the chain's tip before the other linked more records and signed a
 * head over them must not sign its older tip after that head, nor answer it as the newest; and once
 * an older head was signed later anyway (read just before the other signed), the newest is still the
 * one covering the most: what `GET /v1/records/heads` and an export's manifest carry.
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
import type { PostgresStore } from '../../../src/store/postgres/index.js';

/** `firstAhead`: the first process's clock this many ms ahead of the second's (two hosts' clocks). */
async function twoSigners(h: { store: PostgresStore }, otherStore: PostgresStore, firstAhead = 0) {
  const { cp, service } = await seedProvider(h.store);
  const { pem } = RecordsSigner.generate();
  const first = configureRecords(new App({ store: h.store, clock: { now: () => Date.now() + firstAhead }, profile: resolveProfile('cn-2015') }).ctx, RecordsSigner.fromText(pem));
  const second = configureRecords(new App({ store: otherStore, clock: new SystemClock(), profile: resolveProfile('cn-2015') }).ctx, RecordsSigner.fromText(pem));
  const send = (s: PostgresStore) => s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn(), at: T0 })], () => decision(true));
  return { first, second, send, month: monthOf(T0) };
}

/** The month's heads in the order they were signed: none may cover less than one signed before it. */
async function neverBack(archive: NonNullable<PostgresStore['records']['archive']>, month: string): Promise<void> {
  const heads = (await archive.heads()).filter((x) => x.chain === month).sort((x, y) => x.signedAt - y.signedAt);
  for (let i = 1; i < heads.length; i++) assert.ok(heads[i].lastSeq >= heads[i - 1].lastSeq, `a head at seq ${heads[i].lastSeq} was signed after one at seq ${heads[i - 1].lastSeq}`);
}

test('a process that read the chain before the other process signed a head covering more does not sign its older tip', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { first, second, send, month } = await twoSigners(h, otherStore);
    await send(h.store);
    await first.publishHeads();
    // The first process has read the chain's tip; before it reads the signed heads, the second
    // process records another message and publishes (links it, signs a head covering it).
    const archive = h.store.records.archive!;
    const heads = archive.heads.bind(archive);
    let interleaved = false;
    archive.heads = async () => {
      if (!interleaved) {
        interleaved = true;
        await send(otherStore);
        await second.publishHeads();
      }
      return heads();
    };
    const answered = (await first.publishHeads()).find((x) => x.chain === month)!;
    assert.ok(interleaved);
    archive.heads = heads;
    assert.equal(answered.count, 2, 'the first process answers the head covering both messages, not its own older tip');
    await neverBack(archive, month);
    const report = await first.verify({ month });
    assert.equal(report.ok, true, JSON.stringify(report.chains.map((c) => c.failure)));
  });
});

test('an older head signed after a newer one (read just before the other signed) is not the newest', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { first, second, send, month } = await twoSigners(h, otherStore, 2_000);
    await send(h.store);
    // The first process has read the tip and the heads; before it stores its head, the second process
    // records another message and signs a head covering it. The first's head, covering less, is
    // signed later (its clock is ahead, as another host's may be): what cannot be told apart before it is stored is told apart when read.
    const archive = h.store.records.archive!;
    const addHead = archive.addHead.bind(archive);
    let interleaved = false;
    archive.addHead = async (x) => {
      if (!interleaved && x.chain === month) {
        interleaved = true;
        await send(otherStore);
        await second.publishHeads();
      }
      return addHead(x);
    };
    await first.publishHeads();
    assert.ok(interleaved);
    archive.addHead = addHead;
    const all = (await archive.heads()).filter((x) => x.chain === month);
    assert.deepEqual(all.map((x) => x.count).sort(), [1, 2], 'both heads were signed, the one covering less last');
    // As GET /v1/records/heads (within its one-minute floor, so nothing new is signed) in either process.
    for (const svc of [first, second]) {
      const newest = (await svc.publishHeads({ minIntervalMs: 60_000 })).find((x) => x.chain === month)!;
      assert.equal(newest.count, 2, 'the newest head is the one covering the most');
    }
    const report = await first.verify({ month });
    assert.equal(report.ok, true, JSON.stringify(report.chains.map((c) => c.failure)));
  });
});

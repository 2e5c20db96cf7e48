/**
 * Two gateway processes on one PostgreSQL store (docs/SCALING.md) advancing the provider digests of
 * the same month at once (docs/RECORDS.md "Completeness of one provider's export"): both sign heads
 * over and over while both keep writing records of two providers. Afterwards no record is lost or
 * folded twice (each provider's newest head counts exactly its records of the month and its digest is
 * the fold of the month's chain), every head either process signed matches the chain at its lastSeq
 * (`records verify`: no `provider_head_mismatch`), no two heads at one lastSeq disagree (a fork), and
 * the newest head never went back: what `GET /v1/records/heads?contentProviderId=` answered, and
 * what an export takes for its proof, only ever grew.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openTestPgStore, TEST_PG_URL, withTwoPgProcesses } from '../../helpers/pg.js';
import { decision, item, msisdn, seedProvider, T0 } from '../../contract/fixtures.js';
import { App } from '../../../src/app/app.js';
import { SystemClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { configureRecords } from '../../../src/app/records-service.js';
import { RecordsSigner } from '../../../src/app/records-signing.js';
import { foldProviders, type ProviderDigest } from '../../../src/domain/provider-chain.js';
import { monthOf } from '../../../src/domain/hash-chain.js';
import { runJsonChild } from '../../helpers/process.js';

const CHILD = fileURLToPath(new URL('./provider-heads-child.ts', import.meta.url));

interface Seen { contentProviderId: string; lastSeq: number; count: number; signedAt: number }

const runChild = (args: object) => runJsonChild<{ decided: number; publications: number; seen: Seen[] }>(CHILD, args, 'gateway process');

test('two processes signing provider heads of one month while records flow: no fork, no record lost or doubled, the newest head never goes back, verify passes', { timeout: 180_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const a = await seedProvider(h.store);
    const b = await seedProvider(h.store);
    const providers = [{ cp: a.cp.id, port: a.service }, { cp: b.cp.id, port: b.service }];
    const { pem } = RecordsSigner.generate();
    const month = monthOf(T0);
    const args = { url: TEST_PG_URL, schema: h.schema, key: pem, providers, at: T0, batches: 300, startAt: Date.now() + 3_000 };
    const [one, two] = await Promise.all([runChild(args), runChild(args)]);
    assert.ok(one.publications > 5 && two.publications > 5, `both processes signed heads while records flowed (${one.publications}, ${two.publications})`);

    // The answer of GET /v1/records/heads?contentProviderId= in each process, publication after publication.
    for (const [who, r] of [['first', one], ['second', two]] as const) {
      for (const p of providers) {
        const mine = r.seen.filter((s) => s.contentProviderId === p.cp);
        for (let i = 1; i < mine.length; i++) {
          assert.ok(mine[i].lastSeq >= mine[i - 1].lastSeq && mine[i].count >= mine[i - 1].count,
            `the ${who} process saw the newest head of ${p.cp} go back from lastSeq ${mine[i - 1].lastSeq} (${mine[i - 1].count} records) to ${mine[i].lastSeq} (${mine[i].count})`);
        }
      }
    }

    const app = new App({ store: h.store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
    const svc = configureRecords(app.ctx, RecordsSigner.fromText(pem));
    const archive = svc.archive;
    // Every head either process signed.
    for (const p of providers) {
      const all = await archive.providerHeads({ month, contentProviderId: p.cp });
      assert.ok(all.length > 1, 'heads were signed by both processes');
      const at = new Map<number, string>();
      for (const x of all) {
        const same = at.get(x.lastSeq);
        assert.ok(same === undefined || same === `${x.count}:${x.digest}`, `two heads of ${p.cp} at seq ${x.lastSeq} disagree (a fork)`);
        at.set(x.lastSeq, `${x.count}:${x.digest}`);
      }
    }

    await svc.publishHeads();
    const report = await svc.verify({ month });
    assert.equal(report.ok, true, JSON.stringify(report.chains.map((c) => c.failure)));
    const v = report.chains.find((c) => c.chain === month)!;
    assert.ok((v.providerHeadsChecked ?? 0) > 2, 'the provider heads were checked');
    assert.equal(v.pending ?? 0, 0);

    // Recomputed here from the month's chain: every record of each provider folded once.
    const links = [];
    for (let after = 0; ;) {
      const page = await archive.chainLinks(month, after, 10_000);
      if (!page.length) break;
      links.push(...page);
      after = page[page.length - 1].seq;
    }
    const state = new Map<string, ProviderDigest>();
    foldProviders(month, state, links);
    const newest = new Map((await archive.providerHeads({ month, latest: true })).map((x) => [x.contentProviderId, x]));
    let written = 0;
    for (const p of providers) {
      const n = Number((await h.store.pool.query<{ n: string }>('SELECT count(*) AS n FROM records WHERE content_provider_id = $1', [p.cp])).rows[0].n);
      written += n;
      const d = state.get(p.cp)!;
      assert.equal(d.count, n, `the chain holds every record of ${p.cp} once`);
      const head = newest.get(p.cp)!;
      assert.equal(head.count, n, `the newest head of ${p.cp} counts each of its ${n} records once`);
      assert.equal(head.lastSeq, d.lastSeq);
      assert.equal(head.digest, d.digest.toString('hex'), `the newest head of ${p.cp} is the fold of its records`);
    }
    assert.equal(written, one.decided + two.decided, 'one record per decision, none lost');
  } finally {
    await h.dispose();
  }
});

test('a process whose digests were read before the other process signed newer heads does not sign an older head as the newest', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, otherStore) => {
    const { cp, service } = await seedProvider(h.store);
    const { pem } = RecordsSigner.generate();
    const first = configureRecords(new App({ store: h.store, clock: new SystemClock(), profile: resolveProfile('cn-2015') }).ctx, RecordsSigner.fromText(pem));
    const second = configureRecords(new App({ store: otherStore, clock: new SystemClock(), profile: resolveProfile('cn-2015') }).ctx, RecordsSigner.fromText(pem));
    const month = monthOf(T0);
    const send = (s: typeof h.store) => s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn(), at: T0 })], () => decision(true));
    await send(h.store);
    // The interleaving the test above leaves to chance, made certain: the first process has advanced
    // the digests and read them; before it looks up the newest heads, the second process records
    // another message and publishes (links it, folds it, signs a head covering it).
    const archive = h.store.records.archive!;
    const lookup = archive.providerHeads.bind(archive);
    let interleaved = false;
    archive.providerHeads = async (q) => {
      if (q.latest && q.month === month && !interleaved) {
        interleaved = true;
        await send(otherStore);
        await second.publishHeads();
      }
      return lookup(q);
    };
    await first.publishHeads();
    assert.ok(interleaved);
    const newest = await lookup({ month, contentProviderId: cp.id, latest: true });
    assert.equal(newest.length, 1);
    assert.equal(newest[0].count, 2, 'the newest head covers both messages, not the one the first process read before the second signed');
    assert.deepEqual((await first.providerHeads(cp.id)).map((x) => x.count), [2], 'GET /v1/records/heads?contentProviderId= answers the head covering both');
    const report = await first.verify({ month });
    assert.equal(report.ok, true, JSON.stringify(report.chains.map((c) => c.failure)));
  });
});

/**
 * The completeness proof of one provider's inspection export (docs/RECORDS.md "Completeness of one
 * provider's export"), as one scenario both stores run (test/e2e/provider-proof.test.ts on SQLite,
 * test/integration/pg/provider-proof.test.ts on PostgreSQL): two providers sending interleaved over
 * three days of November, every message delivered (its status records written) before anything is
 * exported, so that the records compared do not move under the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestGateway, Provider } from './gateway.js';
import { checkExport, exportedLines } from './records.js';
import { recordsFor } from '../../src/app/records-service.js';
import type { ExportManifest } from '../../src/app/inspect-export.js';
import type { RecordRow, StoredProviderHead } from '../../src/ports/store.js';
import { verifyTextSignature } from '../../src/app/records-signing.js';
import { foldProviders, providerHeadPayload, type ProviderDigest } from '../../src/domain/provider-chain.js';

export const DAY = 86_400_000;
/** Noon of 10 November 2026, Shanghai: the scenario's first day. */
export const NOV_10_NOON = Date.parse('2026-11-10T04:00:00Z');
export const NOV_FROM = '2026-11-01T00:00:00+08:00';
export const NOV_TO = '2026-12-01T00:00:00+08:00';

const exportUrl = (cp: string, from: string, to: string, format = 'jsonl') => `/v1/records/export?contentProviderId=${cp}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=${format}`;

/** Sends one notification; returns its id. */
export async function send(g: TestGateway, p: Provider, port: string, to: string): Promise<string> {
  const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: port, to, text: '【示例】您的订单已发货。'.replace('示例', port === '10698001' ? '别家' : '示例'), type: 'notification' } });
  assert.equal(r.statusCode, 202, r.body);
  return r.json().id;
}

/** Waits until every message is delivered (its status records written). */
export async function settle(g: TestGateway, sent: { id: string; p: Provider }[]): Promise<void> {
  await g.worker.drain();
  for (const { id, p } of sent) {
    let status = '';
    for (let n = 0; n < 300 && status !== 'delivered'; n++) {
      status = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: p.auth })).json().status;
      if (status !== 'delivered') await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(status, 'delivered', id);
  }
}

/**
 * Day 1 (10 Nov): mine, theirs, mine; day 2: theirs, mine, theirs, mine; day 3: mine, theirs. Returns
 * the instants that split the days (midnight Shanghai before days 2 and 3).
 */
export async function interleaved(g: TestGateway, mine: Provider, theirs: Provider): Promise<{ day2: number; day3: number }> {
  const sent: { id: string; p: Provider }[] = [];
  const go = async (who: 'm' | 't', i: number) => {
    const p = who === 'm' ? mine : theirs;
    sent.push({ id: await send(g, p, who === 'm' ? '10690001' : '10698001', `1380013${who === 'm' ? '8' : '9'}${String(i).padStart(3, '0')}`), p });
    g.clock.advance(60_000);
  };
  let i = 0;
  for (const w of ['m', 't', 'm'] as const) await go(w, i++);
  await settle(g, sent);
  g.clock.advance(DAY);
  for (const w of ['t', 'm', 't', 'm'] as const) await go(w, i++);
  await settle(g, sent);
  g.clock.advance(DAY);
  for (const w of ['m', 't'] as const) await go(w, i++);
  await settle(g, sent);
  return { day2: NOV_10_NOON + 12 * 3_600_000, day3: NOV_10_NOON + 12 * 3_600_000 + DAY };
}

/** An export over the API by the operator, checked as its recipient would (checkExport: the provider proof included). */
export async function exported(g: TestGateway, cp: string, from: string, to: string, format: 'jsonl' | 'csv' = 'jsonl'): Promise<{ manifest: ExportManifest; lines: { seq: number; month: string; hash: string }[]; body: Buffer }> {
  const r = await g.http.inject({ method: 'GET', url: exportUrl(cp, from, to, format), headers: g.admin });
  assert.equal(r.statusCode, 200, r.body);
  const { manifest, text } = checkExport(g, r.rawPayload, format);
  return { manifest, lines: exportedLines(text, format), body: r.rawPayload };
}

/** Every record of the provider (oldest first), as the records API reads them. */
export async function recordsOf(g: TestGateway, cp: string): Promise<RecordRow[]> {
  return (await g.app.ctx.store.records.queryRecords({ contentProviderId: cp, limit: 1000 })).records.reverse();
}

/** The provider's chain hashes of a month (seq order), as the month chain stores them. */
export async function chainHashesOf(g: TestGateway, month: string, cp: string): Promise<{ seq: number; at: number; hash: string }[]> {
  return (await recordsFor(g.app.ctx).archive.chainLinks(month, 0, 100_000, cp)).map((l) => ({ seq: l.seq, at: l.at, hash: Buffer.from(l.hash).toString('hex') }));
}

/**
 * An export made by a gateway whose read of the provider's records left one out (`drop` picks it
 * among the records the honest export holds): the gateway's own key signs the manifest, the file's
 * size, SHA-256 and record digest all match what it wrote. Only the provider proof can tell.
 */
export async function exportLeavingOut(g: TestGateway, cp: string, from: string, to: string, drop: number): Promise<Buffer> {
  const a = recordsFor(g.app.ctx).archive;
  const scan = a.scanProvider;
  a.scanProvider = async (...args) => (await scan.apply(a, args)).filter((r) => r.seq !== drop);
  try {
    const r = await g.http.inject({ method: 'GET', url: exportUrl(cp, from, to), headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    return r.rawPayload;
  } finally {
    a.scanProvider = scan;
  }
}

/** The digests of a month folded from scratch over its chain (what `records verify` recomputes). */
export async function digestsOf(g: TestGateway, month: string): Promise<Map<string, ProviderDigest>> {
  const state = new Map<string, ProviderDigest>();
  foldProviders(month, state, await recordsFor(g.app.ctx).archive.chainLinks(month, 0, 100_000));
  return state;
}

/**
 * The scenario's tests, for the store `start` opens (a gateway at NOV_10_NOON with two providers).
 * The last test signs a false provider head, so it runs last.
 */
export function providerProofTests(start: () => Promise<{ g: TestGateway; mine: Provider; theirs: Provider; close(): Promise<void> }>): void {
  let g: TestGateway;
  let mine: Provider;
  let theirs: Provider;
  let close: () => Promise<void>;
  let days: { day2: number; day3: number };
  const iso = (t: number) => new Date(t).toISOString();

  before(async () => {
    ({ g, mine, theirs, close } = await start());
    days = await interleaved(g, mine, theirs);
  });
  after(async () => close?.());

  test('an export of one provider among several verifies: the file folds from its month\'s genesis to the signed provider head, and so does the other provider\'s', async () => {
    for (const [p, other] of [[mine, theirs], [theirs, mine]] as const) {
      for (const format of ['jsonl', 'csv'] as const) {
        const { manifest, lines } = await exported(g, p.id, NOV_FROM, NOV_TO, format);
        const all = await recordsOf(g, p.id);
        assert.deepEqual(lines.map((l) => l.seq), all.map((r) => r.seq), 'every record of the provider, no other\'s');
        assert.deepEqual(manifest.unprovenMonths, []);
        assert.equal(manifest.providerProofs.length, 1);
        const [proof] = manifest.providerProofs;
        assert.equal(proof.month, '2026-11');
        assert.deepEqual(proof.before.count, 0, 'the range starts with the month');
        assert.deepEqual(proof.between, []);
        assert.deepEqual(proof.tail, []);
        assert.equal(proof.head.count, lines.length);
        assert.equal(proof.head.lastSeq, lines[lines.length - 1].seq);
        // the head's digest is the month chain's, folded from scratch over every provider's records
        const d = (await digestsOf(g, '2026-11')).get(p.id)!;
        assert.equal(proof.head.digest, d.digest.toString('hex'));
        assert.ok(!lines.some((l) => (all.find((r) => r.seq === l.seq)!.contentProviderId !== p.id)));
        assert.ok((await recordsOf(g, other.id)).length > 0);
      }
    }
  });

  test('a gateway whose export left out one of the provider\'s records (the first, one in the middle, the last) signs a manifest that fails the provider-chain check', async () => {
    const { lines } = await exported(g, mine.id, NOV_FROM, NOV_TO);
    for (const drop of [lines[0].seq, lines[Math.floor(lines.length / 2)].seq, lines[lines.length - 1].seq]) {
      const body = exportLeavingOut(g, mine.id, NOV_FROM, NOV_TO, drop);
      const tar = await body;
      // everything else about the file holds: the gateway's key signed it, size and SHA-256 match
      assert.throws(() => checkExport(g, tar, 'jsonl'), /provider chain of 2026-11: the file with the proof's hashes does not reach the signed provider head/, `seq ${drop} left out`);
    }
  });

  test('an export whose range starts and ends in the middle of the month verifies: the records before it are a digest and a count, those after it tail hashes', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const { manifest, lines } = await exported(g, mine.id, iso(days.day2), iso(days.day3), format);
      const chain = await chainHashesOf(g, '2026-11', mine.id);
      const inRange = chain.filter((c) => c.at >= days.day2 && c.at < days.day3);
      assert.ok(inRange.length > 0);
      assert.deepEqual(lines.map((l) => l.hash), inRange.map((c) => c.hash));
      const [proof] = manifest.providerProofs;
      assert.equal(proof.before.count, chain.filter((c) => c.at < days.day2).length);
      assert.ok(proof.before.count > 0);
      assert.deepEqual(proof.tail, chain.filter((c) => c.at >= days.day3).map((c) => c.hash));
      assert.ok(proof.tail.length > 0);
      assert.equal(proof.before.count + lines.length + proof.between.length + proof.tail.length, proof.head.count);
    }
  });

  test('a record the provider gets after the range appears in the next export of that range as a tail hash, the file unchanged', async () => {
    const { manifest: first, lines: before } = await exported(g, mine.id, NOV_FROM, iso(days.day3));
    const had = new Set((await recordsOf(g, mine.id)).map((r) => r.seq));
    g.clock.advance(DAY);
    const id = await send(g, mine, '10690001', '13800138999');
    await settle(g, [{ id, p: mine }]);
    const { manifest: second, lines: again } = await exported(g, mine.id, NOV_FROM, iso(days.day3));
    assert.deepEqual(again, before);
    const added = (await chainHashesOf(g, '2026-11', mine.id)).filter((c) => !had.has(c.seq));
    assert.ok(added.length >= 2, 'the submission and its status records');
    for (const { hash } of added) {
      assert.ok(!first.providerProofs[0].tail.includes(hash));
      assert.ok(second.providerProofs[0].tail.includes(hash), 'each new record is a tail hash');
    }
    assert.deepEqual(second.providerProofs[0].tail.slice(0, first.providerProofs[0].tail.length), first.providerProofs[0].tail);
    assert.ok(second.providerProofs[0].head.count > first.providerProofs[0].head.count);
  });

  test('GET /v1/records/heads?contentProviderId= adds the provider\'s signed provider heads: the operator any, a regulator its province\'s, a provider its own only; without it the answer is as before', async () => {
    const plain = await g.http.inject({ method: 'GET', url: '/v1/records/heads', headers: g.admin });
    assert.equal(plain.statusCode, 200, plain.body);
    assert.deepEqual(Object.keys(plain.json()).sort(), ['heads', 'keyId', 'publicKey']);
    const d = (await digestsOf(g, '2026-11')).get(mine.id)!;
    for (const auth of [g.admin, mine.auth]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/records/heads?contentProviderId=${mine.id}`, headers: auth });
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      assert.ok(Array.isArray(body.heads) && body.heads.length > 0);
      const [h] = body.providerHeads.filter((x: StoredProviderHead) => x.month === '2026-11');
      assert.equal(h.contentProviderId, mine.id);
      assert.equal(h.publicKey, body.publicKey);
      assert.equal(verifyTextSignature(providerHeadPayload(h), h.signature, h.publicKey), true);
      assert.equal(verifyTextSignature(providerHeadPayload({ ...h, count: h.count + 1 }), h.signature, h.publicKey), false);
      assert.deepEqual([h.count, h.lastSeq, h.digest], [d.count, d.lastSeq, d.digest.toString('hex')]);
    }
    const other = await g.http.inject({ method: 'GET', url: `/v1/records/heads?contentProviderId=${theirs.id}`, headers: mine.auth });
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().error.code, 'forbidden');
    // a regulator of the providers' province (Fujian, 35) reads them; one of Beijing's is refused by its province
    const bearer = (t: { token: string }) => ({ authorization: `Bearer ${t.token}` });
    const fujian = await g.app.auth.createToken('regulator', 'fj', null, { province: '35' });
    const beijing = await g.app.auth.createToken('regulator', 'bj', null, { province: '11' });
    const inside = await g.http.inject({ method: 'GET', url: `/v1/records/heads?contentProviderId=${theirs.id}`, headers: bearer(fujian) });
    assert.equal(inside.statusCode, 200, inside.body);
    assert.ok(inside.json().providerHeads.every((x: StoredProviderHead) => x.contentProviderId === theirs.id) && inside.json().providerHeads.length > 0);
    const outside = await g.http.inject({ method: 'GET', url: `/v1/records/heads?contentProviderId=${theirs.id}`, headers: bearer(beijing) });
    assert.equal(outside.statusCode, 403);
    assert.equal(outside.json().error.rule, 'supervision.province-scope');
    assert.ok(outside.json().error.article);
  });

  test('records verify recomputes each provider\'s digest from the month chain: a provider head signed over a selection that left a record out is provider_head_mismatch', async () => {
    const svc = recordsFor(g.app.ctx);
    const ok = (await svc.verify({ month: '2026-11' })).chains.find((c) => c.chain === '2026-11')!;
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.ok((ok.providerHeadsChecked ?? 0) >= 2);
    // A gateway that folded the provider's records but one, and signed that.
    const links = (await svc.archive.chainLinks('2026-11', 0, 100_000)).filter((l) => l.contentProviderId === mine.id);
    const state = new Map<string, ProviderDigest>();
    foldProviders('2026-11', state, links.filter((_, i) => i !== 1));
    const short = state.get(mine.id)!;
    await svc.archive.addProviderHead(svc.signer.signProviderHead({ month: '2026-11', contentProviderId: mine.id, lastSeq: short.lastSeq, count: short.count, digest: short.digest.toString('hex'), signedAt: g.clock.now() + 1 }));
    const bad = (await svc.verify({ month: '2026-11' })).chains.find((c) => c.chain === '2026-11')!;
    assert.equal(bad.ok, false);
    assert.equal(bad.failure!.reason, 'provider_head_mismatch');
    assert.equal(bad.failure!.seq, short.lastSeq);
    assert.match(bad.failure!.detail, new RegExp(`content provider ${mine.id}`));
    const r = await g.http.inject({ method: 'GET', url: '/v1/records/verify?month=2026-11', headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().failure.reason, 'provider_head_mismatch');
  });
}

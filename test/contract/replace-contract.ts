/**
 * MessageStore.replaceQueued (SMPP replace_sm, src/app/replace-message.ts), run by the store contract
 * for each adapter: a queued message's text replaced in place under a new decision, in one
 * transaction; a refused one leaves everything as it was (its frequency count too); a batch's claim
 * stands in the way unless it is the one its holder gave up; written or final messages are not
 * touched; the replacement's record keeps the old text and the new. Call inside a describe; `get`
 * returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueuedReplacement, Store, SubmissionItem } from '../../src/ports/store.js';
import type { Facts } from '../../src/pipeline/types.js';
import { T0, decision, heldDecision, item, msisdn, seedProvider, uid } from './fixtures.js';

const OLD = '【示例】您的验证码是123456';
const NEW = '【示例】您的验证码是654321';

/** One accepted verification message of a new provider, and the replacement of its text. */
async function queuedOne(s: Store) {
  const { cp, service } = await seedProvider(s);
  const it = item({ cp: cp.id, from: service, to: msisdn(), at: T0, text: OLD });
  await s.messages.decideAndRecord([it], () => decision(true, OLD));
  const replacement = (text: string, at = T0 + 10, o: Partial<QueuedReplacement> = {}): QueuedReplacement => ({
    item: { ...it, candidate: { ...it.candidate, text } }, previousText: OLD, at, detail: 'text replaced by tok_test',
    recordId: `${it.id}:replaced:${uid('r')}`, uncount: { type: 'verification', category: null, at: T0 }, ...o,
  });
  return { cp, service, it, replacement };
}

export function replaceContract(get: () => Store): void {
  test('replaceQueued: the text replaced in place under the new decision, the message\'s own count given back first; the record keeps both texts', async () => {
    const s = get();
    const { it, replacement } = await queuedOne(s);
    const seen: Facts[] = [];
    const r = await s.messages.replaceQueued(replacement(NEW), (_i: SubmissionItem, f: Facts) => {
      seen.push(f);
      return decision(true, NEW);
    });
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    assert.equal(seen[0].verificationSends.minute, 0, 'the message does not count against its own replacement');
    // the queue sends the new text
    const claimed = (await s.outbox.claim(T0 + 20, 10, 60_000)).filter((m) => m.id === it.id);
    assert.deepEqual(claimed.map((m) => m.text), [NEW]);
    const v = await s.messages.getMessage(it.id);
    assert.equal(v?.text, NEW);
    assert.equal(v?.status, 'accepted');
    assert.deepEqual(v?.history.at(-1), { status: 'accepted', at: T0 + 10, detail: 'text replaced by tok_test' });
    const recs = (await s.records.queryRecords({ contentProviderId: it.candidate.contentProviderId, limit: 10 })).records.filter((x) => x.id === it.id || x.id.startsWith(`${it.id}:`));
    assert.equal(recs.find((x) => x.kind === 'mt')?.body.text, OLD, 'the submission record keeps the first text');
    const rep = recs.find((x) => x.kind === 'status' && x.body.replaced !== undefined)!.body.replaced as Record<string, unknown>;
    assert.deepEqual([rep.previousText, rep.text, rep.decision], [OLD, NEW, 'accepted']);
    // one count on file, the replacement's: a next message to the number sees it
    const next = { ...it, id: uid('msg'), receivedAt: T0 + 30 };
    const nf: Facts[] = [];
    await s.messages.decideAndRecord([next], (_i, f) => {
      nf.push(f);
      return decision(false);
    });
    assert.equal(nf[0].verificationSends.minute, 1);
  });

  test('an SMPP submission\'s data_coding is kept with it and read back, also after a replacement (replace_sm reads the new text in it); none given, none shown', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const smpp: SubmissionItem = { ...item({ cp: cp.id, from: service, to: msisdn(), text: OLD }), channel: 'smpp', dataCoding: 8 };
    const http = item({ cp: cp.id, from: service, to: msisdn(), text: OLD });
    await s.messages.decideAndRecord([smpp, http], () => decision(true, OLD));
    assert.equal((await s.messages.getMessage(smpp.id))?.dataCoding, 8);
    assert.equal((await s.messages.getMessage(http.id))?.dataCoding, undefined);
    const r = await s.messages.replaceQueued({ item: { ...smpp, candidate: { ...smpp.candidate, text: NEW } }, previousText: OLD, at: T0 + 10, detail: 'text replaced by tok_test', recordId: `${smpp.id}:replaced:${uid('r')}` }, () => decision(true, NEW));
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    const v = await s.messages.getMessage(smpp.id);
    assert.deepEqual([v?.text, v?.dataCoding], [NEW, 8]);
  });

  test('replaceQueued: a refused text changes nothing (text, record, count), and the answer carries the refusal', async () => {
    const s = get();
    const { it, replacement } = await queuedOne(s);
    const r = await s.messages.replaceQueued(replacement('【示例】bad'), () => decision(false, '【示例】bad'));
    assert.ok(typeof r === 'object' && r.outcome === 'refused' && r.decision.rejection?.code === 'frequency_exceeded');
    const v = await s.messages.getMessage(it.id);
    assert.equal(v?.text, OLD);
    assert.deepEqual(v?.history.map((h) => h.status), ['accepted']);
    assert.deepEqual((await s.outbox.claim(T0 + 20, 10, 60_000)).filter((m) => m.id === it.id).map((m) => m.text), [OLD]);
    // the count given back for the judgement was rolled back with it
    const nf: Facts[] = [];
    await s.messages.decideAndRecord([{ ...it, id: uid('msg'), receivedAt: T0 + 30 }], (_i, f) => {
      nf.push(f);
      return decision(false);
    });
    assert.equal(nf[0].verificationSends.minute, 1);
  });

  test('replaceQueued: a batch\'s claim answers claimed; the claim its holder gave up does not, and the message goes on a later claim with the new text (or, refused, the old)', async () => {
    const s = get();
    const a = await queuedOne(s);
    const b = await queuedOne(s);
    const held = (await s.outbox.claim(T0 + 5, 100, 60_000)).filter((m) => m.id === a.it.id || m.id === b.it.id);
    assert.equal(held.length, 2);
    const of = (id: string) => held.find((m) => m.id === id)!;
    let decided = 0;
    const accept = () => {
      decided++;
      return decision(true, NEW);
    };
    assert.equal(await s.messages.replaceQueued(a.replacement(NEW), accept), 'claimed');
    assert.equal(decided, 0, 'nothing decided for a claimed message');
    assert.equal(await s.messages.replaceQueued(a.replacement(NEW, T0 + 10, { evenIfClaimedBy: of(b.it.id) }), accept), 'claimed', 'another message\'s claim is not this one\'s');
    const r = await s.messages.replaceQueued(a.replacement(NEW, T0 + 10, { evenIfClaimedBy: of(a.it.id) }), accept);
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    const refused = await s.messages.replaceQueued(b.replacement('【示例】bad', T0 + 10, { evenIfClaimedBy: of(b.it.id) }), () => decision(false, '【示例】bad'));
    assert.ok(typeof refused === 'object' && refused.outcome === 'refused');
    // both claims given up are gone: the next claim takes both, long before their leases end, each with its text as it now is
    const again = (await s.outbox.claim(T0 + 20, 100, 60_000)).filter((m) => m.id === a.it.id || m.id === b.it.id);
    assert.deepEqual(again.map((m) => [m.id, m.text]).sort(), [[a.it.id, NEW], [b.it.id, OLD]].sort());
  });

  test('replaceQueued: another provider\'s message is unknown; one written to the carrier, or final, is final and untouched', async () => {
    const s = get();
    const { it, replacement } = await queuedOne(s);
    const other = await seedProvider(s);
    const never = () => assert.fail('nothing is decided');
    const foreign = replacement(NEW);
    assert.equal(await s.messages.replaceQueued({ ...foreign, item: { ...foreign.item, candidate: { ...foreign.item.candidate, contentProviderId: other.cp.id } } }, never), 'unknown');
    assert.equal(await s.messages.replaceQueued({ ...foreign, item: { ...foreign.item, id: uid('msg') } }, never), 'unknown');
    await s.outbox.claim(T0 + 5, 100, 60_000);
    await s.outbox.recordStatuses([{ id: it.id, status: 'submitted', at: T0 + 6, upstreamId: 'UPR' }]);
    assert.equal(await s.messages.replaceQueued(replacement(NEW), never), 'final');
    assert.equal((await s.messages.getMessage(it.id))?.text, OLD);
    // a long message whose first part the carrier acknowledged, waiting to retry the rest: partly written
    const long = await queuedOne(s);
    const [c] = (await s.outbox.claim(T0 + 7, 100, 60_000)).filter((m) => m.id === long.it.id);
    await s.outbox.retryLater(c, T0 + 8, 'link down', { ref: 7, partIds: ['UP1', null] });
    assert.equal(await s.messages.replaceQueued(long.replacement(NEW), never), 'final');
    assert.deepEqual((await s.outbox.claim(T0 + 9, 100, 60_000)).filter((m) => m.id === long.it.id).map((m) => m.text), [OLD]);
  });

  test('replaceQueued: a held message takes the new decision: released to the queue when accepted, still held when held again', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const it = item({ cp: cp.id, from: service, to: msisdn(), at: T0, text: OLD });
    await s.messages.decideAndRecord([it], () => heldDecision(OLD));
    const rep = (text: string, at: number): QueuedReplacement => ({
      item: { ...it, candidate: { ...it.candidate, text } }, previousText: OLD, at, detail: 'text replaced by tok_test', recordId: `${it.id}:replaced:${uid('r')}`,
    });
    const still = await s.messages.replaceQueued(rep('【示例】still held', T0 + 10), () => heldDecision('【示例】still held'));
    assert.ok(typeof still === 'object' && still.outcome === 'replaced');
    assert.equal((await s.messages.getMessage(it.id))?.status, 'held');
    assert.deepEqual((await s.outbox.claim(T0 + 20, 100, 60_000)).filter((m) => m.id === it.id), [], 'held: not due');
    const r = await s.messages.replaceQueued(rep(NEW, T0 + 30), () => decision(true, NEW));
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    const v = await s.messages.getMessage(it.id);
    assert.deepEqual([v?.status, v?.text, v?.decision], ['accepted', NEW, 'accepted']);
    assert.deepEqual((await s.outbox.claim(T0 + 40, 100, 60_000)).filter((m) => m.id === it.id).map((m) => m.text), [NEW]);
  });

  test('replaceQueued: a retry backoff (or deferral) pending keeps its due time: a replacement for "now" does not pull it forward, one scheduled later still moves it later', async () => {
    const s = get();
    const a = await queuedOne(s);
    const b = await queuedOne(s);
    // both tried once and put back for later after a temporary upstream failure (ESME_RTHROTTLED)
    const mine = (await s.outbox.claim(T0 + 5, 100, 60_000)).filter((m) => m.id === a.it.id || m.id === b.it.id);
    assert.equal(mine.length, 2);
    for (const c of mine) await s.outbox.retryLater(c, T0 + 10_000, 'ESME_RTHROTTLED');
    const at = T0 + 20;
    const now = a.replacement(NEW, at);
    const ra = await s.messages.replaceQueued({ ...now, item: { ...now.item, receivedAt: at } }, () => decision(true, NEW));
    assert.ok(typeof ra === 'object' && ra.outcome === 'replaced');
    const later = b.replacement(NEW, at);
    const rb = await s.messages.replaceQueued({ ...later, item: { ...later.item, receivedAt: at, scheduledAt: T0 + 50_000 } }, () => decision(true, NEW));
    assert.ok(typeof rb === 'object' && rb.outcome === 'replaced');
    const taken = async (t: number) => (await s.outbox.claim(t, 100, 60_000)).filter((m) => m.id === a.it.id || m.id === b.it.id).map((m) => [m.id, m.text]);
    assert.deepEqual(await taken(T0 + 30), [], 'still backing off: not claimed again at once');
    assert.deepEqual(await taken(T0 + 10_000), [[a.it.id, NEW]], 'due at its backoff');
    assert.deepEqual(await taken(T0 + 50_000), [[b.it.id, NEW]], 'due at its later schedule');
  });

  test('replaceQueued: an explicit schedule moved earlier (no retry pending) is moved earlier; with a retry pending the backoff still holds', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const scheduled = (): SubmissionItem => ({ ...item({ cp: cp.id, from: service, to: msisdn(), at: T0, text: OLD }), scheduledAt: T0 + 100_000 });
    const x = scheduled();
    await s.messages.decideAndRecord([x], () => decision(true, OLD));
    const rep = (it: SubmissionItem, at: number, scheduledAt: number): QueuedReplacement => ({
      item: { ...it, receivedAt: at, scheduledAt, candidate: { ...it.candidate, text: NEW } }, previousText: OLD, at, detail: 'text replaced by tok_test', recordId: `${it.id}:replaced:${uid('r')}`,
    });
    const r = await s.messages.replaceQueued(rep(x, T0 + 10, T0 + 50_000), () => decision(true, NEW));
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    assert.deepEqual((await s.outbox.claim(T0 + 50_000, 100, 60_000)).filter((m) => m.id === x.id).map((m) => m.text), [NEW], 'due at the earlier schedule');
    // the same message, now backing off after that attempt: a replacement asking for an earlier time waits for the backoff
    const [c] = (await s.outbox.claim(T0 + 111_000, 100, 60_000)).filter((m) => m.id === x.id);
    assert.ok(c, 'its lease ran out: claimed again');
    await s.outbox.retryLater(c, T0 + 500_000, 'ESME_RTHROTTLED');
    const r2 = await s.messages.replaceQueued(rep(x, T0 + 120_000, T0 + 200_000), () => decision(true, NEW));
    assert.ok(typeof r2 === 'object' && r2.outcome === 'replaced');
    assert.deepEqual((await s.outbox.claim(T0 + 200_000, 100, 60_000)).filter((m) => m.id === x.id), [], 'the backoff holds');
    assert.deepEqual((await s.outbox.claim(T0 + 500_000, 100, 60_000)).filter((m) => m.id === x.id).map((m) => m.text), [NEW]);
  });
}

/**
 * `Facts.recentTexts` (rule content.duplicate: identical content to one number at most once per
 * window), run by the store contract for each adapter: the final texts a decision accepted or held
 * are in a later decision's facts for the same provider and number, within the same transaction too;
 * a refused one is not, nor one of a transaction that failed; they are forgotten after the window
 * (`keepTextsFor`, 30 s by default) from their time (a scheduled one's schedule); a replacement does
 * not see its own text and leaves its new one. Call inside a describe; `get` returns the store of
 * the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store, SubmissionItem } from '../../src/ports/store.js';
import type { Facts } from '../../src/pipeline/types.js';
import { textHash } from '../../src/domain/text-hash.js';
import { T0, HOUR, decision, heldDecision, item, msisdn, seedProvider, uid } from './fixtures.js';

const TEXT = '【示例】您的快递已到驿站';

/** Decides every item with `d` and returns the facts each was decided on. */
async function decideAll(s: Store, items: SubmissionItem[], d: (i: SubmissionItem, f: Facts) => ReturnType<typeof decision>): Promise<Facts[]> {
  const seen: Facts[] = [];
  await s.messages.decideAndRecord(items, (i, f) => {
    seen.push(f);
    return d(i, f);
  });
  return seen;
}

/** The facts' recent texts as [hash, at], by time (the order they come in is not the contract's). */
const texts = (f: Facts) => [...(f.recentTexts ?? [])].sort((a, b) => a.at - b.at).map((r) => [r.hash, r.at]);
/** Texts as the facts carry them (src/domain/text-hash.ts), in the order {@link texts}' hashes sort. */
const hashes = (...t: string[]) => t.map(textHash).sort((a, b) => a - b);

export function duplicateContentContract(get: () => Store): void {
  test('recentTexts: an accepted or held final text is in the next decision\'s facts for the same provider and number, in the same batch too; a refused one is not', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const n = (o: { at?: number; to?: string; text?: string } = {}) => item({ cp: cp.id, from: service, to: o.to ?? to, type: 'notification', at: o.at ?? T0, text: o.text ?? TEXT });
    // refused first: never counted
    const refused = await decideAll(s, [n()], () => decision(false, TEXT));
    assert.equal(refused[0].recentTexts, undefined);
    // accepted, then in the same batch a second item sees it (its final text, at its time)
    const final = `${TEXT}拒收请回复R`;
    const batch = await decideAll(s, [n(), n({ at: T0 + 1 }), n({ to: msisdn(), at: T0 + 2 })], (i) => (i.receivedAt === T0 ? decision(true, final) : decision(false, TEXT)));
    assert.equal(batch[0].recentTexts, undefined, 'the refused copy before it counted for nothing');
    assert.deepEqual(texts(batch[1]), [[textHash(final), T0]]);
    assert.equal(batch[2].recentTexts, undefined, 'another number');
    // a held message counts like an accepted one
    await decideAll(s, [n({ at: T0 + 3, text: 'held' })], () => heldDecision('held'));
    const later = await decideAll(s, [n({ at: T0 + 4 })], () => decision(false));
    assert.deepEqual(texts(later[0]), [[textHash(final), T0], [textHash('held'), T0 + 3]]);
    // another provider to the same number sees none of them
    const other = await seedProvider(s);
    const theirs = await decideAll(s, [item({ cp: other.cp.id, from: other.service, to, type: 'notification', at: T0 + 5 })], () => decision(false));
    assert.equal(theirs[0].recentTexts, undefined);
  });

  test('recentTexts: a decision transaction that fails leaves none of its texts', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const items = [item({ cp: cp.id, from: service, to, type: 'notification', text: TEXT }), item({ cp: cp.id, from: service, to, type: 'notification', text: TEXT })];
    await assert.rejects(s.messages.decideAndRecord(items, (it) => {
      if (it === items[1]) throw new Error('boom');
      return decision(true, TEXT);
    }), /boom/);
    const after = await decideAll(s, [item({ cp: cp.id, from: service, to, type: 'notification', text: TEXT, at: T0 + 1 })], () => decision(false));
    assert.equal(after[0].recentTexts, undefined);
  });

  test('recentTexts: forgotten 30 s after their time by default, a scheduled one counted at its schedule; keepTextsFor changes the window, 0 keeps none', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const n = (at: number, scheduledAt?: number) => ({ ...item({ cp: cp.id, from: service, to, type: 'notification', at, text: uid('t') }), ...(scheduledAt !== undefined ? { scheduledAt } : {}) });
    await decideAll(s, [n(T0), n(T0, T0 + HOUR)], (i) => decision(true, i.candidate.text));
    const at29 = await decideAll(s, [n(T0 + 29_000)], () => decision(false));
    assert.deepEqual(texts(at29[0]).map((r) => r[1]), [T0, T0 + HOUR]);
    const at30 = await decideAll(s, [n(T0 + 30_000)], () => decision(false));
    assert.deepEqual(at30[0].recentTexts?.map((r) => r.at), [T0 + HOUR], 'the scheduled one is kept until 30 s after its schedule');
    const after = await decideAll(s, [n(T0 + HOUR + 30_000)], () => decision(false));
    assert.equal(after[0].recentTexts, undefined);
    assert.ok(s.messages.keepTextsFor, 'both adapters keep recent texts');
    s.messages.keepTextsFor(0);
    await decideAll(s, [n(T0 + 2 * HOUR)], (i) => decision(true, i.candidate.text));
    const none = await decideAll(s, [n(T0 + 2 * HOUR + 1)], () => decision(false));
    assert.equal(none[0].recentTexts, undefined);
    s.messages.keepTextsFor(120_000);
    await decideAll(s, [n(T0 + 3 * HOUR)], (i) => decision(true, i.candidate.text));
    const minute = await decideAll(s, [n(T0 + 3 * HOUR + 90_000)], () => decision(false));
    assert.equal(minute[0].recentTexts?.length, 1);
  });

  test('recentTexts: a replacement does not see its own text, and leaves its new text in place of the old', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const it = item({ cp: cp.id, from: service, to, type: 'notification', text: TEXT });
    await s.messages.decideAndRecord([it], () => decision(true, TEXT));
    const seen: Facts[] = [];
    const NEW = `${TEXT}，请尽快取件`;
    const r = await s.messages.replaceQueued({ item: { ...it, candidate: { ...it.candidate, text: NEW } }, previousText: TEXT, at: T0 + 10, detail: 'text replaced by tok_test', recordId: `${it.id}:replaced:${uid('r')}` }, (_i, f) => {
      seen.push(f);
      return decision(true, NEW);
    });
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    assert.equal(seen[0].recentTexts?.length ?? 0, 0, 'its own text is no copy');
    const next = await decideAll(s, [item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 })], () => decision(false));
    assert.deepEqual(next[0].recentTexts?.map((x) => x.hash), [textHash(NEW)]);
  });

  test('recentTexts: a cancelled message, and a held one rejected or expired, is no longer a text a copy repeats; a released one still is', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const n = (at: number, text = TEXT) => item({ cp: cp.id, from: service, to, type: 'notification', at, text });
    const seenAt = async (at: number) => texts((await decideAll(s, [n(at)], () => decision(false)))[0]).map((x) => x[0]).sort((a, b) => a - b);
    const sent = n(T0);
    await s.messages.decideAndRecord([sent], () => decision(true, TEXT));
    assert.equal(await s.outbox.cancel(sent.id, cp.id, T0 + 1, 'cancelled by tok_test'), 'cancelled');
    assert.deepEqual(await seenAt(T0 + 2), []);
    const held = [n(T0 + 3, 'a'), n(T0 + 3, 'b'), n(T0 + 3, 'c')];
    await s.messages.decideAndRecord(held, (i) => heldDecision(i.candidate.text));
    assert.deepEqual(await seenAt(T0 + 4), hashes('a', 'b', 'c'));
    assert.ok(await s.messages.resolveHeld(held[0].id, { action: 'reject', at: T0 + 5, actor: 'op', reason: 'spam' }));
    assert.ok(await s.messages.resolveHeld(held[1].id, { action: 'expire', at: T0 + 5, actor: 'system', reason: 'hold over' }));
    assert.ok(await s.messages.resolveHeld(held[2].id, { action: 'release', at: T0 + 5, actor: 'op', reason: 'fine' }));
    assert.deepEqual(await seenAt(T0 + 6), hashes('c'));
  });
}

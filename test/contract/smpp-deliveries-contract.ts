/**
 * The SmppDeliveryStore contract (src/ports/smpp-deliveries.ts): run by the store contract for each
 * adapter (SQLite, PostgreSQL) and by smpp-deliveries-memory.test.ts for the SMPP server's in-memory
 * fallback. Call inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewSmppDelivery, ProviderPart, SmppDeliveryStore } from '../../src/ports/smpp-deliveries.js';
import { T0, MIN, HOUR } from './fixtures.js';

function row(cp: string, key: string, o: Partial<NewSmppDelivery> = {}): NewSmppDelivery {
  return { contentProviderId: cp, kind: 'receipt', key, pdu: Buffer.from(`pdu ${key}\u0000\u00ff`, 'latin1'), msisdn: '+8613800138000', createdAt: T0, dueAt: T0, attempts: 0, ...o };
}

export function smppDeliveriesContract(get: () => SmppDeliveryStore): void {
  test('smpp deliveries: kept once per provider and key, bytes intact, oldest first', async () => {
    const d = get();
    assert.equal(await d.add([row('cp_a', 'receipt:m1:DELIVRD'), row('cp_a', 'mo:o1:0', { kind: 'mo', msisdn: '+8613900139000' }), row('cp_b', 'receipt:m1:DELIVRD')]), 3);
    assert.equal(await d.add([row('cp_a', 'receipt:m1:DELIVRD'), row('cp_a', 'receipt:m2:DELIVRD'), row('cp_a', 'receipt:m2:DELIVRD')]), 1, 'a key already waiting (or twice in one batch) is kept once');
    assert.equal(await d.count(), 4);
    assert.equal(await d.count('cp_a'), 3);
    assert.equal(await d.count('cp_none'), 0);
    const got = await d.claim({ contentProviderId: 'cp_a', owner: 'p1', now: T0, leaseMs: MIN, limit: 10 });
    assert.deepEqual(got.map((r) => r.key), ['receipt:m1:DELIVRD', 'mo:o1:0', 'receipt:m2:DELIVRD']);
    assert.ok(got[0].id < got[1].id && got[1].id < got[2].id);
    assert.deepEqual(Buffer.from(got[0].pdu), Buffer.from('pdu receipt:m1:DELIVRD\u0000\u00ff', 'latin1'));
    assert.deepEqual({ ...got[1], pdu: null, id: 0 }, { ...row('cp_a', 'mo:o1:0', { kind: 'mo', msisdn: '+8613900139000' }), pdu: null, id: 0 });
  });

  test('smpp deliveries: due lists only the given providers with a due, unleased row', async () => {
    const d = get();
    await d.add([row('cp_a', 'k1'), row('cp_b', 'k1', { dueAt: T0 + MIN }), row('cp_c', 'k1')]);
    assert.deepEqual((await d.due(['cp_a', 'cp_b', 'cp_x'], T0)).sort(), ['cp_a']);
    assert.deepEqual((await d.due(['cp_a', 'cp_b'], T0 + MIN)).sort(), ['cp_a', 'cp_b']);
    assert.deepEqual(await d.due([], T0), []);
    await d.claim({ contentProviderId: 'cp_a', owner: 'p1', now: T0, leaseMs: MIN, limit: 10 });
    assert.deepEqual(await d.due(['cp_a'], T0 + 1), [], 'leased');
    assert.deepEqual(await d.due(['cp_a'], T0 + MIN), ['cp_a'], 'the lease ran out');
  });

  test('smpp deliveries: a lease keeps a row from other owners until it runs out; limit; no row twice', async () => {
    const d = get();
    await d.add(Array.from({ length: 20 }, (_, i) => row('cp_a', `k${i}`)));
    const first = await d.claim({ contentProviderId: 'cp_a', owner: 'p1', now: T0, leaseMs: MIN, limit: 5 });
    assert.equal(first.length, 5);
    // two processes claiming at once never get the same row
    const [x, y] = await Promise.all([
      d.claim({ contentProviderId: 'cp_a', owner: 'p2', now: T0 + 1, leaseMs: MIN, limit: 5 }),
      d.claim({ contentProviderId: 'cp_a', owner: 'p3', now: T0 + 1, leaseMs: MIN, limit: 5 }),
    ]);
    const ids = [...first, ...x, ...y].map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(x.length + y.length, 10);
    const rest = await d.claim({ contentProviderId: 'cp_a', owner: 'p2', now: T0 + 2, leaseMs: MIN, limit: 100 });
    assert.equal(rest.length, 5);
    assert.equal((await d.claim({ contentProviderId: 'cp_a', owner: 'p2', now: T0 + 3, leaseMs: MIN, limit: 100 })).length, 0);
    // p1's lease ran out: its five are anyone's again, oldest first
    const again = await d.claim({ contentProviderId: 'cp_a', owner: 'p4', now: T0 + MIN, leaseMs: MIN, limit: 100 });
    assert.deepEqual(again.map((r) => r.id), first.map((r) => r.id));
  });

  test('smpp deliveries: retry only by the holder, with backoff and attempts; release; remove', async () => {
    const d = get();
    await d.add([row('cp_a', 'k1'), row('cp_a', 'k2'), row('cp_a', 'k3')]);
    const [a, b, c] = await d.claim({ contentProviderId: 'cp_a', owner: 'p1', now: T0, leaseMs: MIN, limit: 3 });
    assert.equal(await d.retry(a.id, 'p2', T0 + 5000, 1), false, 'not the holder');
    assert.equal(await d.retry(a.id, 'p1', T0 + 5000, 1), true);
    assert.equal((await d.claim({ contentProviderId: 'cp_a', owner: 'p2', now: T0 + 4999, leaseMs: MIN, limit: 9 })).length, 0, 'not due yet; b and c still leased');
    const back = await d.claim({ contentProviderId: 'cp_a', owner: 'p2', now: T0 + 5000, leaseMs: MIN, limit: 9 });
    assert.deepEqual(back.map((r) => [r.id, r.attempts, r.dueAt]), [[a.id, 1, T0 + 5000]]);
    assert.equal(await d.release('p1'), 2);
    assert.deepEqual((await d.claim({ contentProviderId: 'cp_a', owner: 'p3', now: T0 + 5001, leaseMs: MIN, limit: 9 })).map((r) => r.id), [b.id, c.id]);
    await d.remove([a.id, b.id]);
    await d.remove([]);
    assert.equal(await d.count('cp_a'), 1);
    assert.equal(await d.retry(a.id, 'p2', T0, 2), false, 'gone');
    // a removed key may be added again (a later event with the same identity)
    assert.equal(await d.add([row('cp_a', 'k1')]), 1);
  });

  test('smpp deliveries: expiry drops rows older than the cut-off, oldest first, bounded, without the PDU', async () => {
    const d = get();
    await d.add([
      row('cp_a', 'k1', { createdAt: T0 + 2 * HOUR }),
      row('cp_a', 'k2', { createdAt: T0, kind: 'mo', msisdn: '+8613900139000', attempts: 3 }),
      row('cp_b', 'k3', { createdAt: T0 + HOUR }),
      row('cp_b', 'k4', { createdAt: T0 + 3 * HOUR }),
    ]);
    const one = await d.expire(T0 + 3 * HOUR, 1);
    assert.deepEqual(one.map((r) => ({ ...r, id: 0 })), [{ id: 0, contentProviderId: 'cp_a', kind: 'mo', msisdn: '+8613900139000', createdAt: T0, attempts: 3 }]);
    const rest = await d.expire(T0 + 3 * HOUR, 100);
    assert.deepEqual(rest.map((r) => r.createdAt), [T0 + HOUR, T0 + 2 * HOUR]);
    assert.equal(await d.count(), 1);
    assert.deepEqual(await d.expire(T0 + 3 * HOUR, 100), []);
  });

  test('smpp deliveries: receivers announced per owner, replaced by the next announcement, valid until their time', async () => {
    const d = get();
    const until = T0 + 15_000;
    await d.announceReceivers({ owner: 'p1', contentProviderIds: ['cp_a', 'cp_b', 'cp_a'], now: T0, until });
    await d.announceReceivers({ owner: 'p2', contentProviderIds: ['cp_b', 'cp_c'], now: T0, until });
    assert.deepEqual((await d.receiversElsewhere('p1', T0)).sort(), ['cp_b', 'cp_c']);
    assert.deepEqual((await d.receiversElsewhere('p2', T0)).sort(), ['cp_a', 'cp_b']);
    assert.deepEqual((await d.receiversElsewhere('p3', T0)).sort(), ['cp_a', 'cp_b', 'cp_c']);
    // p1's receiver of cp_b went: its next announcement replaces the list
    await d.announceReceivers({ owner: 'p1', contentProviderIds: ['cp_a'], now: T0 + 1, until: until + 1 });
    assert.deepEqual((await d.receiversElsewhere('p2', T0 + 1)).sort(), ['cp_a']);
    // p2 stopped announcing: gone once its time ran out, while p1 renewed
    assert.deepEqual((await d.receiversElsewhere('p1', until)).sort(), []);
    assert.deepEqual((await d.receiversElsewhere('p2', until)).sort(), ['cp_a']);
    await d.announceReceivers({ owner: 'p1', contentProviderIds: [], now: until, until: until + 15_000 });
    assert.deepEqual(await d.receiversElsewhere('p2', until), []);
  });

  test('provider parts: kept once per set and seq, bytes intact, oldest first; a set dropped whole', async () => {
    const d = get();
    const part = (setKey: string, seq: number, at: number, o: Partial<ProviderPart> = {}): ProviderPart => ({
      setKey, seq, total: 3, octets: Buffer.from([0x4f, 0x60, 0x00, 0xd8 + seq]), dataCoding: 8, partId: `${setKey}-${seq}`, registeredDelivery: 1, at, ...o,
    });
    await d.keepParts([part('cp_a|1|2|8|7|3', 1, T0 + 2), part('cp_a|1|2|8|9|3', 2, T0 + 1, { registeredDelivery: 0, dataCoding: 0 })]);
    await d.keepParts([part('cp_a|1|2|8|7|3', 2, T0 + 3), part('cp_a|1|2|8|7|3', 1, T0 + 4, { partId: 'other' })]);
    await d.keepParts([]);
    const open = await d.openParts();
    assert.deepEqual(open.map((p) => [p.setKey, p.seq, p.partId, p.at]), [['cp_a|1|2|8|9|3', 2, 'cp_a|1|2|8|9|3-2', T0 + 1], ['cp_a|1|2|8|7|3', 1, 'cp_a|1|2|8|7|3-1', T0 + 2], ['cp_a|1|2|8|7|3', 2, 'cp_a|1|2|8|7|3-2', T0 + 3]], 'a repeat changes nothing');
    assert.deepEqual({ ...open[0], octets: Buffer.from(open[0].octets) }, { ...part('cp_a|1|2|8|9|3', 2, T0 + 1, { registeredDelivery: 0, dataCoding: 0 }), octets: Buffer.from([0x4f, 0x60, 0x00, 0xda]) });
    const gone = await d.dropParts(['cp_a|1|2|8|7|3', 'nothing']);
    assert.deepEqual(gone.map((g) => `${g.setKey}#${g.seq}`).sort(), ['cp_a|1|2|8|7|3#1', 'cp_a|1|2|8|7|3#2'], 'the parts it still held');
    assert.deepEqual((await d.openParts()).map((p) => p.setKey), ['cp_a|1|2|8|9|3']);
    assert.deepEqual(await d.dropParts(['cp_a|1|2|8|7|3']), [], 'dropped already (by another process)');
    assert.deepEqual(await d.dropParts([]), []);
    assert.equal((await d.openParts()).length, 1);
  });

  test('provider parts: the vendor TLVs a part gave kept with it (absent when it gave none, "" as given), through openParts and takeWholeSet', async () => {
    const d = get();
    const key = 'cp_a|1|2|8|6|3';
    const part = (seq: number, o: Partial<ProviderPart> = {}): ProviderPart => ({ setKey: key, seq, total: 3, octets: Buffer.from([0x4f, seq]), dataCoding: 8, partId: `q${seq}`, registeredDelivery: 0, at: T0 + seq, ...o });
    const attrs = (p: ProviderPart) => [p.seq, p.messageType, p.category, p.chargedServiceId, 'messageType' in p, 'category' in p, 'chargedServiceId' in p];
    await d.keepParts([part(1, { messageType: 'commercial', category: '会员营销', chargedServiceId: 'chs_1' }), part(2, { chargedServiceId: '' })]);
    assert.deepEqual((await d.openParts()).map(attrs), [[1, 'commercial', '会员营销', 'chs_1', true, true, true], [2, undefined, undefined, '', false, false, true]]);
    await d.keepParts([part(3, { messageType: 'typo' })]);
    const whole = await d.takeWholeSet(key, 3);
    assert.deepEqual(whole!.map(attrs), [[1, 'commercial', '会员营销', 'chs_1', true, true, true], [2, undefined, undefined, '', false, false, true], [3, 'typo', undefined, undefined, true, false, false]]);
  });

  test('provider parts: a set taken whole only when every part is kept, once', async () => {
    const d = get();
    const part = (seq: number): ProviderPart => ({ setKey: 'cp_a|1|2|8|5|2', seq, total: 2, octets: Buffer.from([0x4f, seq]), dataCoding: 8, partId: `p${seq}`, registeredDelivery: seq, at: T0 + seq });
    await d.keepParts([part(2)]);
    assert.equal(await d.takeWholeSet('cp_a|1|2|8|5|2', 2), null, 'one of two: not whole');
    assert.equal((await d.openParts()).length, 1, 'and nothing removed');
    await d.keepParts([part(1)]);
    const [x, y] = await Promise.all([d.takeWholeSet('cp_a|1|2|8|5|2', 2), d.takeWholeSet('cp_a|1|2|8|5|2', 2)]);
    const whole = x ?? y;
    assert.ok((x === null) !== (y === null), 'of two asking at once, one gets it');
    assert.deepEqual(whole!.map((p) => [p.seq, p.partId, p.registeredDelivery, Buffer.from(p.octets).toString('hex')]), [[1, 'p1', 1, '4f01'], [2, 'p2', 2, '4f02']]);
    assert.deepEqual(await d.openParts(), []);
  });
}

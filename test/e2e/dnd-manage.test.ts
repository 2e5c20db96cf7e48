/**
 * The do-not-disturb list managed, not only added to: an operator asks whether a number is on it
 * (since when, from which import), pages through it, and takes a number off it with a reason. Before,
 * the list was add-only: a number imported by mistake stayed refused `opted_out` by every provider for
 * good. Removal touches the list only: what the number refused itself (an opt-out from a provider)
 * stands, and its commercial messages are decided by the ordinary consent rules again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, ADMIN_TOKEN, type Provider, type TestGateway } from '../helpers/gateway.js';
import { hashSecret } from '../../src/app/secrets.js';

type Json = Record<string, any>;

const promo = (to: string) => ({ from: '10690002', to, text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'promo' });
const consent = (msisdn: string) => ({ msisdn, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: `form-${msisdn}`, capturedAt: '2026-11-30T01:00:00Z' } });

const importDnd = (g: TestGateway, msisdns: string[], source: string) => g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns, source } });
const remove = (g: TestGateway, msisdn: string, payload: unknown, headers: Record<string, string> = g.admin) =>
  g.http.inject({ method: 'DELETE', url: `/v1/dnd/${encodeURIComponent(msisdn)}`, headers, ...(payload === undefined ? {} : { payload: payload as Json }) });
const lookUp = (g: TestGateway, query: string, headers: Record<string, string> = g.admin) => g.http.inject({ method: 'GET', url: `/v1/dnd?${query}`, headers });
const send = async (g: TestGateway, cp: Provider, to: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo(to) });

test('one number: on the list or not, since when, from which import; read as the import reads it', async () => {
  await withGateway(async (g) => {
    const listedAt = new Date(g.clock.now()).toISOString();
    assert.equal((await importDnd(g, ['13900139001'], 'miit-2026-11')).json().added, 1);
    for (const spelling of ['13900139001', '+8613900139001', '8613900139001', ' 13900139001 ']) {
      const r = await lookUp(g, `msisdn=${encodeURIComponent(spelling)}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { items: [{ msisdn: '+8613900139001', listedAt, source: 'miit-2026-11' }], nextCursor: null }, spelling);
    }
    assert.deepEqual((await lookUp(g, 'msisdn=13900139002')).json(), { items: [], nextCursor: null });
    // a number that is none: the refusal every consent route gives one, with its rule
    const bad = await lookUp(g, 'msisdn=12345');
    assert.equal(bad.statusCode, 422, bad.body);
    assert.deepEqual([bad.json().error.code, bad.json().error.rule, bad.json().error.field], ['invalid_msisdn', 'recipient.msisdn', 'msisdn']);
  });
});

test('the list a keyset page at a time, oldest entry first, none twice while numbers are imported between pages', async () => {
  await withGateway(async (g) => {
    await importDnd(g, ['13900139013', '13900139011'], 'list-a');
    g.clock.advance(60_000);
    await importDnd(g, ['13900139012'], 'list-b');
    const first = await lookUp(g, 'limit=2');
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json().items.map((e: Json) => [e.msisdn, e.source]), [['+8613900139011', 'list-a'], ['+8613900139013', 'list-a']]);
    assert.equal(typeof first.json().nextCursor, 'string');
    // imported between pages: comes after, on the next page
    g.clock.advance(60_000);
    await importDnd(g, ['13900139010'], 'list-c');
    const second = (await lookUp(g, `limit=2&cursor=${encodeURIComponent(first.json().nextCursor)}`)).json();
    assert.deepEqual(second.items.map((e: Json) => e.msisdn), ['+8613900139012', '+8613900139010']);
    assert.equal(second.nextCursor, null);
    assert.equal((await lookUp(g, '')).json().items.length, 4);
    // paging errors as on every keyset list
    const cursor = await lookUp(g, 'cursor=zzz');
    assert.deepEqual([cursor.statusCode, cursor.json().error.code, cursor.json().error.field], [400, 'invalid_request', 'cursor']);
    assert.equal((await lookUp(g, 'limit=0')).statusCode, 400);
    assert.equal((await lookUp(g, 'limit=1001')).statusCode, 400);
  });
});

test('removal: admin only, a reason required, 204; recorded as dnd_removed and audit dnd.remove; 404 when not listed', async () => {
  await withGateway(async (g, cp) => {
    await importDnd(g, ['13900139021'], 'miit-2026-11');
    const listedAt = new Date(g.clock.now()).toISOString();
    g.clock.advance(60_000);

    // who may not, and what is not a removal
    assert.equal((await remove(g, '13900139021', { reason: 'x' }, cp.auth)).statusCode, 403);
    assert.equal((await lookUp(g, 'msisdn=13900139021', cp.auth)).statusCode, 403);
    const noReason = await remove(g, '13900139021', undefined);
    assert.deepEqual([noReason.statusCode, noReason.json().error.code, noReason.json().error.field], [400, 'invalid_request', 'reason'], noReason.body);
    const blank = await remove(g, '13900139021', { reason: '   ' });
    assert.deepEqual([blank.statusCode, blank.json().error.field, blank.json().error.message], [400, 'reason', 'reason: must not be blank']);
    const extra = await remove(g, '13900139021', { reason: 'x', source: 'miit' });
    assert.deepEqual([extra.statusCode, extra.json().error.field], [400, 'source']);
    const tooLong = await remove(g, '13900139021', { reason: 'r'.repeat(501) });
    assert.deepEqual([tooLong.statusCode, tooLong.json().error.field], [400, 'reason']);
    const bell = await remove(g, '13900139021', { reason: '误\u0007导入' });
    assert.deepEqual([bell.statusCode, bell.json().error.message], [400, 'reason: must not contain control characters other than tab and line breaks (U+0007 at character 2)']);
    const bad = await remove(g, '12345', { reason: 'x' });
    assert.deepEqual([bad.statusCode, bad.json().error.code, bad.json().error.rule], [422, 'invalid_msisdn', 'recipient.msisdn']);
    assert.deepEqual((await lookUp(g, 'msisdn=13900139021')).json().items.length, 1, 'nothing refused removed it');

    const ok = await remove(g, '+8613900139021', { reason: 'imported by mistake (ticket 4411)' });
    assert.equal(ok.statusCode, 204, ok.body);
    assert.equal(ok.body, '');
    assert.deepEqual((await lookUp(g, 'msisdn=13900139021')).json().items, []);

    // again, or a number never listed: 404 saying so
    const again = await remove(g, '13900139021', { reason: 'again' });
    assert.equal(again.statusCode, 404, again.body);
    assert.deepEqual([again.json().error.code, again.json().error.field], ['not_found', 'msisdn']);
    assert.match(again.json().error.message, /^\+8613900139021 is not on the do-not-disturb list/);

    // the statutory record beside the import's, and the audit record: who, why, which entry
    const adminToken = await g.store.directory.findTokenByHash(hashSecret(ADMIN_TOKEN));
    const sub = (await g.http.inject({ method: 'GET', url: '/v1/subscribers/13900139021', headers: g.admin })).json();
    assert.equal(sub.doNotDisturb, null);
    const removed = sub.events.find((e: Json) => e.event === 'dnd_removed');
    assert.ok(removed, JSON.stringify(sub.events));
    assert.deepEqual([removed.contentProviderId, removed.channel], [null, 'admin']);
    assert.deepEqual(removed.evidence, { actor: adminToken!.id, reason: 'imported by mistake (ticket 4411)', source: 'miit-2026-11', listedAt });
    const audit = (await g.store.records.queryRecords({ msisdn: '+8613900139021', limit: 50 })).records.filter((r) => r.kind === 'audit');
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].body, { action: 'dnd.remove', msisdn: '+8613900139021', actor: adminToken!.id, reason: 'imported by mistake (ticket 4411)', source: 'miit-2026-11', listedAt });
    // a provider sees that the number left the list, not who took it off nor why
    const own = (await g.http.inject({ method: 'GET', url: '/v1/subscribers/13900139021/consents', headers: cp.auth })).json();
    assert.deepEqual(own.events.filter((e: Json) => e.event.startsWith('dnd_')).map((e: Json) => [e.event, e.evidence]), [['dnd_added', {}], ['dnd_removed', {}]]);

    // listed again by a later import: a new entry
    assert.equal((await importDnd(g, ['13900139021'], 'miit-2026-12')).json().added, 1);
    assert.equal((await lookUp(g, 'msisdn=13900139021')).json().items[0].source, 'miit-2026-12');
  });
});

test('after removal the number is decided by the ordinary consent rules: a consent lets promotions through, none is consent_missing', async () => {
  await withGateway(async (g, cp) => {
    const consented = '13900139031';
    const bare = '13900139032';
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: consent(consented) })).statusCode, 201);
    await importDnd(g, [consented, bare], 'import');
    assert.equal((await send(g, cp, consented)).json().error.code, 'opted_out');
    assert.equal((await send(g, cp, bare)).json().error.code, 'opted_out');
    for (const n of [consented, bare]) assert.equal((await remove(g, n, { reason: 'imported by mistake' })).statusCode, 204);
    const sent = await send(g, cp, consented);
    assert.equal(sent.statusCode, 202, sent.body);
    assert.equal((await send(g, cp, bare)).json().error.code, 'consent_missing');
  });
});

test("removal never undoes the number's own refusal: an opt-out from a provider stays, its promotions still opted_out", async () => {
  await withGateway(async (g, cp) => {
    const to = '13900139041';
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: consent(to) })).statusCode, 201);
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out');
    await importDnd(g, [to], 'import');
    assert.equal((await remove(g, to, { reason: 'imported by mistake' })).statusCode, 204);
    const r = await send(g, cp, to);
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json().error.code, 'opted_out');
    assert.doesNotMatch(r.json().error.message, /do-not-disturb/);
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.equal(sub.doNotDisturb, null);
    assert.deepEqual(sub.optOuts.map((o: Json) => o.contentProviderId), [cp.id]);
    // a consent request is refused for the opt-out too
    const req = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: 'promo', frequency: { count: 4, per: 'month' }, durationDays: 180 } });
    assert.equal(req.json().error.code, 'opted_out', req.body);
  });
});

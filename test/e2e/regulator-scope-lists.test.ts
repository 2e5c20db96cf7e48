/**
 * A regulator token's province and date range on the lists beside records and cases: the credit
 * file (GET /v1/credit/entries, publishing, adding), early-warning alerts and actions (GET /v1/alerts,
 * GET /v1/early-warning/actions) and legal holds (GET /v1/holds, releasing: a scoped token only its
 * own). Two providers, one registered in Fujian (35) and one in Beijing (11), each with an item of
 * every kind in March and in November 2026, read by province, date-range and unscoped tokens.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { buildHttpApp } from '../../src/http/app.js';
import { contentRoutes } from '../../src/http/routes/content.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { AlertRow } from '../../src/ports/content.js';

const MARCH = Date.parse('2026-03-10T04:00:00Z');
const NOV = Date.parse('2026-11-20T04:00:00Z');
const X = '13800138000';

describe('regulator scope on credit entries, early-warning alerts and actions, and legal holds', () => {
  let g: TestGateway;
  let content: FastifyInstance;
  let gov: ContentGovernance;
  let fj: Provider;
  let bj: Provider;
  /** Item id → label such as `fj-march`, per kind. */
  const names: Record<'entry' | 'alert' | 'action' | 'hold', Map<string, string>> = { entry: new Map(), alert: new Map(), action: new Map(), hold: new Map() };
  const tok: Record<string, Record<string, string>> = {};
  const who = (w: string) => (w === 'admin' ? g.admin : tok[w]);
  const labels = (kind: keyof typeof names, items: { id: string }[]) => items.map((i) => names[kind].get(i.id)).filter((l) => l !== undefined).sort();

  before(async () => {
    g = await startTestGateway({ now: MARCH });
    const store = new SqliteContentStore(g.store.db);
    gov = await installContentGovernance(g.app, store);
    content = await buildHttpApp({ app: g.app, plugins: [contentRoutes(gov)] });
    fj = await onboard(g, { name: '福建示例公司', province: '35' });
    bj = await onboard(g, { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111', commercial: '10691112' } });
    const national = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'national', null, {})).token}` };
    let n = 0;
    for (const [month, at] of [['march', MARCH], ['nov', NOV]] as const) {
      g.clock.set(at);
      for (const [short, cp] of [['fj', fj], ['bj', bj]] as const) {
        const label = `${short}-${month}`;
        const e = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: national, payload: { contentProviderId: cp.id, kind: 'warning' } });
        assert.equal(e.statusCode, 201, e.body);
        names.entry.set(e.json().id, label);
        // An alert as the monitor raises it, stored as the monitor stores it.
        const alert: AlertRow = {
          id: `alert_scope_${n++}`, rule: 'opt_out_rate_high', metric: 'opt_out_rate', scope: 'provider', key: cp.id, contentProviderId: cp.id, severity: 'warning',
          value: 0.03, threshold: 0.02, figures: { optOuts: 9, accepted: 300 }, windowStart: at - 60_000, at, action: { kind: 'alert' }, actionId: null,
        };
        await store.addAlert(alert);
        names.alert.set(alert.id, label);
        names.action.set((await gov.placeAction('admin', { contentProviderId: cp.id, action: { kind: 'throttle', perSecond: 5 }, rule: `test:${label}` })).id, label);
        const h = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { contentProviderId: cp.id, reason: `inspection ${label}` } });
        assert.equal(h.statusCode, 201, h.body);
        names.hold.set(h.json().id, label);
      }
      // A hold on a number names no provider: platform-wide, seen in every province.
      const h = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: X, reason: `complaint about ${X}` } });
      assert.equal(h.statusCode, 201, h.body);
      names.hold.set(h.json().id, `number-${month}`);
    }
    const token = async (label: string, scope: Record<string, unknown>) => ({ authorization: `Bearer ${(await g.app.auth.createToken('regulator', label, null, scope)).token}` });
    tok.all = national;
    tok.fujian = await token('fujian', { province: '35' });
    tok.beijing = await token('beijing', { province: '11' });
    tok.march = await token('march', { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    tok.midMarch = await token('mid-march', { from: Date.parse('2026-03-15T00:00:00+08:00') });
    tok.fujianMarch = await token('fujian-march', { province: '35', from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
  });
  after(async () => {
    await content.close();
    await g.close();
  });

  const EXPECTED = {
    all: ['bj-march', 'bj-nov', 'fj-march', 'fj-nov'],
    admin: ['bj-march', 'bj-nov', 'fj-march', 'fj-nov'],
    fujian: ['fj-march', 'fj-nov'],
    beijing: ['bj-march', 'bj-nov'],
    march: ['bj-march', 'fj-march'],
    midMarch: ['bj-nov', 'fj-nov'],
    fujianMarch: ['fj-march'],
  };

  test('GET /v1/credit/entries and the credit page: only the province\'s providers and entries made inside the dates', async () => {
    const table: Record<string, string[]> = {};
    for (const w of Object.keys(EXPECTED)) {
      const r = await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: who(w) });
      assert.equal(r.statusCode, 200, r.body);
      table[w] = labels('entry', r.json().entries);
    }
    assert.deepEqual(table, EXPECTED);
    // One provider's file asked for by id is cut the same way.
    const one = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${fj.id}`, headers: tok.midMarch });
    assert.deepEqual(labels('entry', one.json().entries), ['fj-nov']);
    // The credit page lists the entries through the same use case.
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(tok.march.authorization.slice(7))}` });
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: String(login.headers['set-cookie']).split(';')[0] } });
    assert.equal(page.statusCode, 200, page.body);
    const shown = [...names.entry].filter(([id]) => page.body.includes(`/web/credit/entries/${id}/publish`)).map(([, l]) => l).sort();
    assert.deepEqual(shown, ['bj-march', 'fj-march']);
  });

  test('publishing a credit entry outside the province or the dates: not_found, as an entry the token cannot list; adding one when today is outside the dates: forbidden', async () => {
    const id = (label: string) => [...names.entry].find(([, l]) => l === label)![0];
    const publish = (label: string, w: string) => g.http.inject({ method: 'POST', url: `/v1/credit/entries/${id(label)}/publish`, headers: who(w) });
    for (const [label, w] of [['fj-nov', 'march'], ['bj-march', 'fujian'], ['bj-march', 'fujianMarch'], ['fj-nov', 'fujianMarch']]) {
      const r = await publish(label, w);
      assert.equal(r.statusCode, 404, `${w} publishing ${label}: ${r.body}`);
      assert.equal(r.json().error.code, 'not_found');
    }
    const ok = await publish('fj-march', 'fujianMarch');
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(typeof ok.json().publishedAt, 'number');
    // It is November: a token limited to March may not add an entry that would lie outside its dates.
    const add = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: tok.march, payload: { contentProviderId: fj.id, kind: 'warning' } });
    assert.equal(add.statusCode, 403, add.body);
    assert.equal(add.json().error.code, 'forbidden');
    const added = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: tok.midMarch, payload: { contentProviderId: bj.id, kind: 'note' } });
    assert.equal(added.statusCode, 201, added.body);
    names.entry.set(added.json().id, 'bj-nov');
  });

  test('GET /v1/credit/entries pages a scoped token through full pages: the province and dates are selected before the page is cut', async () => {
    const add = async (payload: Record<string, unknown>) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: tok.all, payload });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    // Five Fujian entries and one about the operator (listed in every province), then thirty newer Beijing ones.
    const mine = [...names.entry].filter(([, l]) => l.startsWith('fj-')).map(([id]) => id);
    for (let i = 0; i < 5; i++) mine.push(await add({ contentProviderId: fj.id, kind: 'note', notes: `fj ${i}` }));
    mine.push(await add({ subjectType: 'operator', subjectId: 'operator', kind: 'warning' }));
    for (let i = 0; i < 30; i++) await add({ contentProviderId: bj.id, kind: 'note', notes: `bj ${i}` });
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/credit/entries?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await g.http.inject({ method: 'GET', url, headers: tok.fujian });
      assert.equal(r.statusCode, 200, r.body);
      pages.push(r.json().entries.map((e: { id: string }) => e.id));
      cursor = r.json().nextCursor;
    } while (cursor && pages.length < 10);
    // The first page is not an empty cut of the thirty Beijing entries: every page is full but the last.
    assert.deepEqual(pages.map((p) => p.length), [5, 3]);
    assert.deepEqual(pages.flat().sort(), mine.sort());
    // Dates and province together: the one Fujian entry of March, and no cursor after it.
    const march = await g.http.inject({ method: 'GET', url: '/v1/credit/entries?limit=1', headers: tok.fujianMarch });
    assert.deepEqual(labels('entry', march.json().entries), ['fj-march']);
    assert.equal(march.json().nextCursor, null);
    // An unlimited token pages through all of them the same way; a made-up cursor is refused.
    const all = await g.http.inject({ method: 'GET', url: '/v1/credit/entries?limit=30', headers: tok.all });
    assert.equal(all.json().entries.length, 30);
    assert.equal(typeof all.json().nextCursor, 'string');
    const bad = await g.http.inject({ method: 'GET', url: '/v1/credit/entries?cursor=zzz', headers: tok.fujian });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'cursor');
  });

  test('the operator\'s credit file: a token limited to a province lists its entries but neither adds nor publishes one (forbidden, API and page); a nationwide token, dates or none, does', async () => {
    const id = (label: string) => [...names.entry].find(([, l]) => l === label)![0];
    const add = (w: string, payload: Record<string, unknown>) => g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: who(w), payload });
    const publish = (entryId: string, w: string) => g.http.inject({ method: 'POST', url: `/v1/credit/entries/${entryId}/publish`, headers: who(w) });
    const byNational = await add('all', { subjectType: 'operator', subjectId: 'operator', kind: 'warning', publicSummary: '未按时转交投诉 / Complaints forwarded late' });
    assert.equal(byNational.statusCode, 201, byNational.body);
    const entryId = byNational.json().id as string;
    for (const w of ['fujian', 'beijing']) {
      // Listed in every province, as the operator's cases are ...
      assert.ok((await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: who(w) })).json().entries.some((e: { id: string }) => e.id === entryId), w);
      // ... but the operator is no province's to write into its file or publish from it.
      for (const r of [await add(w, { subjectType: 'operator', subjectId: 'operator', kind: 'fine', amountYuan: 20000 }), await publish(entryId, w)]) {
        assert.equal(r.statusCode, 403, `${w}: ${r.body}`);
        assert.equal(r.json().error.code, 'forbidden');
        assert.match(r.json().error.message, /operator belongs to no province/);
      }
    }
    // The page lists it to the Fujian token without a publish button, and a publish posted anyway is refused.
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(tok.fujian.authorization.slice(7))}` });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie } });
    assert.equal(page.statusCode, 200, page.body);
    assert.ok(page.body.includes(`data-entry="${entryId}"`), 'the operator\'s entry is listed');
    assert.ok(!page.body.includes(`/web/credit/entries/${entryId}/publish`), 'with no publish button');
    assert.ok(page.body.includes(`/web/credit/entries/${id('fj-nov')}/publish`), 'the province\'s own entries keep theirs');
    const posted = await g.http.inject({ method: 'POST', url: `/web/credit/entries/${entryId}/publish`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    assert.equal(posted.statusCode, 403, posted.body);
    assert.match(posted.body, /forbidden/);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/credit/entries`, headers: tok.all })).json().entries.find((e: { id: string }) => e.id === entryId).publishedAt, null);
    // A token limited to dates only is nationwide: it adds one today and publishes the national one.
    assert.equal((await add('midMarch', { subjectType: 'operator', subjectId: 'operator', kind: 'note' })).statusCode, 201);
    const published = await publish(entryId, 'midMarch');
    assert.equal(published.statusCode, 200, published.body);
  });

  test('the operator\'s credit file read by a token limited to a province: each entry without its evidence (it can name complainants and other provinces\' cases), notes kept; its own providers\' entries and nationwide tokens whole', async () => {
    const add = async (payload: Record<string, unknown>) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: tok.all, payload });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id as string;
    };
    const complainant = '13912345678';
    const linked = { caseIds: ['case_bj_1'], msisdn: complainant, contentProviderId: bj.id };
    const opEntry = await add({ subjectType: 'operator', subjectId: 'operator', kind: 'warning', notes: '转交超时', evidence: linked });
    const fjEntry = await add({ contentProviderId: fj.id, kind: 'note', evidence: { caseIds: ['case_fj_1'] } });
    const read = async (w: string) => {
      const r = await g.http.inject({ method: 'GET', url: '/v1/credit/entries?limit=1000', headers: who(w) });
      assert.equal(r.statusCode, 200, r.body);
      return new Map((r.json().entries as Record<string, unknown>[]).map((e) => [e.id as string, e]));
    };
    for (const w of ['fujian', 'beijing']) {
      const entries = await read(w);
      const op = entries.get(opEntry)!;
      assert.ok(op, `${w} lists the operator's entry`);
      assert.equal('evidence' in op, false, `${w}: ${JSON.stringify(op)}`);
      assert.equal(op.notes, '转交超时');
      assert.equal(op.kind, 'warning');
      assert.ok(!JSON.stringify([...entries.values()]).includes(complainant), w);
    }
    assert.deepEqual((await read('fujian')).get(fjEntry)!.evidence, { caseIds: ['case_fj_1'] }, 'the province\'s own providers\' entries keep it');
    for (const w of ['all', 'midMarch', 'admin']) assert.deepEqual((await read(w)).get(opEntry)!.evidence, linked, w);
    // The page reads the same view.
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(tok.fujian.authorization.slice(7))}` });
    const page = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: String(login.headers['set-cookie']).split(';')[0] } });
    assert.equal(page.statusCode, 200, page.body);
    assert.ok(page.body.includes(`data-entry="${opEntry}"`));
    assert.ok(!page.body.includes(complainant) && !page.body.includes('case_bj_1'));
  });

  test('GET /v1/alerts: only alerts about the province\'s providers raised inside the dates; limit counts what the token sees', async () => {
    const table: Record<string, string[]> = {};
    for (const w of Object.keys(EXPECTED)) {
      const r = await content.inject({ method: 'GET', url: '/v1/alerts', headers: who(w) });
      assert.equal(r.statusCode, 200, r.body);
      table[w] = labels('alert', r.json().alerts);
    }
    assert.deepEqual(table, EXPECTED);
    // Newest first: a March token's one-alert page is a March alert, not an empty cut of November.
    const page = await content.inject({ method: 'GET', url: '/v1/alerts?limit=1', headers: tok.march });
    assert.deepEqual(page.json().alerts.map((a: { at: number }) => a.at), [MARCH]);
    // Another province's provider named outright gives nothing; `since` cannot reach before the dates.
    assert.deepEqual((await content.inject({ method: 'GET', url: `/v1/alerts?contentProviderId=${bj.id}`, headers: tok.fujian })).json().alerts, []);
    assert.deepEqual(labels('alert', (await content.inject({ method: 'GET', url: '/v1/alerts?since=0', headers: tok.midMarch })).json().alerts), ['bj-nov', 'fj-nov']);
  });

  test('GET /v1/early-warning/actions: only actions on the province\'s providers placed inside the dates', async () => {
    const table: Record<string, string[]> = {};
    for (const w of Object.keys(EXPECTED)) {
      const r = await content.inject({ method: 'GET', url: '/v1/early-warning/actions?all=true', headers: who(w) });
      assert.equal(r.statusCode, 200, r.body);
      table[w] = labels('action', r.json().actions);
    }
    assert.deepEqual(table, EXPECTED);
    const inForce = await content.inject({ method: 'GET', url: '/v1/early-warning/actions', headers: tok.fujianMarch });
    assert.deepEqual(labels('action', inForce.json().actions), ['fj-march']);
  });

  test('GET /v1/holds: provider holds by province, every hold by the time it was placed; a hold on a number is seen in every province', async () => {
    const table: Record<string, string[]> = {};
    for (const w of Object.keys(EXPECTED)) {
      const r = await g.http.inject({ method: 'GET', url: '/v1/holds', headers: who(w) });
      assert.equal(r.statusCode, 200, r.body);
      table[w] = labels('hold', r.json().holds);
    }
    assert.deepEqual(table, {
      all: ['bj-march', 'bj-nov', 'fj-march', 'fj-nov', 'number-march', 'number-nov'],
      admin: ['bj-march', 'bj-nov', 'fj-march', 'fj-nov', 'number-march', 'number-nov'],
      fujian: ['fj-march', 'fj-nov', 'number-march', 'number-nov'],
      beijing: ['bj-march', 'bj-nov', 'number-march', 'number-nov'],
      march: ['bj-march', 'fj-march', 'number-march'],
      midMarch: ['bj-nov', 'fj-nov', 'number-nov'],
      fujianMarch: ['fj-march', 'number-march'],
    });
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=holds.query&limit=1', headers: g.admin })).json().records[0];
    assert.deepEqual(audit.body.scope, { province: '35', from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    assert.equal(audit.body.rows, 2);
  });

  test('releasing a hold outside the province or the dates: not_found; placing one when today is outside the dates: forbidden', async () => {
    const id = (label: string) => [...names.hold].find(([, l]) => l === label)![0];
    const release = (label: string, w: string) => g.http.inject({ method: 'POST', url: `/v1/holds/${id(label)}/release`, headers: who(w) });
    for (const [label, w] of [['bj-march', 'fujian'], ['fj-nov', 'march'], ['number-nov', 'fujianMarch']]) {
      const r = await release(label, w);
      assert.equal(r.statusCode, 404, `${w} releasing ${label}: ${r.body}`);
      assert.equal(r.json().error.code, 'not_found');
    }
    const place = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: tok.march, payload: { msisdn: X, reason: 'after the dates' } });
    assert.equal(place.statusCode, 403, place.body);
    assert.equal(place.json().error.code, 'forbidden');
    const placed = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: tok.fujian, payload: { contentProviderId: fj.id, reason: 'inside the scope' } });
    assert.equal(placed.statusCode, 201, placed.body);
    const ok = await g.http.inject({ method: 'POST', url: `/v1/holds/${placed.json().id}/release`, headers: tok.fujian });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(typeof ok.json().releasedAt, 'number');
    // Still held for the others: the one the Fujian token placed is released, the six placed before are not.
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/holds', headers: tok.all })).json().holds.length, 6);
  });

  test('a hold on a provider: a token limited to a province or dates releases only one it placed itself (forbidden otherwise), even inside its province and dates; admins and unlimited tokens release any', async () => {
    const id = (label: string) => [...names.hold].find(([, l]) => l === label)![0];
    const release = (holdId: string, w: string) => g.http.inject({ method: 'POST', url: `/v1/holds/${holdId}/release`, headers: who(w) });
    // Placed by the operator, listed to each of these tokens: the hold keeps the provider's records of every date.
    for (const [label, w] of [['fj-march', 'march'], ['bj-march', 'march'], ['fj-nov', 'midMarch'], ['fj-march', 'fujianMarch'], ['fj-nov', 'fujian'], ['bj-nov', 'beijing']]) {
      const r = await release(id(label), w);
      assert.equal(r.statusCode, 403, `${w} releasing ${label}: ${r.body}`);
      assert.equal(r.json().error.code, 'forbidden');
      assert.match(r.json().error.message, /content provider.*every date.*placed itself/);
    }
    // A date-limited token places one and releases it; another scoped token that lists it does not.
    const placed = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: tok.midMarch, payload: { contentProviderId: fj.id, reason: 'national inspection from mid-March' } });
    assert.equal(placed.statusCode, 201, placed.body);
    const mine = placed.json().id as string;
    assert.ok((await g.http.inject({ method: 'GET', url: '/v1/holds', headers: tok.fujian })).json().holds.some((h: { id: string }) => h.id === mine));
    assert.equal((await release(mine, 'fujian')).statusCode, 403);
    const own = await release(mine, 'midMarch');
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().releasedBy, placed.json().createdBy);
    // Every provider hold the operator placed is still active; an unlimited token and an admin release them.
    const active = (await g.http.inject({ method: 'GET', url: '/v1/holds', headers: g.admin })).json().holds.map((h: { id: string }) => h.id);
    for (const label of ['fj-march', 'bj-march', 'fj-nov', 'bj-nov']) assert.ok(active.includes(id(label)), label);
    assert.equal((await release(id('fj-march'), 'all')).statusCode, 200);
    assert.equal((await release(id('bj-nov'), 'admin')).statusCode, 200);
  });

  test('a hold on a number: a token limited to a province or dates releases only one it placed itself (forbidden otherwise); admins and unlimited tokens release any', async () => {
    const id = (label: string) => [...names.hold].find(([, l]) => l === label)![0];
    const release = (holdId: string, w: string) => g.http.inject({ method: 'POST', url: `/v1/holds/${holdId}/release`, headers: who(w) });
    // Listed in every province, placed by the operator: not the province's (or the dates') to let go.
    for (const [label, w] of [['number-nov', 'fujian'], ['number-nov', 'beijing'], ['number-march', 'march'], ['number-march', 'fujianMarch'], ['number-nov', 'midMarch']]) {
      const r = await release(id(label), w);
      assert.equal(r.statusCode, 403, `${w} releasing ${label}: ${r.body}`);
      assert.equal(r.json().error.code, 'forbidden');
      assert.match(r.json().error.message, /number.*platform-wide.*placed itself/);
    }
    // Placing one stays open to a province token; another province sees it, and cannot release it.
    const placed = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: tok.fujian, payload: { msisdn: X, reason: 'Fujian complaint about the number' } });
    assert.equal(placed.statusCode, 201, placed.body);
    const mine = placed.json().id as string;
    assert.ok((await g.http.inject({ method: 'GET', url: '/v1/holds', headers: tok.beijing })).json().holds.some((h: { id: string }) => h.id === mine));
    const theirs = await release(mine, 'beijing');
    assert.equal(theirs.statusCode, 403, theirs.body);
    const own = await release(mine, 'fujian');
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().releasedBy, placed.json().createdBy);
    // The number holds placed by the operator are still active; an unlimited token and an admin release them.
    const active = (await g.http.inject({ method: 'GET', url: '/v1/holds', headers: g.admin })).json().holds.map((h: { id: string }) => h.id);
    assert.ok(active.includes(id('number-march')) && active.includes(id('number-nov')));
    assert.equal((await release(id('number-march'), 'all')).statusCode, 200);
    assert.equal((await release(id('number-nov'), 'admin')).statusCode, 200);
  });
});

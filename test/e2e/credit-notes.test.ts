/**
 * A credit-file entry's internal notes are the regulator's own, and its evidence may name third
 * parties (other complainants' numbers, other providers' cases): a content provider reading its own
 * file (GET /v1/credit/entries, the credit page) gets its entries without either, but with what it
 * answers to (kind, dates, amount, public summary, publication); regulators and the operator read
 * them whole.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';

const NOTES = '约谈纪要：负责人承认未取得用户同意，案件 C20261130ABCD 复核中';
/** Another complainant's number and a case about another provider, as a regulator may link them. */
const THIRD_PARTY = '13900139077';
const EVIDENCE = { complainants: [THIRD_PARTY], caseIds: ['case_of_another_provider'], months: ['2026-11'] };

describe('credit-file notes and evidence: the regulator\'s, not the provider\'s', () => {
  const { g, cp } = gatewaySuite({ provider: { name: '示例科技' } });
  let regulator: Record<string, string>;
  let entryId: string;

  before(async () => {
    regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector', null, {})).token}` };
    const r = await g.http.inject({ method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { contentProviderId: cp.id, kind: 'supervision_talk', notes: NOTES, publicSummary: '约谈 / Supervision talk', evidence: EVIDENCE } });
    assert.equal(r.statusCode, 201, r.body);
    entryId = r.json().id;
  });

  const cookieFor = async (token: string) => {
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(token)}` });
    return String(login.headers['set-cookie']).split(';')[0];
  };

  test('GET /v1/credit/entries: the provider sees its entry without notes; a regulator and the operator with them', async () => {
    const own = await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: cp.auth });
    assert.equal(own.statusCode, 200, own.body);
    const mine = own.json().entries.find((e: { id: string }) => e.id === entryId);
    assert.ok(mine, 'the provider lists its own entry');
    assert.equal(mine.kind, 'supervision_talk');
    assert.equal(mine.publicSummary, '约谈 / Supervision talk');
    assert.equal('notes' in mine, false, 'the key is left out');
    assert.ok(!own.body.includes('约谈纪要'), own.body);
    for (const headers of [regulator, g.admin]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers });
      assert.equal(r.json().entries.find((e: { id: string }) => e.id === entryId)?.notes, NOTES);
    }
  });

  test('GET /v1/credit/entries: the provider sees its entry without the evidence, with what it answers to; a regulator and the operator with it', async () => {
    const own = await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: cp.auth });
    assert.equal(own.statusCode, 200, own.body);
    const mine = own.json().entries.find((e: { id: string }) => e.id === entryId);
    assert.equal('evidence' in mine, false, 'the key is left out');
    assert.ok(!own.body.includes(THIRD_PARTY) && !own.body.includes('case_of_another_provider'), own.body);
    assert.equal(mine.kind, 'supervision_talk');
    assert.equal(typeof mine.at, 'number');
    assert.equal(mine.publishedAt, null);
    for (const headers of [regulator, g.admin]) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers });
      assert.deepEqual(r.json().entries.find((e: { id: string }) => e.id === entryId)?.evidence, EVIDENCE);
    }
    // Published, the provider sees when; still not the evidence.
    assert.equal((await g.http.inject({ method: 'POST', url: `/v1/credit/entries/${entryId}/publish`, headers: regulator })).statusCode, 200);
    const after = (await g.http.inject({ method: 'GET', url: '/v1/credit/entries', headers: cp.auth })).json().entries.find((e: { id: string }) => e.id === entryId);
    assert.equal(typeof after.publishedAt, 'number');
    assert.equal('evidence' in after, false);
  });

  test('the credit page: the provider\'s shows the entry without notes; the regulator\'s shows them', async () => {
    const asProvider = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: await cookieFor(cp.apiKey) } });
    assert.equal(asProvider.statusCode, 200, asProvider.body);
    assert.ok(asProvider.body.includes(`data-entry="${entryId}"`), 'the entry is listed');
    assert.ok(!asProvider.body.includes('约谈纪要'), 'the notes are not');
    assert.ok(!asProvider.body.includes(THIRD_PARTY), 'nor the evidence');
    const asRegulator = await g.http.inject({ method: 'GET', url: '/web/credit', headers: { cookie: await cookieFor(regulator.authorization.slice(7)) } });
    assert.ok(asRegulator.body.includes(`data-entry="${entryId}"`));
    assert.ok(asRegulator.body.includes('约谈纪要'));
  });
});

/**
 * A per-signature opt-out reads the signature of the last message the provider sent the number from
 * the stored mt records. A record edited so its fields have the wrong type must not make the MO's
 * handling throw (before: `TD` answered 500, over SMPP a temporary error the SMSC redelivers for ever,
 * and the refusal was never recorded); a damaged record that may be the message answered makes the
 * signature unknown, so the opt-out covers all the provider's signatures.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../../helpers/gateway.js';
import { lastMessageIdIn, lastSignatureIn } from '../../../src/store/consent-rows.js';

type Json = Record<string, any>;

test('lastMessageIdIn: the newest accepted message from the port, never an older one in place of a damaged one', () => {
  const mt = (id: string, body: Json, contentProviderId: string | null = 'cp_1') => ({ id, contentProviderId, body });
  const req = mt('msg_req', { from: '10690002', decision: 'accepted', text: '【示例】邀请您订阅' });
  assert.equal(lastMessageIdIn([req], 'cp_1', '10690002'), 'msg_req');
  assert.equal(lastMessageIdIn([req, mt('msg_promo', { from: '10690002', decision: 'accepted', text: '回N退订' })], 'cp_1', '10690002'), 'msg_promo');
  assert.equal(lastMessageIdIn([req, mt('msg_no', { from: '10690002', decision: 'rejected' }), mt('msg_svc', { from: '10690001', decision: 'accepted' }), mt('msg_x', { from: 5 }, 'cp_2')], 'cp_1', '10690002'), 'msg_req');
  for (const edit of [{ from: ['10690002'] }, { from: null }, { decision: 1 }, { unreadable: '{broken' }])
    assert.equal(lastMessageIdIn([req, mt('msg_bad', 'unreadable' in edit ? edit : { ...req.body, ...edit })], 'cp_1', '10690002'), null, JSON.stringify(edit));
  assert.equal(lastMessageIdIn([], 'cp_1', '10690002'), null);
});

test('lastSignatureIn: wrong-typed fields never throw; a damaged candidate is an unknown signature', () => {
  const mt = (body: Json, contentProviderId: string | null = 'cp_1') => ({ contentProviderId, body });
  const good = mt({ from: '10690002', decision: 'accepted', finalText: null, text: '【示例】满减' });
  const older = mt({ from: '10690002', decision: 'accepted', text: '【示例商城】满减' });
  assert.equal(lastSignatureIn([older, good], 'cp_1', '10690002'), '【示例】');
  assert.equal(lastSignatureIn([older, mt({ from: '10690002', decision: 'accepted', finalText: '【改写】满减', text: '【示例】满减' })], 'cp_1', '10690002'), '【改写】');
  // known not to be the message answered: passed over
  for (const body of [{ from: '10690009', decision: 'accepted', text: ['\u3000【别的】'] }, { from: '10690002', decision: 'rejected', text: 5 }]) {
    assert.equal(lastSignatureIn([older, mt(body)], 'cp_1', '10690002'), '【示例商城】', JSON.stringify(body));
  }
  assert.equal(lastSignatureIn([older, mt({ from: 5 }, 'cp_2')], 'cp_1', '10690002'), '【示例商城】', 'another provider’s record');
  // may be the message answered: its signature is unknown
  const damaged: Json[] = [
    { text: ['\u3000【示例】满减'] }, { finalText: [' 【示例】'] }, { finalText: 5 }, { text: null }, { text: { a: 1 } }, { finalText: {}, text: '【示例】满减' },
    { from: ['10690002'] }, { from: null }, { decision: 1 }, { unreadable: '{broken' },
  ];
  for (const edit of damaged) {
    const body = 'unreadable' in edit ? edit : { ...good.body, ...edit };
    assert.equal(lastSignatureIn([older, mt(body)], 'cp_1', '10690002'), null, JSON.stringify(edit));
  }
});

describe('an MO opt-out over an edited mt record (per-signature scope)', () => {
  let dir: string;
  let g: TestGateway;
  let cp: Provider;
  const user = '13900139810';
  const send = (text: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: user, text, type: 'commercial', category: 'promo' } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smsguard-edited-optout-'));
    const db = join(dir, 'g.db');
    g = await startTestGateway({ db, overrides: { optOutScope: 'signature' } });
    cp = await onboard(g);
    const sig = await g.http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature: '【示例商城】' } });
    assert.ok(sig.statusCode < 300, sig.body);
    const consent = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: user, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-29T00:00:00Z' } } });
    assert.equal(consent.statusCode, 201, consent.body);
    assert.equal((await send('【示例商城】满减')).statusCode, 202);
    const last = await send('【示例】会员日');
    assert.equal(last.statusCode, 202, last.body);
    await g.worker.drain();
    await g.close();

    const file = readdirSync(dir).find((f) => /\.records-\d{4}-\d{2}\.db$/.test(f))!;
    const table = `records_${/(\d{4})-(\d{2})/.exec(file)!.slice(1).join('_')}`;
    const m = new Database(join(dir, file));
    m.exec(`DROP TRIGGER ${table}_no_update`);
    const edited = m.prepare(`UPDATE ${table} SET body = json_set(body, '$.finalText', json(?)) WHERE id = ?`).run(JSON.stringify(['\u3000【示例】会员日，拒收请回复R']), last.json().id);
    assert.equal(edited.changes, 1);
    m.close();
    g = await startTestGateway({ db, overrides: { optOutScope: 'signature' } });
  });
  after(async () => {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('TD is recorded, covering every signature of the provider', async () => {
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '10690002', text: 'TD' } });
    assert.equal(mo.statusCode, 200, mo.body);
    assert.equal(mo.json().action, 'opt_out');
    for (const text of ['【示例】会员日再来', '【示例商城】再次满减']) {
      const r = await send(text);
      assert.equal(r.json().error?.code, 'opted_out', `${text}: ${r.body}`);
    }
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${user}`, headers: g.admin })).json();
    assert.equal(sub.optOuts.length, 1, JSON.stringify(sub.optOuts));
    assert.equal(sub.optOuts[0].contentProviderId, cp.id);
  });
});

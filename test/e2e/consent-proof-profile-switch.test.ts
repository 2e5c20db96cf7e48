/**
 * A provider moves to the 2026 rules (found by the profiles audit, 2026-12-07): consents recorded
 * without proof under cn-2015, then the operator restarts the gateway on the same database with
 * `--profile cn-2026`. Before: the proof rule was checked only when a consent was recorded, so the old
 * proof-less consents still let commercial messages through, on submission and at send time. Now
 * under cn-2026 such a consent is no consent: `422 consent_missing` on the commercial rule, the message
 * naming the proof rule's article; a message queued before the switch is refused when it would go
 * out; a consent recorded with proof sends as before.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { resolveProfile } from '../../src/profiles/index.js';

const dir = mkdtempSync(join(tmpdir(), 'smsguard-proof-switch-'));
const db = join(dir, 'smsguard.db');
after(() => rmSync(dir, { recursive: true, force: true }));

const PROOF = { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' };
const consent = (g: TestGateway, cp: Provider, msisdn: string, proof?: unknown) => g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', ...(proof ? { proof } : {}) } });
/** Whether the subscriber view (the provider's and the admin's) says the number's consent counts, and its state. */
async function shown(g: TestGateway, cp: Provider, msisdn: string): Promise<{ state: string; counts: boolean }[]> {
  const own = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${msisdn}/consents`, headers: cp.auth })).json();
  const all = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${msisdn}`, headers: g.admin })).json();
  assert.deepEqual(all.consents.map((c: { counts: boolean }) => c.counts), own.consents.map((c: { counts: boolean }) => c.counts));
  return own.consents.map((c: { state: string; counts: boolean }) => ({ state: c.state, counts: c.counts }));
}
const send = (g: TestGateway, cp: Provider, to: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });

test('cn-2015 consents without proof do not count after a restart under cn-2026; those with proof do', async () => {
  const bare = '13700137801', proven = '13700137802', queued = '13700137803';
  let g = await startTestGateway({ db, profile: 'cn-2015' });
  let cp: Provider;
  let queuedId: string;
  try {
    cp = await onboard(g);
    assert.equal((await consent(g, cp, bare)).statusCode, 201, 'cn-2015 takes a consent without proof');
    assert.equal((await consent(g, cp, queued)).statusCode, 201);
    assert.equal((await consent(g, cp, proven, PROOF)).statusCode, 201);
    assert.deepEqual(await shown(g, cp, bare), [{ state: 'live', counts: true }], 'cn-2015: a consent without proof counts');
    // accepted under cn-2015 and still queued (nothing sends) when the gateway stops
    await g.worker.stop();
    const q = await send(g, cp, queued);
    assert.equal(q.statusCode, 202, q.body);
    queuedId = q.json().id;
  } finally {
    await g.close();
  }

  g = await startTestGateway({ db, profile: 'cn-2026' });
  try {
    const rules = resolveProfile('cn-2026').rules;
    // the subscriber view says which consents count under the running profile
    assert.deepEqual(await shown(g, cp, bare), [{ state: 'live', counts: false }]);
    assert.deepEqual(await shown(g, cp, proven), [{ state: 'live', counts: true }]);
    const r = await send(g, cp, bare);
    assert.equal(r.statusCode, 422, r.body);
    const err = r.json().error;
    assert.equal(err.code, 'consent_missing');
    assert.match(err.message, /recorded without proof/);
    assert.ok(err.message.includes(rules['consent.proof'].article), err.message);
    assert.equal((await send(g, cp, proven)).statusCode, 202, 'a consent with proof still counts');
    // recorded again with its proof, the number can be sent to
    assert.equal((await consent(g, cp, bare, PROOF)).statusCode, 201);
    assert.equal((await send(g, cp, bare)).statusCode, 202);
    // the message accepted before the switch is judged again before it goes out
    g.worker.kick();
    await g.worker.drain();
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${queuedId}`, headers: cp.auth })).json();
    assert.equal(v.status, 'rejected', JSON.stringify(v));
    assert.equal(v.history.at(-1).rejection.code, 'consent_missing');
    assert.equal(v.history.at(-1).rejection.profile, 'cn-2026');
    assert.ok(!g.simulator.outbox(`+86${queued}`).some((d) => d.text.includes('年终大促')));
  } finally {
    await g.close();
  }
});

/**
 * Identical content to one number (rule content.duplicate, docs/REGULATION.md "Market practice":
 * at most 1 per 30 s, Tencent Cloud) over HTTP. Before, a provider's retry loop sending the same
 * text to the same number had every copy accepted.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, withGateway } from '../helpers/gateway.js';

const NOTICE = '【示例】您的快递已到驿站，取件码 8-2-1034。';

describe('identical content to one number (content.duplicate)', () => {
  const { g, cp } = gatewaySuite();
  const send = (m: Record<string, unknown>) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', type: 'notification', ...m } });
  const advance = (seconds: number) => g.http.inject({ method: 'POST', url: '/v1/simulator/clock', payload: { advanceSeconds: seconds } });

  test('a second identical message within 30 s → 422 duplicate_content with rule and article; 30 s later it is accepted', async () => {
    const to = '13800138001';
    assert.equal((await send({ to, text: NOTICE })).statusCode, 202);
    await advance(29);
    const r = await send({ to, text: NOTICE });
    assert.equal(r.statusCode, 422);
    const e = r.json().error;
    assert.equal(e.code, 'duplicate_content');
    assert.equal(e.rule, 'content.duplicate');
    assert.match(e.article, /Tencent Cloud: identical content to one number at most once per 30 s/);
    assert.equal(e.profile, 'cn-2015');
    assert.ok(r.json().id, 'the refusal is recorded');
    // a refusal for good: not "retry after"
    assert.equal(r.headers['retry-after'], undefined);
    // 30 s after the accepted one (the refused copy counts for nothing)
    await advance(1);
    assert.equal((await send({ to, text: NOTICE })).statusCode, 202);
  });

  test('another text, or another number, within the window: accepted', async () => {
    const to = '13800138002';
    assert.equal((await send({ to, text: NOTICE })).statusCode, 202);
    assert.equal((await send({ to, text: `${NOTICE}请尽快取件。` })).statusCode, 202);
    assert.equal((await send({ to: '13800138003', text: NOTICE })).statusCode, 202);
  });

  test('a refused first message does not block the next identical one', async () => {
    const to = '13800138004';
    // the same text refused for another reason (a port not registered): recorded, never counted
    const refused = await send({ to, text: NOTICE, from: '10690099' });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.code, 'unknown_port');
    assert.equal((await send({ to, text: NOTICE })).statusCode, 202);
  });

  test('a batch with two identical items to one number: the second refused', async () => {
    const item = { from: '10690001', to: '13800138005', text: NOTICE, type: 'notification' };
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [item, { ...item, to: '13800138006' }, item] } });
    assert.equal(r.statusCode, 200);
    const { results } = r.json();
    assert.equal(results[0].status, 'accepted');
    assert.equal(results[1].status, 'accepted');
    assert.equal(results[2].error.code, 'duplicate_content');
    assert.equal(results[2].error.rule, 'content.duplicate');
  });

  test('a message scheduled an hour ahead is judged at its schedule: a copy now passes, a copy for the same time does not', async () => {
    const to = '13800138007';
    const at = new Date(g.clock.now() + 3_600_000).toISOString();
    assert.equal((await send({ to, text: NOTICE, scheduledAt: at })).statusCode, 202);
    assert.equal((await send({ to, text: NOTICE })).statusCode, 202);
    assert.equal((await send({ to, text: NOTICE, scheduledAt: at })).json().error?.code, 'duplicate_content');
  });
});

test('a verification code resent identically within 30 s is refused duplicate_content where its own limit allows more', async () => {
  await withGateway({ overrides: { verificationLimits: { perMinute: 10, perHour: 50, perDay: 100 } } }, async (g, cp) => {
    const code = { from: '10690001', to: '13800138010', text: '【示例】您的验证码是246810', type: 'verification' };
    const send = () => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: code });
    assert.equal((await send()).statusCode, 202);
    const again = await send();
    assert.equal(again.statusCode, 422);
    assert.equal(again.json().error.code, 'duplicate_content');
  });
});

test('duplicateContentWindowSeconds 0 turns the rule off; 60 keeps the text a minute (the store keeps what the profile asks)', async () => {
  await withGateway({ overrides: { duplicateContentWindowSeconds: 0 } }, async (g, cp) => {
    const send = () => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138011', text: NOTICE, type: 'notification' } });
    assert.equal((await send()).statusCode, 202);
    assert.equal((await send()).statusCode, 202);
  });
  await withGateway({ overrides: { duplicateContentWindowSeconds: 60 } }, async (g, cp) => {
    const send = () => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138012', text: NOTICE, type: 'notification' } });
    assert.equal((await send()).statusCode, 202);
    g.clock.advance(45_000);
    assert.equal((await send()).json().error?.code, 'duplicate_content');
    g.clock.advance(15_000);
    assert.equal((await send()).statusCode, 202);
  });
});

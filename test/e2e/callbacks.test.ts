/**
 * HTTP callbacks (webhooks) end to end through the simulator: a provider's status and MO URLs get
 * signed POSTs, at least once, retried after a failure when the (simulated) clock reaches the retry.
 * The receivers are real HTTP servers on 127.0.0.1.
 */
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { OTHER_PROVIDER, onboard, startTestGateway, type Provider, type TestGateway } from '../helpers/gateway.js';
import { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from '../helpers/callback-receiver.js';
import { until } from '../helpers/wait.js';
import { pruneOperational } from '../../src/app/housekeeping.js';

/** What a receiver does (README "Callbacks"): HMAC-SHA256 of the raw body, compared in constant time. */
function signedBy(secret: string, c: ReceivedCallback): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(c.raw).digest('hex')}`);
  const got = Buffer.from(String(c.headers['x-smsguard-signature'] ?? ''));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe('HTTP callbacks', () => {
  let g: TestGateway;
  let cp: Provider;
  let other: Provider;
  let rx: CallbackReceiver;
  let secret: string;
  const put = (id: string, payload: unknown, headers = g.admin) => g.http.inject({ method: 'PUT', url: `/v1/content-providers/${id}/callbacks`, headers, payload: payload as object });

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
    other = await onboard(g, OTHER_PROVIDER);
    rx = await startCallbackReceiver();
    const r = await put(cp.id, { statusUrl: rx.url('/status'), moUrl: rx.url('/mo') });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(Object.keys(r.json()).sort(), ['moUrl', 'secret', 'statusUrl']);
    secret = r.json().secret;
    assert.match(secret, /^sgw_[A-Za-z0-9_-]{43}$/);
  });
  after(async () => {
    await g.close();
    await rx.close();
  });
  beforeEach(async () => {
    await g.callbacks.idle();
    rx.got.length = 0;
    rx.answers.length = 0;
  });

  // A number of its own each time: verification messages to one number are limited to 1 a minute.
  let seq = 0;
  const send = async (clientRef?: string) => {
    const to = `1380013${String(8000 + seq++)}`;
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的验证码是123456', type: 'verification', ...(clientRef ? { clientRef } : {}) } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    return m.json().id as string;
  };

  test('a message\'s submitted and delivered reach statusUrl, signed, with their event ids and the clientRef', async () => {
    const id = await send('order-42');
    const to = `+861380013${String(8000 + seq - 1)}`;
    await until(() => rx.got.filter((c) => c.json.id === id).length === 2, 8000, 'two status callbacks');
    const mine = rx.got.filter((c) => c.json.id === id);
    assert.deepEqual(mine.map((c) => c.json.status).sort(), ['delivered', 'submitted']);
    for (const c of mine) {
      assert.equal(c.path, '/status');
      assert.equal(c.headers['content-type'], 'application/json');
      assert.ok(signedBy(secret, c), 'signature verifies with the secret');
      assert.ok(!signedBy('sgw_wrong', c), 'and not with another');
      assert.equal(c.headers['x-smsguard-event-id'], `${id}:${c.json.status}`);
      assert.deepEqual(c.json, {
        event: 'message.status', eventId: `${id}:${c.json.status}`, id, clientRef: 'order-42', status: c.json.status,
        at: new Date(g.clock.now()).toISOString(), from: '10690001', to,
      });
    }
    await g.callbacks.idle();
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 0, 'sent rows are deleted');
  });

  test('the clientRef comes with the status event: no read of the message per status; only an event without it (an older process\'s) reads it', async () => {
    const messages = g.store.messages;
    const getMessage = messages.getMessage;
    const reads: string[] = [];
    messages.getMessage = async (id: string) => {
      reads.push(id);
      return getMessage.call(messages, id);
    };
    try {
      const id = await send('order-43');
      const bare = await send();
      await until(() => rx.got.length === 4, 8000, 'four status callbacks');
      await g.callbacks.idle();
      for (const c of rx.got) assert.equal(c.json.clientRef, c.json.id === id ? 'order-43' : undefined, JSON.stringify(c.json));
      assert.ok(rx.got.some((c) => c.json.id === bare));
      assert.deepEqual(reads, [], 'no records read on the common path');
      // An event that lacks the field (sent over the bus by a process of an older version): read once.
      g.app.events.emit('messageStatus', { id, contentProviderId: cp.id, status: 'failed', at: g.clock.now(), from: '10690001', to: '+8613800138000', submittedAt: g.clock.now(), registeredDelivery: false, text: 'x' });
      await until(() => rx.got.length === 5, 8000, 'the older event\'s callback');
      assert.equal(rx.got[4].json.clientRef, 'order-43');
      assert.deepEqual(reads, [id]);
    } finally {
      messages.getMessage = getMessage;
    }
  });

  test('a receiver answering 500 gets the event again once the retry is due, and only once after its 2xx', async () => {
    rx.answers.push(500, 500);
    const id = await send();
    await until(() => rx.got.length === 2, 8000, 'the first attempts');
    await g.callbacks.idle();
    // Both failed: nothing more before the first retry (10 s on the app clock).
    g.clock.advance(9_000);
    await g.callbacks.idle();
    assert.equal(rx.got.length, 2);
    g.clock.advance(1_000);
    await until(() => rx.got.length === 4, 8000, 'the retries');
    await g.callbacks.idle();
    const byEvent = new Map<string, number>();
    for (const c of rx.got) byEvent.set(String(c.headers['x-smsguard-event-id']), (byEvent.get(String(c.headers['x-smsguard-event-id'])) ?? 0) + 1);
    assert.deepEqual([...byEvent].sort(), [[`${id}:delivered`, 2], [`${id}:submitted`, 2]]);
    assert.ok(rx.got.every((c) => signedBy(secret, c)));
    // Taken now: later rounds send nothing more.
    g.clock.advance(2 * 3_600_000);
    await new Promise((r) => setTimeout(r, 100));
    await g.callbacks.idle();
    assert.equal(rx.got.length, 4);
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 0);
  });

  test('a receiver that never takes it: retried with backoff, given up after 24 h and kept as failed', async () => {
    for (let i = 0; i < 100; i++) rx.answers.push(503);
    const id = await send();
    await until(() => rx.got.length === 2, 8000, 'the first attempts');
    // Step the clock through the day, letting each due retry go.
    for (let t = 0; t < 25 * 60; t += 5) {
      g.clock.advance(5 * 60_000);
      await g.callbacks.idle();
    }
    const attempts = rx.got.filter((c) => c.json.id === id && c.json.status === 'delivered').length;
    // 10 s, 1 min, 5 min, 30 min, then hourly until 24 h after queueing: 1 + 4 + 23.
    assert.ok(attempts >= 26 && attempts <= 29, `attempts: ${attempts}`);
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 0);
    const failed = (await g.store.callbacks.listFailed(cp.id)).filter((f) => f.eventId.startsWith(id));
    assert.deepEqual(failed.map((f) => [f.eventId, f.lastError]).sort(), [[`${id}:delivered`, 'HTTP 503'], [`${id}:submitted`, 'HTTP 503']]);
    g.clock.advance(3_600_000);
    await g.callbacks.idle();
    assert.equal(rx.got.filter((c) => c.json.id === id).length, 2 * attempts, 'nothing after giving up');
  });

  test('an MO to the provider\'s port reaches moUrl', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13900139000', to: '10690001', text: '你好，请问营业时间' } });
    assert.equal(r.json().action, 'forwarded', r.body);
    await until(() => rx.got.some((c) => c.path === '/mo'), 8000, 'the MO callback');
    const c = rx.got.find((x) => x.path === '/mo')!;
    assert.ok(signedBy(secret, c));
    assert.deepEqual(c.json, { event: 'mo', eventId: `mo:${r.json().id}`, id: r.json().id, from: '+8613900139000', to: '10690001', text: '你好，请问营业时间', at: new Date(g.clock.now()).toISOString() });
    assert.equal(c.headers['x-smsguard-event-id'], `mo:${r.json().id}`);
  });

  test('the same event heard twice (two processes of a scale-out) is queued and sent once', async () => {
    rx.answers.push(500);
    const ev = { id: 'msg_repeat_1', contentProviderId: cp.id, status: 'delivered' as const, at: g.clock.now(), from: '10690001', to: '+8613800138000', submittedAt: g.clock.now(), registeredDelivery: false as const, text: 'x' };
    g.app.events.emit('messageStatus', ev);
    g.app.events.emit('messageStatus', ev);
    await g.callbacks.idle();
    assert.equal(rx.got.length, 1);
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 1, 'one row, waiting for its retry');
    g.app.events.emit('messageStatus', ev);
    await g.callbacks.idle();
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 1);
    g.clock.advance(10_000);
    await until(() => rx.got.length === 2, 8000, 'the retry');
    await g.callbacks.idle();
    assert.equal(rx.got.length, 2);
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 0);
  });

  test('a provider without callbacks gets none, and queues nothing', async () => {
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: '13800138000', text: '【别家】您的验证码是654321', type: 'verification' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    await new Promise((r) => setTimeout(r, 50));
    await g.callbacks.idle();
    assert.equal(await g.store.callbacks.pendingCount(other.id), 0);
    assert.equal(rx.got.length, 0);
  });

  test('invalid URLs are refused naming the field; unknown providers are not found', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ statusUrl: 'ftp://example.com/x' }, 'statusUrl'],
      [{ statusUrl: '/relative/path' }, 'statusUrl'],
      [{ moUrl: 'not a url' }, 'moUrl'],
      [{ moUrl: `https://example.com/${'a'.repeat(2000)}` }, 'moUrl'],
      [{ statusUrl: 'https://user:pw@example.com/x' }, 'statusUrl'],
      [{ statusUrl: 42 }, 'statusUrl'],
      [{ rotateSecret: 'yes' }, 'rotateSecret'],
    ];
    for (const [payload, field] of bad) {
      const r = await put(cp.id, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload).slice(0, 60)}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, field, r.body);
    }
    // Nothing changed by the refusals.
    const g1 = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/callbacks`, headers: cp.auth });
    assert.deepEqual(g1.json(), { statusUrl: rx.url('/status'), moUrl: rx.url('/mo') });
    const nf = await put('cp_nope', { statusUrl: 'https://example.com/s' });
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json().error.code, 'not_found');
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/content-providers/cp_nope/callbacks', headers: g.admin })).statusCode, 404);
  });

  test('the provider reads its own URLs (never the secret); another provider reads nothing and no provider sets them', async () => {
    const mine = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/callbacks`, headers: cp.auth });
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(mine.json(), { statusUrl: rx.url('/status'), moUrl: rx.url('/mo') });
    const theirs = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/callbacks`, headers: other.auth });
    assert.equal(theirs.statusCode, 403);
    assert.equal(theirs.json().error.code, 'forbidden');
    assert.ok(!theirs.body.includes('127.0.0.1'));
    const self = await put(cp.id, { statusUrl: 'https://evil.example/s' }, cp.auth);
    assert.equal(self.statusCode, 403);
    const none = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${other.id}/callbacks`, headers: other.auth });
    assert.deepEqual(none.json(), { statusUrl: null, moUrl: null });
  });

  test('the secret is shown only when made: first URL, rotateSecret; a rotated secret signs what follows', async () => {
    const again = await put(cp.id, { moUrl: rx.url('/mo') });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), { statusUrl: rx.url('/status'), moUrl: rx.url('/mo') });
    const rotated = await put(cp.id, { rotateSecret: true });
    const fresh = rotated.json().secret as string;
    assert.ok(fresh && fresh !== secret);
    const id = await send();
    await until(() => rx.got.filter((c) => c.json.id === id).length === 2, 8000, 'status callbacks');
    assert.ok(rx.got.every((c) => signedBy(fresh, c) && !signedBy(secret, c)));
    secret = fresh;
    // Removing the status URL stops its callbacks; the MO URL stays.
    const off = await put(cp.id, { statusUrl: null });
    assert.deepEqual(off.json(), { statusUrl: null, moUrl: rx.url('/mo') });
    rx.got.length = 0;
    await send();
    await new Promise((r) => setTimeout(r, 50));
    await g.callbacks.idle();
    assert.equal(rx.got.length, 0);
    assert.equal(await g.store.callbacks.pendingCount(cp.id), 0);
  });

  test('what another process stored is used: a row it queued goes to the URL it set, and after a reload this process queues too', async () => {
    // Another gateway process sharing the store set the URL and queued an event: this process's map
    // has not been reloaded, so the worker reads the settings from the store.
    const elsewhere = 'sgw_set_by_another_process';
    await g.store.callbacks.putSettings({ contentProviderId: other.id, statusUrl: rx.url('/other'), moUrl: null, secret: elsewhere, updatedAt: g.clock.now() });
    const body = JSON.stringify({ event: 'message.status', eventId: 'msg_elsewhere:delivered' });
    await g.store.callbacks.enqueue([{ eventId: 'msg_elsewhere:delivered', contentProviderId: other.id, kind: 'status', body, createdAt: g.clock.now() }]);
    g.callbacks.kick();
    await until(() => rx.got.some((c) => c.path === '/other'), 8000, 'the row queued elsewhere');
    const c = rx.got.find((x) => x.path === '/other')!;
    assert.equal(c.raw, body);
    assert.ok(signedBy(elsewhere, c));
    await g.callbacks.reload();
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10698001', to: '13700137000', text: '【别家】您的验证码是111111', type: 'verification' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
    await until(() => rx.got.filter((x) => x.json.id === m.json().id).length === 2, 8000, 'the reloaded provider\'s callbacks');
    assert.ok(rx.got.every((x) => x.path === '/other' && signedBy(elsewhere, x)));
  });

  test('given-up callbacks are kept a week, then housekeeping removes them', async () => {
    const failed = await g.store.callbacks.listFailed(cp.id);
    assert.ok(failed.length >= 2, 'from the 24 h test');
    g.clock.advance(5 * 86_400_000);
    assert.equal((await pruneOperational(g.app.ctx)).callbacks, 0);
    assert.equal((await g.store.callbacks.listFailed(cp.id)).length, failed.length);
    g.clock.advance(3 * 86_400_000);
    assert.equal((await pruneOperational(g.app.ctx)).callbacks, failed.length);
    assert.deepEqual(await g.store.callbacks.listFailed(cp.id), []);
  });

  test('/metrics counts callbacks sent, retried and failed', async () => {
    const body = (await g.http.inject({ method: 'GET', url: '/metrics' })).body;
    const r = { body: body.split('\n').filter((l) => l.startsWith('smsguard_callbacks_total')).join('\n') };
    assert.match(r.body, /smsguard_callbacks_total\{kind="status",outcome="sent"\} [1-9]/);
    assert.match(r.body, /smsguard_callbacks_total\{kind="status",outcome="retried"\} [1-9]/);
    assert.match(r.body, /smsguard_callbacks_total\{kind="status",outcome="failed"\} [1-9]/);
    assert.match(r.body, /smsguard_callbacks_total\{kind="mo",outcome="sent"\} 1/);
  });
});

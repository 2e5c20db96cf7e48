/**
 * A content provider's HTTP throughput (README "HTTP throughput"): set by the operator with
 * PATCH /v1/content-providers/{id}, shown by GET, enforced on POST /v1/messages and /batch (a batch
 * counts its messages) and PATCH /v1/messages/{id} (one each) with 429 throttled, rule provider.throughput and Retry-After; a refused request
 * is refused whole and nothing of it is recorded; another provider is not touched; null lifts it.
 * The bucket runs on the app clock, which the test gateway simulates: time moves only when told.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OTHER_PROVIDER, gatewaySuite } from '../helpers/gateway.js';

describe('HTTP throughput per content provider', () => {
  const { g, cp, other } = gatewaySuite({ other: OTHER_PROVIDER });
  let seq = 0;
  /** A fresh recipient each time, so no per-number limit is what refuses. */
  const to = () => `1380013${String(8000 + seq++).padStart(4, '0')}`;
  const msg = (from = '10690001') => ({ from, to: to(), text: '【示例】您的验证码是 123456', type: 'notification' });
  const otherMsg = () => ({ from: '10698001', to: to(), text: '【别家】您的验证码是 123456', type: 'notification' });
  const send = (auth: Record<string, string>, payload: object) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload });
  const batch = (auth: Record<string, string>, messages: object[]) => g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: auth, payload: { messages } });
  const patch = (payload: object, headers = g.admin, id = cp.id) => g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${id}`, headers, payload });
  /** Messages to this number the provider can see (a refused request leaves none). */
  const seen = async (msisdn: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages?msisdn=${msisdn}`, headers: cp.auth })).json().messages.length;

  test('no limit until the operator sets one; GET shows null, then the rate', async () => {
    const d = await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}`, headers: g.admin });
    assert.equal(d.statusCode, 200, d.body);
    assert.equal(d.json().httpThroughput, null);
    const r = await batch(cp.auth, Array.from({ length: 30 }, () => msg()));
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.json().results.every((x: { status?: string }) => x.status === 'accepted'), r.body);
    const p = await patch({ httpThroughput: 5 });
    assert.equal(p.statusCode, 200, p.body);
    assert.deepEqual(p.json(), { id: cp.id, status: 'active', httpThroughput: 5 });
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}`, headers: cp.auth })).json().httpThroughput, 5);
  });

  test('past 5 messages in a second: 429 throttled, rule provider.throughput, Retry-After, nothing recorded', async () => {
    const first = msg();
    for (let i = 0; i < 5; i++) {
      const r = await send(cp.auth, i === 0 ? first : msg());
      assert.equal(r.statusCode, 202, r.body);
    }
    assert.equal(await seen(first.to), 1, 'an accepted one is found this way');
    const m = msg();
    const r = await send(cp.auth, m);
    assert.equal(r.statusCode, 429, r.body);
    const e = r.json().error;
    assert.equal(e.code, 'throttled');
    assert.equal(e.rule, 'provider.throughput');
    assert.match(e.message, /5 messages a second/);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(await seen(m.to), 0, 'an over-rate request is not recorded');
  });

  test('another provider is not held to it', async () => {
    const r = await batch(other.auth, Array.from({ length: 20 }, otherMsg));
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.json().results.every((x: { status?: string }) => x.status === 'accepted'), r.body);
    assert.equal((await send(other.auth, otherMsg())).statusCode, 202);
  });

  test('tokens come back with the clock: 200 ms is one message, a second is five', async () => {
    assert.equal((await send(cp.auth, msg())).statusCode, 429);
    g.clock.advance(200);
    assert.equal((await send(cp.auth, msg())).statusCode, 202);
    assert.equal((await send(cp.auth, msg())).statusCode, 429);
    g.clock.advance(1000);
    const r = await batch(cp.auth, Array.from({ length: 5 }, () => msg()));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().results.length, 5);
    assert.equal((await send(cp.auth, msg())).statusCode, 429);
  });

  test('a batch that does not fit is refused whole, and takes nothing from the bucket', async () => {
    g.clock.advance(400); // two tokens
    const three = Array.from({ length: 3 }, () => msg());
    const r = await batch(cp.auth, three);
    assert.equal(r.statusCode, 429, r.body);
    assert.equal(r.json().error.code, 'throttled');
    assert.equal(r.headers['retry-after'], '1', 'one more token in 200 ms, said in whole seconds');
    for (const m of three) assert.equal(await seen(m.to), 0, 'no part of a refused batch is recorded');
    const two = await batch(cp.auth, [msg(), msg()]);
    assert.equal(two.statusCode, 200, two.body);
    assert.equal(two.json().results.length, 2);
  });

  test('a batch larger than a second\'s worth never fits: 429 without Retry-After, saying to send smaller requests', async () => {
    g.clock.advance(5000);
    const six = Array.from({ length: 6 }, () => msg());
    const r = await batch(cp.auth, six);
    assert.equal(r.statusCode, 429, r.body);
    assert.equal(r.json().error.code, 'throttled');
    assert.equal(r.json().error.rule, 'provider.throughput');
    assert.match(r.json().error.message, /at most 5 messages a request/);
    assert.equal(r.headers['retry-after'], undefined);
    for (const m of six) assert.equal(await seen(m.to), 0);
    // the full bucket is still there
    assert.equal((await batch(cp.auth, Array.from({ length: 5 }, () => msg()))).statusCode, 200);
  });

  test('a retry with an Idempotency-Key passes the throughput like any request: 429 keeps no key, the next retry is decided once', async () => {
    g.clock.advance(5000); // a full bucket: five
    for (let i = 0; i < 5; i++) assert.equal((await send(cp.auth, msg())).statusCode, 202);
    const m = msg();
    const keyed = { ...cp.auth, 'idempotency-key': 'throttle-then-retry' };
    const refused = await send(keyed, m);
    assert.equal(refused.statusCode, 429, refused.body);
    assert.equal(refused.headers['idempotent-replayed'], undefined);
    g.clock.advance(200);
    const first = await send(keyed, m);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined, 'the 429 kept no key: this one is decided');
    // a replay takes a token too: with none left it is throttled, then replayed once one comes back
    assert.equal((await send(keyed, m)).statusCode, 429);
    g.clock.advance(200);
    const again = await send(keyed, m);
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    assert.equal(await seen(m.to), 1, 'one message, however many retries');
  });

  test('PATCH /v1/messages/{id} takes one token as a submit does: past the rate 429 throttled, the message unchanged', async () => {
    g.clock.advance(5000); // a full bucket: five
    // scheduled an hour ahead, so it is still held (replaceable) whatever the worker does meanwhile
    const at = new Date(g.app.ctx.clock.now() + 3_600_000).toISOString();
    const s = await send(cp.auth, { ...msg(), scheduledAt: at });
    assert.equal(s.statusCode, 202, s.body);
    const id = s.json().id as string;
    const replace = (text: string) => g.http.inject({ method: 'PATCH', url: `/v1/messages/${id}`, headers: cp.auth, payload: { text } });
    for (let i = 1; i <= 4; i++) {
      const r = await replace(`【示例】您的验证码是 65432${i}`);
      assert.equal(r.statusCode, 200, r.body);
    }
    const over = await replace('【示例】您的验证码是 999999');
    assert.equal(over.statusCode, 429, over.body);
    assert.equal(over.json().error.code, 'throttled');
    assert.equal(over.json().error.rule, 'provider.throughput');
    assert.equal(over.headers['retry-after'], '1');
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json();
    assert.equal(v.text, '【示例】您的验证码是 654324', 'nothing decided: the last admitted text stands');
    assert.equal((await send(cp.auth, msg())).statusCode, 429, 'the same bucket as POST /v1/messages');
    g.clock.advance(200);
    assert.equal((await replace('【示例】您的验证码是 999999')).statusCode, 200, 'a token back with the clock');
  });

  test('null lifts the limit at once', async () => {
    assert.equal((await send(cp.auth, msg())).statusCode, 429);
    const p = await patch({ httpThroughput: null });
    assert.equal(p.statusCode, 200, p.body);
    assert.equal(p.json().httpThroughput, null);
    const r = await batch(cp.auth, Array.from({ length: 50 }, () => msg()));
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.json().results.every((x: { status?: string }) => x.status === 'accepted'), r.body);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}`, headers: g.admin })).json().httpThroughput, null);
  });

  test('validation: a whole number from 1 to 100000 or null; admin only; an unknown provider is 404; status still works alone', async () => {
    for (const bad of [0, -1, 100_001, 2.5, 'fast', '5', true, [], {}]) {
      const r = await patch({ httpThroughput: bad });
      assert.equal(r.statusCode, 400, `${JSON.stringify(bad)}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, 'httpThroughput', r.body);
    }
    const neither = await patch({});
    assert.equal(neither.statusCode, 400, neither.body);
    assert.equal((await patch({ httpThroughput: 5 }, cp.auth)).statusCode, 403);
    assert.equal((await patch({ httpThroughput: 5 }, g.admin, 'cp_nope')).statusCode, 404);
    assert.equal((await patch({ httpThroughput: 100_000 })).json().httpThroughput, 100_000);
    const s = await patch({ status: 'suspended', reason: 'test' });
    assert.deepEqual(s.json(), { id: cp.id, status: 'suspended', httpThroughput: 100_000 });
    assert.equal((await patch({ status: 'active', httpThroughput: null })).json().httpThroughput, null);
  });
});

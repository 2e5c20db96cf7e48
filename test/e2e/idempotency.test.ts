/**
 * Safe retries over HTTP (README "Retrying safely"): `Idempotency-Key` on POST /v1/messages and
 * /v1/messages/batch. A retry with the same key and request is answered as the first time, byte for
 * byte, with `Idempotent-Replayed: true`, and nothing is decided, counted or sent again; the same key
 * with another request is 422 idempotency_key_reused; keys are per provider and kept 24 hours.
 * Before, the header was ignored: a retry was a second message (a second verification code, a second
 * frequency count).
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, OTHER_PROVIDER, type TestGateway, type Provider } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { pruneOperational } from '../../src/app/housekeeping.js';

const MIN = 60_000;
const DAY = 86_400_000;
const CODE = '【示例】您的验证码是123456，5分钟内有效。';

describe('Idempotency-Key (HTTP submit)', () => {
  let g: TestGateway;
  let cp: Provider;
  let n = 0;
  const number = () => `139004471${String(n++).padStart(2, '0')}`;

  beforeEach(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
  });
  afterEach(async () => g.close());

  const post = (payload: unknown, key?: string, who: Provider = cp, url = '/v1/messages') =>
    g.http.inject({ method: 'POST', url, headers: { ...who.auth, ...(key !== undefined ? { 'idempotency-key': key } : {}) }, payload: payload as Record<string, unknown> });
  const code = (to: string) => ({ from: '10690001', to, text: CODE, type: 'verification' });
  const sentTo = (to: string) => g.simulator.outbox().filter((m) => m.to.endsWith(to)).length;
  /** Long enough for the worker (polling every 50 ms) to have sent anything due. */
  const settle = () => new Promise((r) => setTimeout(r, 300));
  const listed = async (to: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages?msisdn=${to}`, headers: cp.auth })).json().messages as { id: string }[];

  test('a retried verification code is answered as the first time: same id and bytes, replayed header; no second SMS, no second frequency count', async () => {
    const to = number();
    const first = await post(code(to), 'order-42-code');
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined, 'the first answer is no replay');
    await waitFor(() => sentTo(to) === 1 || undefined);
    // a second later, the client retries (its first request timed out): the same fields in another order
    g.clock.advance(1000);
    const retry = await post({ type: 'verification', text: CODE, to, from: '10690001' }, 'order-42-code');
    assert.equal(retry.statusCode, 202, `not frequency_exceeded: ${retry.body}`);
    assert.equal(retry.body, first.body, 'byte for byte');
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.match(String(retry.headers['content-type']), /^application\/json/);
    await settle();
    assert.equal(sentTo(to), 1, 'one SMS');
    assert.deepEqual((await listed(to)).map((m) => m.id), [first.json().id], 'one message recorded');
    // the frequency counted it once: a new code (another key) a second later is the second in the minute
    const next = await post(code(to), 'order-43-code');
    assert.equal(next.statusCode, 422, next.body);
    assert.equal(next.json().error.code, 'frequency_exceeded');
    // a keyed answer is the JSON an unkeyed request gets (here the same refusal, but for its id)
    const unkeyed = await post(code(to));
    assert.equal(unkeyed.statusCode, 422);
    assert.equal(unkeyed.body.replace(unkeyed.json().id, 'ID'), next.body.replace(next.json().id, 'ID'));
    assert.equal(first.body.replace(first.json().id, 'ID'), JSON.stringify({ id: 'ID', status: 'accepted', text: CODE, segments: 1 }));
    // …and that refusal replays as a refusal, with its id, not decided again a minute later
    g.clock.advance(MIN);
    const nextAgain = await post(code(to), 'order-43-code');
    assert.equal(nextAgain.statusCode, 422);
    assert.equal(nextAgain.body, next.body);
    assert.equal(nextAgain.headers['idempotent-replayed'], 'true');
    // without a key nothing changes: a new submission (a minute on, allowed)
    const plain = await post(code(to));
    assert.equal(plain.statusCode, 202, plain.body);
    assert.notEqual(plain.json().id, first.json().id);
  });

  test('the same key with another body, or on the other route, is 422 idempotency_key_reused and decides nothing', async () => {
    const to = number();
    const first = await post(code(to), 'k-1');
    assert.equal(first.statusCode, 202, first.body);
    const other = number();
    const r = await post(code(other), 'k-1');
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json().error.code, 'idempotency_key_reused');
    assert.equal(r.json().error.rule, 'api.idempotency');
    assert.equal(r.json().error.field, 'Idempotency-Key');
    // API hygiene, no article of the Regulations: the article says so, as the public doors' limits do
    assert.match(r.json().error.article, /^operational, not regulation \(safe retries/);
    assert.equal(r.headers['idempotent-replayed'], undefined);
    const batch = await post({ messages: [code(to)] }, 'k-1', cp, '/v1/messages/batch');
    assert.equal(batch.statusCode, 422, batch.body);
    assert.equal(batch.json().error.code, 'idempotency_key_reused');
    await settle();
    assert.equal(sentTo(other), 0);
    assert.deepEqual(await listed(other), []);
  });

  test('a batch replays its 200 and every result in order; nothing is sent twice', async () => {
    const a = number();
    const b = number();
    const body = { messages: [code(a), { ...code(b), from: '99999999' }, { from: '10690001', to: b }, code(b)] };
    const first = await post(body, 'batch-7', cp, '/v1/messages/batch');
    assert.equal(first.statusCode, 200, first.body);
    const results = first.json().results as { id?: string; status?: string; error?: { code: string } }[];
    assert.equal(results[0].status, 'accepted');
    assert.ok(results[1].error && results[1].id, 'a recorded refusal');
    assert.equal(results[2].error?.code, 'invalid_request', 'a refused shape, not recorded');
    assert.equal(results[3].status, 'accepted');
    await waitFor(() => (sentTo(a) === 1 && sentTo(b) === 1) || undefined);
    g.clock.advance(5000);
    const again = await post(body, 'batch-7', cp, '/v1/messages/batch');
    assert.equal(again.statusCode, 200);
    assert.equal(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    await settle();
    assert.equal(sentTo(a), 1);
    assert.equal(sentTo(b), 1);
    assert.equal((await listed(a)).length, 1);
  });

  test('after 24 hours (simulated clock) the key is forgotten: the same key is a new request; housekeeping prunes it', async () => {
    const to = number();
    const first = await post(code(to), 'daily');
    assert.equal(first.statusCode, 202, first.body);
    g.clock.advance(DAY - 1000);
    const within = await post(code(to), 'daily');
    assert.equal(within.headers['idempotent-replayed'], 'true', 'still kept a second before 24 hours');
    g.clock.advance(1000);
    const after = await post(code(to), 'daily');
    assert.equal(after.statusCode, 202, after.body);
    assert.equal(after.headers['idempotent-replayed'], undefined);
    assert.notEqual(after.json().id, first.json().id);
    await waitFor(() => sentTo(to) === 2 || undefined);
    // the new one is kept now; the day after, housekeeping takes it
    assert.equal((await post(code(to), 'daily')).body, after.body);
    g.clock.advance(DAY + 1);
    const r = await pruneOperational(g.app.ctx);
    assert.equal(r.idempotencyKeys, 1);
    assert.equal(await g.store.idempotency.find(cp.id, 'daily', 0), null);
  });

  test('two requests with one key at once: the second waits for the first and replays it; one message', async () => {
    const to = number();
    const [x, y] = await Promise.all([post(code(to), 'twin'), post(code(to), 'twin')]);
    assert.equal(x.statusCode, 202, x.body);
    assert.equal(y.statusCode, 202, y.body);
    assert.equal(x.body, y.body);
    assert.deepEqual([x.headers['idempotent-replayed'], y.headers['idempotent-replayed']].sort(), ['true', undefined].sort());
    assert.equal(g.app.keysInFlight.size, 0, 'nothing left held');
    await waitFor(() => sentTo(to) === 1 || undefined);
    await settle();
    assert.equal(sentTo(to), 1);
    assert.equal((await listed(to)).length, 1);
  });

  test('keys are per provider: another provider\'s same key is its own request', async () => {
    const other = await onboard(g, OTHER_PROVIDER);
    const to = number();
    const mine = await post(code(to), 'shared-name');
    const theirs = await post({ ...code(to), from: '10698001', text: '【别家】您的验证码是654321。' }, 'shared-name', other);
    assert.equal(mine.statusCode, 202, mine.body);
    assert.equal(theirs.statusCode, 202, theirs.body);
    assert.equal(theirs.headers['idempotent-replayed'], undefined);
    assert.notEqual(theirs.json().id, mine.json().id);
  });

  test('a malformed key is 400 invalid_request naming the header, and nothing is decided', async () => {
    const to = number();
    for (const bad of ['', 'x'.repeat(256), 'tab\there', 'ключ']) {
      const r = await post(code(to), bad);
      assert.equal(r.statusCode, 400, `${JSON.stringify(bad)}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.equal(r.json().error.field, 'Idempotency-Key');
      const b = await post({ messages: [code(to)] }, bad, cp, '/v1/messages/batch');
      assert.equal(b.statusCode, 400, b.body);
      assert.equal(b.json().error.field, 'Idempotency-Key');
    }
    assert.equal((await post(code(to), 'x'.repeat(255))).statusCode, 202, '255 printable characters are a key');
    assert.equal((await listed(to)).length, 1);
  });

  test('a store failure (5xx) keeps no key: the retry is decided', async () => {
    const to = number();
    const messages = g.store.messages;
    const real = messages.decideAndRecord.bind(messages);
    let fail = true;
    messages.decideAndRecord = async (...args) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      return real(...args);
    };
    const r = await post(code(to), 'after-outage');
    assert.equal(r.statusCode, 500, r.body);
    const retry = await post(code(to), 'after-outage');
    assert.equal(retry.statusCode, 202, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal((await post(code(to), 'after-outage')).headers['idempotent-replayed'], 'true');
  });

  test('the OpenAPI document gives the header on both submit routes', async () => {
    const doc = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const path of ['/v1/messages', '/v1/messages/batch']) {
      const p = (doc.paths[path].post.parameters ?? []).find((x: { in: string; name: string }) => x.in === 'header' && x.name === 'Idempotency-Key');
      assert.ok(p, path);
      assert.equal(p.required, false);
      assert.equal(p.schema.maxLength, 255);
    }
  });
});

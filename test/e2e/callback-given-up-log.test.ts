/**
 * A callback given up when its retries ran out is said on the log (README "HTTP callbacks"): it was
 * only counted in /metrics, so an operator tailing the log did not see that a provider's receiver had
 * stopped taking them. One warn line per provider and URL in a window, then the count of the rest;
 * the URL's host only (its path and query may hold the receiver's own token). Through the app's own
 * pino logger (privateLoggerOptions), as src/main.ts gives it to the worker.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { gatewaySuite } from '../helpers/gateway.js';
import { startCallbackReceiver, type CallbackReceiver } from '../helpers/callback-receiver.js';
import { until } from '../helpers/wait.js';
import { CallbackWorker, urlHost } from '../../src/app/callback-worker.js';
import { privateLoggerOptions } from '../../src/http/log-privacy.js';

describe('given-up callbacks on the log', () => {
  const { g, cp } = gatewaySuite();
  let rx: CallbackReceiver;
  let worker: CallbackWorker;
  const lines: Record<string, unknown>[] = [];
  const WINDOW_MS = 1500;

  before(async () => {
    rx = await startCallbackReceiver();
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l)); done(); } });
    // the suite's worker stopped: this one, with the logger, takes the rows
    await g.callbacks.stop();
    worker = new CallbackWorker(g.app.ctx, g.app.callbacks, { log: pino(privateLoggerOptions('info'), sink), givenUpLogMs: WINDOW_MS });
    await worker.start();
    g.clock.onChange(() => worker.kick());
    const put = await g.http.inject({ method: 'PUT', url: `/v1/content-providers/${cp.id}/callbacks`, headers: g.admin, payload: { statusUrl: rx.url('/hooks/status?token=s3cretQ') } });
    assert.equal(put.statusCode, 200, put.body);
  });
  after(async () => {
    await worker.stop();
    await rx.close();
  });

  test('the first given up is a warn line naming provider, kind, event, host, attempts and error; the rest of the window one count', async () => {
    // two messages: four status events (submitted, delivered), each failing at once and after 24 h
    rx.answers.push(...Array(8).fill(503));
    const ids: string[] = [];
    for (const to of ['13800138001', '13800138002']) {
      const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to, text: '【示例】您的验证码是123456', type: 'verification' } });
      assert.equal(m.statusCode, 202, m.body);
      ids.push(m.json().id as string);
    }
    await g.worker.drain();
    await until(() => rx.got.length === 4, 8000, 'the first attempts');
    await worker.idle();
    assert.equal(lines.length, 0, 'a retry is not a warning');
    const t0 = Date.now();
    g.clock.advance(25 * 3_600_000);
    await until(async () => (await g.store.callbacks.listFailed()).length === 4, 8000, 'given up');
    await worker.idle();
    const given = lines.filter((l) => /^callback given up/.test(String(l.msg)));
    assert.equal(given.length, 1, JSON.stringify(lines));
    const [first] = given;
    assert.equal(first!.level, 40, 'warn');
    assert.equal(first!.contentProviderId, cp.id);
    assert.equal(first!.kind, 'status');
    assert.match(String(first!.eventId), new RegExp(`^(${ids.join('|')}):(submitted|delivered)$`));
    assert.equal(first!.host, urlHost(rx.url('/')));
    assert.equal(first!.attempts, 2);
    assert.equal(first!.lastError, 'HTTP 503');
    // the other three in the window: one line when it ends, with their count
    await until(() => lines.length === 2, WINDOW_MS + 5000, 'the count of the rest');
    assert.ok(Date.now() - t0 >= WINDOW_MS - 100, 'not before the window ends');
    const rest = lines[1]!;
    assert.equal(rest.level, 40);
    assert.equal(rest.more, 3);
    assert.equal(rest.contentProviderId, cp.id);
    assert.match(String(rest.msg), /^callbacks given up: 3 more status callbacks of .* to 127\.0\.0\.1:\d+ /);
    for (const l of lines) {
      const text = JSON.stringify(l);
      assert.ok(!text.includes('s3cretQ') && !text.includes('/hooks/status'), `no path or query: ${text}`);
      assert.ok(!text.includes('13800138001') && !text.includes('验证码'), `no number or text: ${text}`);
    }
    // a window with none after its first closes without a line
    await new Promise((r) => setTimeout(r, WINDOW_MS + 300));
    assert.equal(lines.length, 2);
  });

  test('the host alone of a URL: no user, path or query', () => {
    assert.equal(urlHost('https://u:pw@hooks.example.com:8443/cb?token=x'), 'hooks.example.com:8443');
    assert.equal(urlHost('not a url'), '(not a URL)');
  });
});

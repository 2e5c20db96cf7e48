/**
 * GET /readyz (app/readiness.ts, src/http/readyz.ts) on SQLite: as the app builder serves it (the
 * store's check; its answer 503 once the database no longer answers, as /metrics' smsguard_ready), and
 * as `smsguard start` serves it: the SMPP server and the carrier links beside the store, carrier
 * links that cannot connect reported (one named, one shown by its place, never its address) without making the process not ready (what it accepts waits in
 * the queue), and a SIGTERM answered 503 `stopping` for --stop-delay-ms while everything else,
 * /healthz included, is still served (smsguard_ready 0), before the process exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway } from '../helpers/gateway.js';
import { spawnSmsguard, stopProcess } from '../helpers/process.js';
import { closedPort } from '../helpers/closed-port.js';
import { waitFor } from '../helpers/wait.js';

const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_readyz_test_token_00000000000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

test('app builder: 200 ready while the store answers; 503 not_ready naming the store once it does not (smsguard_ready 1 while ready)', async () => {
  const g = await startTestGateway();
  try {
    const ok = await g.http.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { status: 'ready', checks: { store: { ok: true, required: true } } });
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.match((await g.http.inject({ method: 'GET', url: '/metrics' })).body, /^smsguard_ready 1$/m);
    // no token needed, as /healthz; and it is in the API's description, tagged ops
    const doc = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    assert.deepEqual(doc.paths['/readyz'].get.tags, ['ops']);
    assert.ok(doc.paths['/readyz'].get.responses['503'], 'the 503 is described');

    await g.worker.stop();
    await g.callbacks.stop();
    g.store.db.close();
    // the last answer is kept a second: a burst of probes is one query
    await new Promise((r) => setTimeout(r, g.app.readiness.cacheMs + 50));
    const down = await g.http.inject({ method: 'GET', url: '/readyz' });
    assert.equal(down.statusCode, 503, down.body);
    assert.equal(down.json().status, 'not_ready');
    assert.equal(down.json().checks.store.ok, false);
    assert.match(down.json().checks.store.detail, /not open/);
    assert.equal((await g.http.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness is not readiness');
    // /metrics is still scraped with the store down (the outbox gauge keeps its last reading): a
    // monitoring system learns the outage from smsguard_ready, not from a failed scrape
    const m = await g.http.inject({ method: 'GET', url: '/metrics' });
    assert.equal(m.statusCode, 200, m.body.slice(0, 300));
    assert.match(m.body, /^smsguard_ready 0$/m);
    assert.match(m.body, /^smsguard_ready_check\{check="store"\} 0$/m);
    assert.match(m.body, /^smsguard_outbox_pending \d+$/m);
  } finally {
    await g.http.close();
    await g.complaints.stop();
    await g.sweeper.stop();
  }
});

test('smsguard start: store, SMPP server and carrier links; a carrier link down is reported, still ready; SIGTERM: 503 stopping during --stop-delay-ms, then exit', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-readyz-'));
  const down = await closedPort();
  const g = await spawnSmsguard(['start', '--db', join(dir, 'g.db'), '--http-port', '0', '--smpp-port', '0', '--upstream', `smpp://u:p@127.0.0.1:${down}?name=cmcc,smpp://u:p@127.0.0.1:${down}`, '--upstream-thread', 'off', '--stop-delay-ms', '3000'], { env: ENV });
  try {
    const ready = await waitFor(async () => {
      const r = await fetch(`${g.url}/readyz`);
      const b = await r.json();
      return r.status === 200 && b.checks.upstreamLinks?.links?.every((l: { state: string }) => l.state === 'down') ? b : undefined;
    }, 15_000, 'ready with the carrier link seen down');
    assert.equal(ready.status, 'ready');
    assert.deepEqual(ready.checks.store, { ok: true, required: true });
    assert.deepEqual(ready.checks.smppServer, { ok: true, required: true });
    assert.equal(ready.checks.upstreamLinks.ok, false);
    assert.equal(ready.checks.upstreamLinks.required, false, 'a carrier link down does not take the process out of the balancer');
    // the probe takes no token: a link without a name= is shown by its place, never by its address
    assert.deepEqual(ready.checks.upstreamLinks.links, [{ name: 'cmcc', state: 'down' }, { name: '#2', state: 'down' }]);
    assert.doesNotMatch(JSON.stringify(ready), /127\.0\.0\.1|u:p/);
    assert.equal(ready.checks.queue, undefined, 'no NATS without --queue');

    const exited = new Promise<number | null>((r) => g.proc.once('exit', (code) => r(code)));
    const t0 = Date.now();
    g.proc.kill('SIGTERM');
    const stopping = await waitFor(async () => {
      const r = await fetch(`${g.url}/readyz`);
      return r.status === 503 ? { status: r.status, body: await r.json() } : undefined;
    }, 2_000, 'readyz 503 after SIGTERM');
    assert.equal(stopping.body.status, 'stopping');
    assert.equal((await fetch(`${g.url}/healthz`)).status, 200, 'still served while the balancer takes it out');
    assert.match(await (await fetch(`${g.url}/metrics`)).text(), /^smsguard_ready 0$/m);
    assert.equal(await exited, 0);
    assert.ok(Date.now() - t0 >= 2_900, 'the listener stayed open for the stop delay');
  } finally {
    await stopProcess(g.proc);
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * `GET /v1/upstream-links` and the per-link metrics, on a gateway whose egress is composed as
 * `start` composes it (startSmpp: the built-in simulator SMSC over SMPP, the client on its thread):
 * the admin sees the simulator link bound and its counters move after a send; regulators, the report
 * centre and providers get 403, no token 401; a process without egress answers an empty list that
 * says so; /metrics carries the link's gauges and counters under its name.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { startSmpp, type SmppDoors } from '../../src/smpp/compose.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { until } from '../helpers/wait.js';
import { documentedResponse, unlisted } from '../helpers/schema-coverage.js';

describe('GET /v1/upstream-links and the link metrics', () => {
  let g: TestGateway;
  let smpp: SmppDoors;
  let http: FastifyInstance;
  let cp: Provider;
  let regulator: Record<string, string>;
  let centre: Record<string, string>;

  before(async () => {
    g = await startTestGateway();
    cp = await onboard(g);
    regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector')).token}` };
    centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', '12321')).token}` };
    smpp = await startSmpp({
      app: g.app, credentialStore: new SqliteSmppCredentials(g.store.db),
      contentProviderExists: async () => true, portKind: async () => null, now: () => g.clock.now(), newId: () => g.app.ctx.ids.next('cred'),
      smppPort: null, smppHost: '127.0.0.1', upstream: 'simulator', simulator: g.simulator,
    });
    assert.ok(await smpp.egress!.waitUp(5000));
    // as src/main.ts wires it
    g.app.setUpstreamLinks(smpp.egress);
    http = await buildHttpApp({ app: g.app, metrics: createMetrics(g.app, undefined, { upstreamLinks: smpp.egress! }) });
  });
  after(async () => {
    await http?.close();
    await smpp?.close();
    await g?.close();
  });

  const links = () => http.inject({ method: 'GET', url: '/v1/upstream-links', headers: g.admin });

  test('the admin sees the simulator link bound; the counters move after a send', async () => {
    const r = await links();
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.egress, true);
    assert.equal(body.stale, false);
    assert.equal(typeof body.at, 'number');
    assert.equal(body.links.length, 1);
    const l = body.links[0];
    assert.equal(l.name, 'simulator');
    assert.equal(l.host, '127.0.0.1');
    assert.equal(l.port, smpp.simulatorSmppPort);
    assert.equal(l.systemId, 'smsguard');
    assert.equal(l.state, 'bound');
    assert.equal(l.window, 1000);
    assert.equal(l.tls, false);
    assert.equal(l.lastError, null);
    assert.ok(!('password' in l) && !r.body.includes('"password"'), 'never the password');
    assert.deepEqual(l.counters, { submitted: 0, submitFailed: 0, throttled: 0, receipts: 0, mo: 0 });

    const sent = await smpp.egress!.submit({ id: 'msg_links_1', contentProviderId: cp.id, from: '10690001', to: '+8613800138000', text: '【示例】链路测试', registeredDelivery: true, attempts: 0, submittedAt: g.clock.now() });
    assert.ok(sent.ok, JSON.stringify(sent));
    await until(async () => (await links()).json().links[0].counters.submitted === 1, 5000, 'the submit counted');
  });

  test('the OpenAPI document (/docs) lists every field the use case gives', async () => {
    const view = await g.app.upstreamLinks({ role: 'admin', actorId: 'admin' });
    assert.equal(view.links.length, 1);
    assert.deepEqual(unlisted(await documentedResponse(http, '/v1/upstream-links'), view), []);
    const body = (await links()).json();
    assert.deepEqual(Object.keys(body.links[0]).sort(), Object.keys(view.links[0]).sort(), 'the serializer drops nothing');
  });

  test('regulators, the report centre and providers get 403; no token 401', async () => {
    for (const headers of [regulator, centre, cp.auth]) {
      const r = await http.inject({ method: 'GET', url: '/v1/upstream-links', headers });
      assert.equal(r.statusCode, 403, r.body);
      assert.equal(r.json().error.code, 'forbidden');
    }
    const anon = await http.inject({ method: 'GET', url: '/v1/upstream-links' });
    assert.equal(anon.statusCode, 401, anon.body);
  });

  test('/metrics: the link\'s gauges and counters, labelled with its name', async () => {
    const r = await http.inject({ method: 'GET', url: '/metrics' });
    assert.equal(r.statusCode, 200);
    const m = r.body;
    const value = (line: string) => {
      const hit = m.split('\n').find((x) => x.startsWith(`${line} `));
      assert.ok(hit, `${line} in /metrics:\n${m.split('\n').filter((x) => x.includes('upstream')).join('\n')}`);
      return Number(hit.slice(line.length + 1));
    };
    assert.equal(value('smsguard_upstream_link_bound{link="simulator"}'), 1);
    assert.equal(value('smsguard_upstream_link_in_flight{link="simulator"}'), 0);
    assert.equal(value('smsguard_upstream_link_queued{link="simulator"}'), 0);
    assert.equal(value('smsguard_upstream_submits_total{link="simulator",outcome="submitted"}'), 1);
    assert.equal(value('smsguard_upstream_submits_total{link="simulator",outcome="failed"}'), 0);
    assert.equal(value('smsguard_upstream_submits_total{link="simulator",outcome="throttled"}'), 0);
    assert.equal(value('smsguard_upstream_reconnects_total{link="simulator"}'), 0);
    assert.ok(value('smsguard_upstream_receipts_total{link="simulator"}') >= 0);
    assert.equal(value('smsguard_upstream_links_stale'), 0);
    // a second scrape adds nothing that did not happen (counters from running totals)
    const again = (await http.inject({ method: 'GET', url: '/metrics' })).body;
    assert.ok(again.includes('smsguard_upstream_submits_total{link="simulator",outcome="submitted"} 1\n'), 'still 1 at the next scrape');
  });

  test('a process without egress (--role ingress): an empty list that says so', async () => {
    g.app.setUpstreamLinks(null);
    try {
      const r = await links();
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { egress: false, links: [], at: null, stale: false });
      const denied = await http.inject({ method: 'GET', url: '/v1/upstream-links', headers: regulator });
      assert.equal(denied.statusCode, 403, 'still the admin\'s');
    } finally {
      g.app.setUpstreamLinks(smpp.egress);
    }
  });
});

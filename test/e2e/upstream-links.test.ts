/**
 * `GET /v1/upstream-links` and the per-link metrics, on a gateway whose egress is composed as
 * `start` composes it (startSmpp: the built-in simulator SMSC over SMPP, the client on its thread):
 * the admin sees the simulator link bound and its counters move after a send; regulators, the report
 * centre and providers get 403, no token 401; a process without egress answers an empty list that
 * says so; /metrics carries the link's gauges and counters under its name. Then an operator stops the
 * link and starts it again (POST /v1/upstream-links/{name}/stop|start): its status says who and when,
 * the act is an audit record with the token id, a second stop is the first; 403, 401, 404 as for GET.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import type { SmppDoors } from '../../src/smpp/compose.js';
import { startSimulatorEgress } from '../helpers/smpp-doors.js';
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
    smpp = await startSimulatorEgress(g);
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
    // the bind mode and each session (bind=trx, the default: one transceiver, bound since the link is)
    assert.equal(l.bind, 'trx');
    assert.deepEqual(l.sessions, [{ bindType: 'transceiver', state: 'bound', boundSince: l.boundSince, reconnects: 0, lastError: null }]);
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

  // last: a stopped and restarted link has reconnected, which the tests above count as none
  test('stop and start: state stopped with who and when, idempotent, audited with the token id; then bound again', async () => {
    const op = await g.app.auth.createToken('admin', 'night shift');
    const headers = { authorization: `Bearer ${op.token}` };
    const act = (a: 'stop' | 'start', name = 'simulator', h: Record<string, string> = headers) => http.inject({ method: 'POST', url: `/v1/upstream-links/${name}/${a}`, headers: h });
    const stopped = await act('stop');
    assert.equal(stopped.statusCode, 200, stopped.body);
    const s = stopped.json();
    assert.equal(s.name, 'simulator');
    assert.equal(s.state, 'stopped');
    assert.equal(s.stoppedBy, op.id);
    assert.equal(s.stoppedAt, g.clock.now());
    assert.equal(s.boundSince, null);
    const listed = (await links()).json().links[0];
    assert.deepEqual([listed.state, listed.stoppedBy, listed.stoppedAt], ['stopped', op.id, s.stoppedAt]);
    // a second stop (another admin) answers with the first
    const again = await act('stop', 'simulator', g.admin);
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual([again.json().state, again.json().stoppedBy], ['stopped', op.id]);
    const started = await act('start');
    assert.equal(started.statusCode, 200, started.body);
    assert.deepEqual([started.json().stoppedAt, started.json().stoppedBy], [null, null]);
    await until(async () => (await links()).json().links[0].state === 'bound', 5000, 'bound again');

    const audit = (await g.store.records.queryRecords({ kind: 'audit', limit: 50 })).records
      .map((x) => x.body as { action: string; actor: string; detail?: Record<string, unknown> } & Record<string, unknown>)
      .filter((a) => a.action.startsWith('upstream_link.'));
    assert.deepEqual(audit.filter((a) => a.actor === op.id).map((a) => a.action).sort(), ['upstream_link.start', 'upstream_link.stop']);
    assert.equal(audit.filter((a) => a.action === 'upstream_link.stop').length, 2, 'the second stop is recorded too (it changed nothing)');
    assert.ok(JSON.stringify(audit).includes('"simulator"'), JSON.stringify(audit));
  });

  test('stop and start: 403 for others, 401 without a token, 404 for an unknown link or a process without links; documented', async () => {
    for (const a of ['stop', 'start']) {
      for (const headers of [regulator, centre, cp.auth]) {
        const r = await http.inject({ method: 'POST', url: `/v1/upstream-links/simulator/${a}`, headers });
        assert.equal(r.statusCode, 403, r.body);
        assert.equal(r.json().error.code, 'forbidden');
      }
      assert.equal((await http.inject({ method: 'POST', url: `/v1/upstream-links/simulator/${a}` })).statusCode, 401);
      const unknown = await http.inject({ method: 'POST', url: `/v1/upstream-links/nope/${a}`, headers: g.admin });
      assert.equal(unknown.statusCode, 404, unknown.body);
      assert.equal(unknown.json().error.code, 'not_found');
      g.app.setUpstreamLinks(null);
      try {
        const ingress = await http.inject({ method: 'POST', url: `/v1/upstream-links/simulator/${a}`, headers: g.admin });
        assert.equal(ingress.statusCode, 404, ingress.body);
      } finally {
        g.app.setUpstreamLinks(smpp.egress);
      }
      const view = await g.app.upstreamLinks({ role: 'admin', actorId: 'admin' });
      assert.deepEqual(unlisted(await documentedResponse(http, `/v1/upstream-links/{name}/${a}`, '200', 'post'), view.links[0]), []);
    }
    assert.equal((await links()).json().links[0].state, 'bound', 'the refused acts changed nothing');
  });
});

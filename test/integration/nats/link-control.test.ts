/**
 * Scale-out: `POST /v1/upstream-links/{name}/stop|start` and `GET /v1/upstream-links` at an API
 * process (role ingress), which holds no link: the act reaches every egress process over NATS
 * (src/queue/link-control.ts), the audit record is written once, by the API process, and a stop is
 * kept on the bus so that an egress process started after it comes up with the link stopped.
 * Before: the API process answered 404 (no links here) and GET `{egress:false, links:[]}`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN } from '../../helpers/gateway.js';
import { msisdn } from '../../contract/fixtures.js';
import { busScene, startFirstPiece, startPiece, suiteCleanups, type Piece } from './bus-fixture.js';
import { until } from '../../helpers/wait.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';

interface Answer { statusCode: number; headers: Record<string, unknown>; json(): unknown }

describe('an operator\'s stop and start of a carrier link at an API process reach every egress process', { timeout: 90_000 }, () => {
  const cleanups = suiteCleanups();

  async function carrier(): Promise<FakeSmsc> {
    const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: false });
    await smsc.listen();
    cleanups.push(() => smsc.close());
    return smsc;
  }

  /** An egress process's SMPP client with links `a` and `b` (each its own FakeSmsc), as --upstream would give. */
  function client(a: FakeSmsc, b: FakeSmsc): SmppUpstream {
    const upstream = new SmppUpstream({ links: [
      parseUpstreamUrl(`smpp://u:p@127.0.0.1:${a.port}?name=a`),
      parseUpstreamUrl(`smpp://u:p@127.0.0.1:${b.port}?name=b`),
    ] });
    upstream.start();
    cleanups.push(() => upstream.close());
    return upstream;
  }

  const stateOf = (u: SmppUpstream, name: string) => u.statusNow().links.find((l) => l.name === name)?.state;

  async function scene(tag: string) {
    const { h, seeded, principal, prefix } = await busScene(cleanups, tag);
    const api = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress' });
    await api.app.auth.ensureAdminToken(ADMIN_TOKEN);
    const http = await buildHttpApp({ app: api.app });
    cleanups.push(() => http.close());
    const a = await carrier();
    const b = await carrier();
    const egressProcess = async (): Promise<{ piece: Piece; upstream: SmppUpstream }> => {
      const upstream = client(a, b);
      const piece = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: upstream, links: upstream });
      cleanups.push(() => piece.stop());
      return { piece, upstream };
    };
    const ask = (method: 'GET' | 'POST', url: string): Promise<Answer> => http.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const send = async (): Promise<string> => {
      const [o] = await api.app.submitMessages(principal, [{ from: seeded.service, to: msisdn(), text: `${seeded.signature}您的验证码是${Math.floor(Math.random() * 1e6)}`, type: 'verification' }], 'http');
      if (!o.ok) assert.fail(JSON.stringify(o));
      return o.id;
    };
    return { api, a, b, egressProcess, ask, send };
  }

  test('stop at the API process: the egress process\'s link stops, messages go to the other link; start: it binds again; one audit record each', async () => {
    const { api, a, b, egressProcess, ask, send } = await scene('a1b2c3');
    const { piece, upstream } = await egressProcess();
    assert.ok(await upstream.waitUp(5000));
    await until(async () => stateOf(upstream, 'a') === 'bound' && stateOf(upstream, 'b') === 'bound', 5000, 'both links bound');

    const r = await ask('POST', '/v1/upstream-links/a/stop');
    assert.equal(r.statusCode, 200, JSON.stringify(r.json()));
    const body = r.json() as { name: string; state: string; stoppedBy: string; processes: { process: string; state?: string; changed?: boolean }[] };
    assert.equal(body.name, 'a');
    assert.equal(body.state, 'stopped');
    assert.deepEqual(body.processes, [{ process: piece.roles.worker!.member, state: 'stopped', changed: true }]);
    assert.equal(stateOf(upstream, 'a'), 'stopped', 'the egress process applied it');

    // the stopped link takes no submit: routing fails over to b
    const receivedAtA = a.received.length;
    const ids = [await send(), await send(), await send()];
    for (const id of ids) await until(async () => (await api.store.messages.getMessage(id))?.status === 'submitted', 20_000, 'the egress process to write it');
    assert.equal(a.received.length, receivedAtA, 'nothing written on the stopped link');
    assert.ok(b.received.length >= 3);

    const s = await ask('POST', '/v1/upstream-links/a/start');
    assert.equal(s.statusCode, 200, JSON.stringify(s.json()));
    assert.equal((s.json() as { processes: { changed?: boolean }[] }).processes[0].changed, true);
    await until(async () => stateOf(upstream, 'a') === 'bound', 10_000, 'link a bound again');

    const audit = (await api.store.records.queryRecords({ kind: 'audit', limit: 50 })).records
      .map((x) => x.body as { action: string })
      .filter((x) => x.action.startsWith('upstream_link.'));
    assert.deepEqual(audit.map((x) => x.action).sort(), ['upstream_link.start', 'upstream_link.stop']);
  });

  test('an egress process started after the stop comes up with the link stopped; GET at the API process lists both processes\' links', async () => {
    const { egressProcess, ask } = await scene('b2c3d4');
    const first = await egressProcess();
    assert.ok(await first.upstream.waitUp(5000));
    const r = await ask('POST', '/v1/upstream-links/a/stop');
    assert.equal(r.statusCode, 200, JSON.stringify(r.json()));

    const second = await egressProcess();
    assert.equal(stateOf(second.upstream, 'a'), 'stopped', 'the stop in force was applied at its start');
    assert.notEqual(stateOf(second.upstream, 'b'), 'stopped');

    const g = await ask('GET', '/v1/upstream-links');
    assert.equal(g.statusCode, 200);
    const v = g.json() as { egress: boolean; links: { name: string; process: string; state: string }[] };
    assert.equal(v.egress, true);
    const members = [first.piece.roles.worker!.member, second.piece.roles.worker!.member].sort();
    assert.deepEqual([...new Set(v.links.map((l) => l.process))].sort(), members);
    assert.equal(v.links.length, 4);
    for (const l of v.links.filter((x) => x.name === 'a')) assert.equal(l.state, 'stopped');

    // a start ends the kept stop: a third process comes up with it in service
    assert.equal((await ask('POST', '/v1/upstream-links/a/start')).statusCode, 200);
    const third = await egressProcess();
    assert.notEqual(stateOf(third.upstream, 'a'), 'stopped');
  });

  test('no link of that name on any egress process: 404; no egress process at all: 503 upstream_unavailable', async () => {
    const { egressProcess, ask } = await scene('c3d4e5');
    // before any egress process: nobody answers
    const none = await ask('POST', '/v1/upstream-links/a/stop');
    assert.equal(none.statusCode, 503, JSON.stringify(none.json()));
    assert.equal((none.json() as { error: { code: string } }).error.code, 'upstream_unavailable');
    // every 503 says when to try again, as store_unavailable's does (this one had no Retry-After)
    assert.equal(none.headers['retry-after'], '1');
    await ask('POST', '/v1/upstream-links/a/start'); // end the stop kept for processes to come
    await egressProcess();
    const unknown = await ask('POST', '/v1/upstream-links/zz/stop');
    assert.equal(unknown.statusCode, 404, JSON.stringify(unknown.json()));
  });
});

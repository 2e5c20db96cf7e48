/**
 * Where ported numbers go, as the operator reads it: each link's `carrier` (`carrier=` of its URL),
 * with its prefixes and weight, in `GET /v1/upstream-links` (and its OpenAPI schema) and on
 * `/web/links` in Chinese and English; a link naming no carrier says so (null, "none named").
 * Before: the carrier was configured and routed by, but shown nowhere.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { SmppUpstream } from '../../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../../src/smpp/client/config.js';
import { FakeSmsc } from '../fakes/smpp/fake-smsc.js';
import { documentedResponse, unlisted } from '../helpers/schema-coverage.js';

describe('the links\' carrier, prefixes and weight: API and page', () => {
  let g: TestGateway;
  let smsc: FakeSmsc;
  let up: SmppUpstream;

  before(async () => {
    g = await startTestGateway();
    smsc = new FakeSmsc({ misbehaviour: 'none' });
    await smsc.listen();
    up = new SmppUpstream({
      links: [
        parseUpstreamUrl(`smpp://a:pw@127.0.0.1:${smsc.port}?name=mobile&carrier=CMCC&prefixes=86134,86135&weight=3`),
        parseUpstreamUrl(`smpp://b:pw@127.0.0.1:${smsc.port}?name=spare`),
      ],
    });
    up.start();
    assert.ok(await up.waitUp(5000));
    g.app.setUpstreamLinks(up);
  });
  after(async () => {
    g?.app.setUpstreamLinks(null);
    await up?.close();
    await smsc?.close();
    await g?.close();
  });

  test('GET /v1/upstream-links: carrier as configured, null when none; prefixes and weight; all in the schema', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/v1/upstream-links', headers: g.admin });
    assert.equal(r.statusCode, 200, r.body);
    const links = r.json().links as { name: string; carrier: string | null; prefixes: string[]; weight: number }[];
    const by = new Map(links.map((l) => [l.name, l]));
    assert.deepEqual([by.get('mobile')?.carrier, by.get('mobile')?.prefixes, by.get('mobile')?.weight], ['CMCC', ['86134', '86135'], 3]);
    assert.deepEqual([by.get('spare')?.carrier, by.get('spare')?.prefixes, by.get('spare')?.weight], [null, [], 1]);
    const view = await g.app.upstreamLinks({ role: 'admin', actorId: 'admin' });
    assert.deepEqual(unlisted(await documentedResponse(g.http, '/v1/upstream-links'), view), []);
    const doc = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    const item = doc.paths['/v1/upstream-links'].get.responses['200'].content['application/json'].schema.properties.links.items;
    assert.ok(item.required.includes('carrier'), 'carrier is always there (null when none)');
  });

  test('/web/links: the carrier in the routing column, in Chinese and English', async () => {
    const zh = await g.http.inject({ method: 'GET', url: '/web/links', headers: g.admin });
    assert.equal(zh.statusCode, 200, zh.body);
    const cell = (html: string, link: string, cls: string) => new RegExp(`<tr data-link="${link}">[\\s\\S]*?class="${cls}">([^<]*)<`).exec(html)?.[1];
    assert.equal(cell(zh.body, 'mobile', 'link-carrier'), 'CMCC');
    assert.equal(cell(zh.body, 'mobile', 'link-prefixes'), '86134, 86135');
    assert.equal(cell(zh.body, 'mobile', 'link-weight'), '3');
    assert.equal(cell(zh.body, 'spare', 'link-carrier'), '未指定');
    assert.match(zh.body, /<th scope="col">号段、运营商与权重<\/th>/);
    assert.match(zh.body, /运营商（携号转网） <span class="link-carrier">CMCC/);
    const en = await g.http.inject({ method: 'GET', url: '/web/links?lang=en', headers: g.admin });
    assert.equal(en.statusCode, 200, en.body);
    assert.equal(cell(en.body, 'spare', 'link-carrier'), 'none named');
    assert.match(en.body, /<th scope="col">Prefixes, carrier and weight<\/th>/);
    assert.match(en.body, /carrier \(ported numbers\) <span class="link-carrier">CMCC/);
  });
});

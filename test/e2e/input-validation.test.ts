/**
 * Input the HTTP API once accepted silently and misread (found by QA): a receipt request of the wrong
 * type read as "no receipt", a cursor it could not decode read as "from the top", a DND import whose
 * counts did not add up, and a raw UTF-8 query string answered in Node's generic error body.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { OTHER_PROVIDER, gatewaySuite } from '../helpers/gateway.js';

describe('input validation', () => {
  const { g, cp } = gatewaySuite({ other: OTHER_PROVIDER });

  let n = 0;
  /** A valid notification to a number no other test here sends to (no frequency limit in the way). */
  const message = (extra: Record<string, unknown> = {}) => ({ from: '10690001', to: `1370137${String(n++).padStart(4, '0')}`, text: '【示例】您的订单已发货', type: 'notification', ...extra });
  const BAD = ['yes', 'true', 'false', 1, 0, 2, {}, [], null];

  test('a field of several types ill-typed is said in words (must be integer or null), not as Ajv joins them (integer,null)', async () => {
    const r = await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${cp.id}`, headers: g.admin, payload: { httpThroughput: '50' } });
    assert.equal(r.statusCode, 400, r.body);
    assert.deepEqual(r.json().error, { code: 'invalid_request', message: 'httpThroughput: must be integer or null', field: 'httpThroughput' });
    const s = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ scheduledAt: 5 }) });
    assert.equal(s.json().error.message, 'scheduledAt: must be string or null');
  });

  test('registeredDelivery: anything but true, false or "failure" → 400 invalid_request naming the field', async () => {
    for (const v of BAD) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ registeredDelivery: v }) });
      assert.equal(r.statusCode, 400, `${JSON.stringify(v)}: ${r.body}`);
      const e = r.json().error;
      assert.equal(e.code, 'invalid_request', JSON.stringify(v));
      assert.equal(e.field, 'registeredDelivery', JSON.stringify(v));
      assert.equal(e.message, 'registeredDelivery: must be equal to one of the allowed values (true, false, "failure")');
    }
  });

  test('text: spaces or a signature alone → 400 invalid_request naming text, in a batch as that item\'s result', async () => {
    for (const text of ['【示例】', '  ', '【示例】 \n', '【示例】【别家】']) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ text }) });
      assert.equal(r.statusCode, 400, `${JSON.stringify(text)}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', 'text'], JSON.stringify(text));
    }
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ text: '【示例】好' }) })).statusCode, 202);
    const b = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [message({ text: '【示例】' }), message()] } });
    assert.equal(b.statusCode, 200, b.body);
    const [bad, good] = b.json().results;
    assert.deepEqual([bad.error?.code, bad.error?.field], ['invalid_request', 'messages/0/text']);
    assert.equal(good.status, 'accepted');
  });

  test('a misspelt field (scheduleAt, validuntil, registered_delivery) → 400 invalid_request naming it, in a batch as that item\'s result', async () => {
    // It was dropped in silence: scheduleAt sent the message at once, registered_delivery asked for no receipt.
    for (const [k, v] of [['scheduleAt', '2026-12-01T09:00:00+08:00'], ['validuntil', '2026-12-01T09:00:00+08:00'], ['registered_delivery', true], ['msg', 'x']] as const) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ [k]: v }) });
      assert.equal(r.statusCode, 400, `${k}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', k]);
      assert.match(r.json().error.message, new RegExp(`^${k}: unknown field`));
    }
    const b = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [message({ scheduleAt: '2026-12-01T09:00:00+08:00' }), message()] } });
    assert.equal(b.statusCode, 200, b.body);
    const [bad, good] = b.json().results;
    assert.deepEqual([bad.error?.code, bad.error?.field], ['invalid_request', 'messages/0/scheduleAt']);
    assert.equal(good.status, 'accepted');
  });

  test('the SMPP door\'s own fields (clientPartIds, keptPartsKey, dataCoding) are unknown fields over HTTP → 400 naming them (they were taken and then ignored)', async () => {
    for (const [k, v] of [['clientPartIds', ['m1']], ['keptPartsKey', 'k'], ['dataCoding', 8]] as const) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ [k]: v }) });
      assert.equal(r.statusCode, 400, `${k}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', k]);
      assert.match(r.json().error.message, new RegExp(`^${k}: unknown field`));
    }
  });

  test('the walkthrough\'s registry and simulator bodies refuse a field they do not know → 400 naming it (it was dropped in silence)', async () => {
    const cases: [string, string, Record<string, string>, Record<string, unknown>, string][] = [
      ['POST', '/v1/content-providers', g.admin, { name: '某某有限公司', creditCode: '91350100M000100Y43', licence: 'B2-1' }, 'licence'],
      ['PATCH', `/v1/content-providers/${cp.id}`, g.admin, { httpthroughput: 50 }, 'httpthroughput'],
      ['POST', `/v1/content-providers/${cp.id}/signatures`, g.admin, { signature: '【某某】', note: 'x' }, 'note'],
      ['POST', '/v1/ports', g.admin, { number: '10690077', contentProviderId: cp.id, kind: 'service', type: 'service' }, 'type'],
      ['DELETE', '/v1/ports/10690001', g.admin, { reason: 'x', reson: 'y' }, 'reson'],
      ['DELETE', '/v1/dnd/13800138000', g.admin, { reason: 'x', reson: 'y' }, 'reson'],
      ['POST', `/v1/content-providers/${cp.id}/api-keys`, g.admin, { lable: 'billing' }, 'lable'],
      ['POST', '/v1/simulator/mo', {}, { from: '13800138000', to: '10690001', text: 'TD', txt: 'TD' }, 'txt'],
      ['POST', '/v1/simulator/clock', {}, { advanceSeconds: 1, advance: 61 }, 'advance'],
      ['PUT', `/v1/content-providers/${cp.id}/callbacks`, g.admin, { statusURL: 'https://cp.example/sms/status' }, 'statusURL'],
    ];
    for (const [method, url, headers, payload, field] of cases) {
      const r = await g.http.inject({ method: method as 'POST', url, headers, payload });
      assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], `${method} ${url}`);
      // the field it likely meant, when one is near (write-bodies-closed.test.ts)
      assert.match(r.json().error.message, new RegExp(`^${field.replace(/[/]/g, '\\/')}: unknown field( \\(did you mean \\w+\\?\\))?$`), `${method} ${url}`);
    }
    // nothing of them was done: the port is still in use, no key labelled otherwise was issued
    const port = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}`, headers: g.admin })).json().ports.find((x: { number: string }) => x.number === '10690001');
    assert.equal(port.retiredAt, null);
  });

  test('complaints, cases, credit entries, DND and refusal phrases refuse a field they do not know → 400 naming it (it was dropped in silence)', async () => {
    const filed = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13700137999', sender: '10690001', text: '您的订单已发货', contentProviderId: cp.id } });
    assert.equal(filed.statusCode, 201, `contentProviderId is a complaint's field: ${filed.body}`);
    const { id, reference } = filed.json();
    const regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'unknown-fields')).token}` };
    const cases: [string, string, Record<string, string>, Record<string, unknown>, string][] = [
      // a misspelt receivedAt filed the case without the time its evidence is matched around
      ['POST', '/v1/complaints', {}, { msisdn: '13700137998', sender: '10690001', recievedAt: '2026-11-29T10:00:00+08:00' }, 'recievedAt'],
      ['POST', `/v1/complaints/${reference}/withdraw`, {}, { accessCode: 'x', reasn: 'y' }, 'reasn'],
      // a misspelt finding closed the case without it
      ['POST', `/v1/cases/${id}/transitions`, g.admin, { action: 'close', findings: 'unfounded' }, 'findings'],
      ['POST', `/v1/cases/${id}/transitions`, g.admin, { action: 'answer', text: '已处理', measures: [{ kind: 'throttle', per_second: 5 }] }, 'measures/0/per_second'],
      ['POST', `/v1/cases/${id}/evidence`, g.admin, { sendr: '10690001' }, 'sendr'],
      // regulator: an admin is refused for its role first (403), before the body is read
      ['POST', '/v1/credit/entries', regulator, { kind: 'warning', contentProviderId: cp.id, note: 'x' }, 'note'],
      ['POST', '/v1/dnd', g.admin, { msisdns: ['13700137997'], sorce: 'hotline' }, 'sorce'],
      ['PUT', '/v1/refusal-phrases', g.admin, { phrases: [], phrase: '别发了' }, 'phrase'],
    ];
    for (const [method, url, headers, payload, field] of cases) {
      const r = await g.http.inject({ method: method as 'POST', url, headers, payload });
      assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], `${method} ${url}`);
      // the field it likely meant, when one is near (write-bodies-closed.test.ts)
      assert.match(r.json().error.message, new RegExp(`^${field.replace(/[/]/g, '\\/')}: unknown field( \\(did you mean \\w+\\?\\))?$`), `${method} ${url}`);
    }
    // nothing of them was done: the case is as filed, the number not on the DND list
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: g.admin })).json().state, filed.json().state);
    const sub = await g.http.inject({ method: 'GET', url: '/v1/subscribers/13700137997', headers: g.admin });
    assert.equal(sub.statusCode, 200, sub.body);
    assert.equal(sub.json().doNotDisturb, null);
  });

  test('a mainland number written another way (spaces, dashes, 00 prefix, full-width) → 422 invalid_msisdn saying the three forms taken', async () => {
    // "to is not a mainland China mobile number" alone: the number was right, its writing was not
    for (const to of ['+86 138 0013 8000', '008613800138000', '138-0013-8000', '１３８００１３８０００']) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ to }) });
      assert.equal(r.statusCode, 422, `${to}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.rule], ['invalid_msisdn', 'recipient.msisdn']);
      assert.match(r.json().error.message, /written 13800138000, \+8613800138000 or 8613800138000/, to);
      const list = await g.http.inject({ method: 'GET', url: `/v1/messages?msisdn=${encodeURIComponent(to)}`, headers: cp.auth });
      assert.equal(list.statusCode, 400, list.body);
      assert.match(list.json().error.message, /written 13800138000, \+8613800138000 or 8613800138000/, to);
    }
    for (const to of ['13800138000', '+8613800138000', '8613800138000']) {
      assert.equal((await g.http.inject({ method: 'GET', url: `/v1/messages?msisdn=${encodeURIComponent(to)}`, headers: cp.auth })).statusCode, 200, to);
    }
  });

  test('category and clientRef: null is none, for a single message as for a batch item', async () => {
    const one = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ category: null, clientRef: null }) });
    assert.equal(one.statusCode, 202, one.body);
    const b = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [message({ category: null, clientRef: null })] } });
    assert.equal(b.json().results[0].status, 'accepted', b.body);
    const c = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message({ from: '10690002', type: 'commercial', category: null }) });
    assert.deepEqual([c.statusCode, c.json().error.field], [400, 'category'], c.body);
  });

  test('no token: 401 unauthorized before the body is validated', async () => {
    for (const payload of [{}, message()]) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', payload });
      assert.deepEqual([r.statusCode, r.json().error.code], [401, 'unauthorized'], r.body);
    }
    const b = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', payload: { messages: 'x' } });
    assert.deepEqual([b.statusCode, b.json().error.code], [401, 'unauthorized'], b.body);
  });

  test('registeredDelivery: true, false, "failure" and absent are kept as given', async () => {
    for (const [v, seen] of [[true, true], [false, false], ['failure', 'failure'], [undefined, false]] as const) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: message(v === undefined ? {} : { registeredDelivery: v }) });
      assert.equal(r.statusCode, 202, `${JSON.stringify(v)}: ${r.body}`);
      const view = await g.http.inject({ method: 'GET', url: `/v1/messages/${r.json().id}`, headers: cp.auth });
      assert.equal(view.statusCode, 200);
      assert.equal(view.json().registeredDelivery, seen, JSON.stringify(v));
    }
  });

  test('registeredDelivery in a batch: a bad value is that item\'s invalid_request (messages/<i>/registeredDelivery), the rest go on', async () => {
    const good = [true, false, 'failure'];
    const messages = [...good.map((v) => message({ registeredDelivery: v })), ...BAD.map((v) => message({ registeredDelivery: v }))];
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages } });
    assert.equal(r.statusCode, 200, r.body);
    const { results } = r.json();
    assert.equal(results.length, messages.length);
    for (let i = 0; i < good.length; i++) {
      assert.equal(results[i].status, 'accepted', JSON.stringify(results[i]));
      const view = await g.http.inject({ method: 'GET', url: `/v1/messages/${results[i].id}`, headers: cp.auth });
      assert.equal(view.json().registeredDelivery, good[i]);
    }
    for (let i = good.length; i < messages.length; i++) {
      const v = JSON.stringify(BAD[i - good.length]);
      assert.equal(results[i].id, undefined, v);
      assert.deepEqual(results[i].error, { code: 'invalid_request', message: `messages/${i}/registeredDelivery: must be true, false or "failure"`, field: `messages/${i}/registeredDelivery` }, v);
    }
  });

  test('the OpenAPI document lists registeredDelivery with its three values', async () => {
    const spec = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    const schema = spec.paths['/v1/messages'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.properties.registeredDelivery.enum, [true, false, 'failure']);
    const item = spec.paths['/v1/messages/batch'].post.requestBody.content['application/json'].schema.properties.messages.items;
    assert.match(item.description, /registeredDelivery\?: true \| false \| "failure"/);
  });

  /** Pages of `url` two at a time, following nextCursor: every id, and how many pages. */
  async function walk(url: string, key: 'records' | 'cases'): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { statusCode: number; body: string; json(): unknown } = await g.http.inject({ method: 'GET', url: `${url}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: g.admin });
      assert.equal(r.statusCode, 200, r.body);
      const page = r.json() as { nextCursor: string | null } & Record<string, { id: string }[]>;
      ids.push(...page[key].map((x) => x.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { ids, pages };
  }

  for (const [url, key] of [['/v1/records', 'records'], ['/v1/cases', 'cases']] as const) {
    test(`${url}: a cursor it did not hand out → 400 invalid_request naming cursor; its own cursors page through`, async () => {
      for (let i = 0; i < 3; i++) {
        const c = await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: `1360136${String(i).padStart(4, '0')}`, sender: '10690001', text: '垃圾短信' } });
        assert.equal(c.statusCode, 201, c.body);
      }
      const all = (await g.http.inject({ method: 'GET', url: `${url}?limit=500`, headers: g.admin })).json()[key].map((x: { id: string }) => x.id);
      assert.ok(all.length >= 3);
      const paged = await walk(url, key);
      assert.deepEqual(paged.ids, all, 'following nextCursor reads every row once, in order');
      assert.ok(paged.pages >= 2);
      const first = (await g.http.inject({ method: 'GET', url: `${url}?limit=2`, headers: g.admin })).json();
      const real: string = first.nextCursor;
      assert.ok(real);
      const wrong = [
        'zzz', '0', '1', real.toUpperCase(), real.slice(0, -1), `${real}0`, `0${real}`, real.replace(/\.(..)$/, (_m, c: string) => `.${c === '00' ? '01' : '00'}`),
        real.split('.')[0], '.', 'zzzzzzzzzzzz.00', '-1.00', '%20',
      ];
      for (const cursor of wrong) {
        const r = await g.http.inject({ method: 'GET', url: `${url}?limit=2&cursor=${encodeURIComponent(cursor)}`, headers: g.admin });
        assert.equal(r.statusCode, 400, `${cursor}: ${r.body}`);
        const e = r.json().error;
        assert.equal(e.code, 'invalid_request', cursor);
        assert.equal(e.field, 'cursor', cursor);
        assert.match(e.message, /^cursor: /, cursor);
      }
    });
  }

  test('the web case list refuses a bad cursor too (same use case)', async () => {
    const { token } = await g.app.auth.createToken('report-centre', 'clerk');
    const login = await g.http.inject({ method: 'POST', url: '/web/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(token)}` });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const r = await g.http.inject({ method: 'GET', url: '/web/cases?cursor=zzz', headers: { cookie } });
    assert.equal(r.statusCode, 400, r.body);
  });

  test('POST /v1/dnd: received = added + alreadyListed + duplicateCount + invalidCount', async () => {
    const r = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: ['13800138005', 'abc', '+8613800138005', '13800138099'] } });
    assert.equal(r.statusCode, 200, r.body);
    const bad = (index: number, value: string) => ({ index, value, error: { code: 'invalid_msisdn', message: `msisdns/${index} is not a mainland China mobile number written 13800138000, +8613800138000 or 8613800138000 (ASCII digits only: no spaces, dashes or 00 prefix)`, rule: 'recipient.msisdn', article: 'Art. 20 (records of receiving number)', profile: 'cn-2015', field: `msisdns/${index}` } });
    assert.deepEqual(r.json(), { received: 4, added: 2, alreadyListed: 0, duplicateCount: 1, invalidCount: 1, invalid: [bad(1, 'abc')] });
    const again = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: ['8613800138005', '13800138005', '13800138006', '13800138006', 'x', 'x'] } });
    const b = again.json();
    assert.deepEqual(b, { received: 6, added: 1, alreadyListed: 1, duplicateCount: 2, invalidCount: 2, invalid: [bad(4, 'x'), bad(5, 'x')] });
    assert.equal(b.added + b.alreadyListed + b.duplicateCount + b.invalidCount, b.received);
  });

  test('a raw UTF-8 query string → 400 in the API\'s error format, not Node\'s', async () => {
    await g.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = g.http.server.address() as net.AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      s.on('data', (d) => chunks.push(d));
      s.on('error', reject);
      s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      s.write(Buffer.concat([Buffer.from('GET /v1/records?msisdn='), Buffer.from('中文', 'utf8'), Buffer.from(` HTTP/1.1\r\nHost: x\r\nAuthorization: ${g.admin.authorization}\r\n\r\n`)]));
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(head, /\r\nContent-Type: application\/json; charset=utf-8/);
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${Buffer.byteLength(body)}(\\r|$)`));
    assert.deepEqual(JSON.parse(body), { error: { code: 'invalid_request', message: 'malformed URL: a URL must be ASCII, percent-encode other characters (encodeURIComponent)' } });
    // the same query percent-encoded is an ordinary request
    const ok = await fetch(`http://127.0.0.1:${port}/v1/records?limit=1&kind=${encodeURIComponent('中文')}`, { headers: g.admin });
    assert.equal(ok.status, 400);
    assert.equal(((await ok.json()) as { error: { field: string } }).error.field, 'kind');
  });
  test('a body not sent as JSON (curl -d without the content-type header) → 415 invalid_request saying what to send', async () => {
    // Before: {"code":"invalid_request","message":"Unsupported Media Type"}, which said nothing of the
    // header curl leaves out (it sends -d as a form).
    const body = JSON.stringify(message());
    const form = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    assert.equal(form.statusCode, 415, form.body);
    assert.deepEqual(form.json().error, { code: 'invalid_request', message: 'content-type: application/x-www-form-urlencoded is not accepted here; send the body as JSON with the header content-type: application/json' });
    const xml = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'application/xml; charset=utf-8' }, payload: body });
    assert.equal(xml.statusCode, 415, xml.body);
    assert.match(xml.json().error.message, /^content-type: application\/xml is not accepted here; send the body as JSON with the header content-type: application\/json$/);
    // JSON sent as text/plain (curl --data-binary with -H 'content-type: text/plain', some HTTP
    // libraries' default for a string body) was parsed as a string and answered 'body: must be object'.
    const text = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'text/plain; charset=utf-8' }, payload: body });
    assert.equal(text.statusCode, 415, text.body);
    assert.equal(text.json().error.message, 'content-type: text/plain is not accepted here; send the body as JSON with the header content-type: application/json');
    const json = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'application/json' }, payload: body });
    assert.equal(json.statusCode, 202, json.body);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamFile } from '../../../src/config/upstream-file.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { ConfigError } from '../../../src/config/schema.js';

test('links with defaults for window, throughput, weight and prefixes', () => {
  const links = parseUpstreamFile(JSON.stringify({ links: [
    { name: 'cmcc', host: '127.0.0.1', port: 2775, systemId: 'sg', password: 'pw', window: 200, prefixes: ['86134', '86135'], weight: 2 },
    { name: 'ctcc', host: '127.0.0.1', systemId: 'sg', password: 'pw' },
  ] }));
  assert.equal(links.length, 2);
  assert.deepEqual(links[0].prefixes, ['86134', '86135']);
  assert.equal(links[0].weight, 2);
  assert.equal(links[1].port, 2775);
  assert.equal(links[1].window, 100);
  assert.equal(links[1].throughput, 0);
  assert.deepEqual(links[1].prefixes, []);
});

test('every problem is reported together, naming the field', () => {
  try {
    parseUpstreamFile(JSON.stringify({ links: [{ name: '', host: 'h', systemId: 'a-very-long-system-id', password: 'pw', prefixes: ['86x'] }] }), 'links.json');
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const all = e.problems.join('\n');
    assert.match(all, /links\.0\.name/);
    assert.match(all, /links\.0\.systemId/);
    assert.match(all, /links\.0\.prefixes\.0/);
  }
  assert.throws(() => parseUpstreamFile('{', 'x.json'), /not JSON/);
  assert.throws(() => parseUpstreamFile(JSON.stringify({ links: [] })), ConfigError);
  assert.throws(() => parseUpstreamFile(JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p' }, { name: 'a', host: 'h2', systemId: 's', password: 'p' }] })), /twice/);
});

test('receiptAck: recorded by default, received when asked, anything else refused (file and URL)', () => {
  const [a, b] = parseUpstreamFile(JSON.stringify({ links: [
    { name: 'a', host: 'h', systemId: 's', password: 'p' },
    { name: 'b', host: 'h', systemId: 's', password: 'p', receiptAck: 'received' },
  ] }));
  assert.equal(a.receiptAck, 'recorded');
  assert.equal(b.receiptAck, 'received');
  assert.throws(() => parseUpstreamFile(JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p', receiptAck: 'never' }] })), /links\.0\.receiptAck/);
  assert.equal(parseUpstreamUrl('smpp://s:p@h:2775').receiptAck, 'recorded');
  assert.equal(parseUpstreamUrl('smpp://s:p@h:2775?receiptAck=received').receiptAck, 'received');
  assert.throws(() => parseUpstreamUrl('smpp://s:p@h:2775?receiptAck=later'), /receiptAck=later/);
});

test('bind: trx by default, tx+rx when asked (file and URL, `+` as typed or encoded), anything else refused naming the choices', () => {
  const [a, b] = parseUpstreamFile(JSON.stringify({ links: [
    { name: 'a', host: 'h', systemId: 's', password: 'p' },
    { name: 'b', host: 'h', systemId: 's', password: 'p', bind: 'tx+rx' },
  ] }));
  assert.equal(a.bind, 'trx');
  assert.equal(b.bind, 'tx+rx');
  try {
    parseUpstreamFile(JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p', bind: 'transceiver' }] }), 'links.json');
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems, ["upstreamFile (links.json) links.0.bind: must be 'trx' (one transceiver session) or 'tx+rx' (a transmitter and a receiver session)"]);
  }
  assert.equal(parseUpstreamUrl('smpp://s:p@h:2775').bind, 'trx');
  assert.equal(parseUpstreamUrl('smpp://s:p@h:2775?bind=trx').bind, 'trx');
  // a `+` in a query reads as a space: `bind=tx+rx` as an operator types it still means tx+rx
  assert.equal(parseUpstreamUrl('smpp://s:p@h:2775?bind=tx+rx&name=c').bind, 'tx+rx');
  assert.equal(parseUpstreamUrl('smpp://s:p@h:2775?bind=tx%2Brx').bind, 'tx+rx');
  assert.throws(() => parseUpstreamUrl('smpp://s:p@h:2775?bind=rx'), { message: 'upstream: bind=rx is not one of trx, tx+rx (trx: one transceiver session; tx+rx: a transmitter and a receiver session)' });
  assert.throws(() => parseUpstreamUrl('smpp://s:p@h:2775?bind='), /bind= is not one of trx, tx\+rx/);
});

test('a misspelt key in a link is refused naming it, as a misspelt parameter of a URL is', () => {
  // `throughtput` was dropped unread: the link ran uncapped
  assert.throws(
    () => parseUpstreamFile(JSON.stringify({ links: [{ name: 'cmcc', host: 'h', systemId: 's', password: 'p', throughtput: 50 }] }), 'links.json'),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('upstreamFile (links.json) links.0: ') && p.includes('throughtput')),
  );
});

test('a file that is not JSON is refused by line and column, without quoting it (it holds the passwords)', () => {
  const text = '{"links":[{"name":"cmcc","host":"h","systemId":"s",\n "password":"s3cretpw",}]}';
  assert.throws(() => parseUpstreamFile(text, 'links.json'), (e: unknown) => {
    const m = (e as ConfigError).message;
    return e instanceof ConfigError && !m.includes('s3cretpw') && /upstreamFile \(links\.json\): not JSON at line 2, column \d+/.test(m);
  });
});

test('a fault V8 reports by quoting the text, not by position, is refused without the quotation', () => {
  assert.throws(() => parseUpstreamFile('{"password":"s3cretpw",,}', 'links.json'), (e: unknown) => {
    const m = (e as ConfigError).message;
    return e instanceof ConfigError && !m.includes('s3cretpw') && /upstreamFile \(links\.json\): not JSON/.test(m);
  });
  assert.throws(() => parseUpstreamFile('s3cretpw', 'links.json'), (e: unknown) => e instanceof ConfigError && !(e as Error).message.includes('s3cretpw'));
});

/**
 * `--upstream smpp://…`: a misspelt parameter is refused like any other bad setting, and no refusal
 * repeats the link's password (it goes to stderr, and from there to a journal or a CI log).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';

test('an unknown parameter is refused naming it and the parameters there are', () => {
  // `throughtput` silently ignored left the link uncapped: the carrier throttles or cuts it
  for (const [q, bad] of [['throughtput=50', 'throughtput'], ['window=5&prefix=86138', 'prefix'], ['Window=5', 'Window'], ['receipt_ack=received', 'receipt_ack']]) {
    assert.throws(() => parseUpstreamUrl(`smpp://sg:pw@10.0.0.5:2775?${q}`), (e: Error) => e.message.startsWith(`upstream: unknown parameter ${bad}= (`) && /window, throughput, prefixes, weight, name, carrier, receiptAck, bind, systemType/.test(e.message), q);
  }
  // every documented one is still taken
  const l = parseUpstreamUrl('smpps://sg:pw@10.0.0.5?window=5&throughput=50&prefixes=86138&weight=2&name=cmcc&carrier=cmcc&receiptAck=received&bind=trx&systemType=x&ca=/c.pem&servername=s&insecure=0');
  assert.deepEqual([l.window, l.throughput, l.prefixes, l.weight, l.name, l.carrier, l.receiptAck, l.bind, l.systemType, l.tls?.ca], [5, 50, ['86138'], 2, 'cmcc', 'cmcc', 'received', 'trx', 'x', '/c.pem']);
});

test('a refused URL does not repeat its password', () => {
  for (const url of ['smpp://sg:s3cretpw@host:notaport', 'smpp://sg:s3cretpw@[::1', 'smpp://sg:s3cretpw@h:1?windw=5']) {
    assert.throws(() => parseUpstreamUrl(url), (e: Error) => !e.message.includes('s3cretpw') && e.message.startsWith('upstream: '), url);
  }
  assert.throws(() => parseUpstreamUrl('smpp://sg:s3cretpw@host:notaport'), /upstream: not a URL: smpp:\/\/sg:\*\*\*@host:notaport/);
});

/**
 * The SMPP-over-TLS settings: `--smpp-tls-port` with `--tls-cert` / `--tls-key` (checked together, the
 * files read and checked once at start), and `smpps://` upstream links (URL and config file), whose
 * `ca=` file must hold a certificate.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/schema.js';
import { loadTlsIdentity } from '../../../src/config/tls-identity.js';
import { parseUpstreamFile } from '../../../src/config/upstream-file.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import { linkTlsOptions } from '../../../src/smpp/client/tls.js';
import { upstreamLinks } from '../../../src/smpp/compose.js';
import { selfSignedCert, type TestCert } from '../../helpers/tls-cert.js';

let cert: TestCert;
let other: TestCert;
before(() => {
  cert = selfSignedCert();
  other = selfSignedCert('other.example');
});
after(() => {
  cert.remove();
  other.remove();
});

function problems(flags: Record<string, unknown>): string[] {
  try {
    loadConfig(flags, {});
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
}

test('--smpp-tls-port: off unless given; with a certificate and key it is kept', () => {
  const plain = loadConfig({}, {});
  assert.equal(plain.smppTlsPort, undefined);
  const c = loadConfig({ smppTlsPort: '3550', tlsCert: cert.certPath, tlsKey: cert.keyPath }, {});
  assert.equal(c.smppTlsPort, 3550);
  assert.equal(c.tlsCert, cert.certPath);
  // from the environment too, as every setting
  assert.equal(loadConfig({}, { SMSGUARD_SMPP_TLS_PORT: '3551', SMSGUARD_TLS_CERT: 'c.pem', SMSGUARD_TLS_KEY: 'k.pem' }).smppTlsPort, 3551);
});

test('--smpp-tls-port without --tls-cert / --tls-key, a certificate without the port, or the plain port twice: configuration errors', () => {
  const both = problems({ smppTlsPort: '3550' });
  assert.equal(both.length, 2, both.join('\n'));
  assert.match(both[0], /^tlsCert \(not set\): required with smppTlsPort \(--smpp-tls-port\): give --tls-cert PATH or SMSGUARD_TLS_CERT=PATH/);
  assert.match(both[1], /^tlsKey \(not set\): required with smppTlsPort \(--smpp-tls-port\): give --tls-key PATH/);
  assert.match(problems({ smppTlsPort: '3550', tlsCert: 'c.pem' }).join('\n'), /tlsKey .*required/);
  assert.match(problems({ tlsCert: 'c.pem', tlsKey: 'k.pem' }).join('\n'), /tlsCert \(--tls-cert\): only used with smppTlsPort/);
  assert.match(problems({ smppTlsPort: '2775', tlsCert: 'c.pem', tlsKey: 'k.pem' }).join('\n'), /smppTlsPort .*2775 is the plain SMPP port too/);
  assert.match(problems({ smppPort: '3550', smppTlsPort: '3550', tlsCert: 'c.pem', tlsKey: 'k.pem' }).join('\n'), /3550 is the plain SMPP port too/);
  assert.match(problems({ smppTlsPort: '70000', tlsCert: 'c.pem', tlsKey: 'k.pem' }).join('\n'), /smppTlsPort/);
  // reported with the other problems
  assert.equal(problems({ smppTlsPort: '3550', httpPort: 'x' }).length, 3);
});

test('the certificate and key files: read, checked, and every problem named', () => {
  const id = loadTlsIdentity(cert.certPath, cert.keyPath);
  assert.match(id.subject, /CN=localhost/);
  assert.ok(id.validTo.getTime() > Date.now());
  assert.match(id.cert, /BEGIN CERTIFICATE/);
  const fails = (c: string, k: string) => {
    try {
      loadTlsIdentity(c, k);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.problems;
    }
    assert.fail('expected a ConfigError');
  };
  const missing = fails(join(cert.dir, 'nope.pem'), join(cert.dir, 'nokey.pem'));
  assert.equal(missing.length, 2);
  assert.match(missing[0], /^tlsCert \(--tls-cert\): cannot read .*nope\.pem/);
  assert.match(missing[1], /^tlsKey \(--tls-key\): cannot read .*nokey\.pem/);
  // swapped: the certificate file holds a key and the key file a certificate
  const swapped = fails(cert.keyPath, cert.certPath);
  assert.match(swapped[0], /tlsCert .*key\.pem is not a PEM certificate/);
  assert.match(swapped[1], /tlsKey .*cert\.pem is not a usable PEM private key/);
  const garbage = join(cert.dir, 'garbage.pem');
  writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
  assert.match(fails(garbage, cert.keyPath)[0], /garbage\.pem is not a PEM certificate/);
  // both fine alone, not a pair
  assert.match(fails(cert.certPath, other.keyPath)[0], /tlsCert \(--tls-cert\) \/ tlsKey \(--tls-key\): .*key\.pem is not the key of .*cert\.pem/);
});

test('smpps:// URLs: TLS on, port 3550 by default, ca=, servername=, insecure=1; TLS options refused on smpp://', () => {
  const l = parseUpstreamUrl('smpps://sg:pw@smsc.example.net');
  assert.equal(l.port, 3550);
  assert.equal(l.name, 'smsc.example.net:3550');
  assert.deepEqual(l.tls, { ca: undefined, servername: undefined, insecure: false });
  const m = parseUpstreamUrl('smpps://sg:pw@10.0.0.5:3551?ca=/etc/smsguard/ca.pem&servername=smsc.example.net&window=50');
  assert.equal(m.port, 3551);
  assert.equal(m.window, 50);
  assert.deepEqual(m.tls, { ca: '/etc/smsguard/ca.pem', servername: 'smsc.example.net', insecure: false });
  assert.equal(parseUpstreamUrl('smpps://sg:pw@h?insecure=1').tls!.insecure, true);
  assert.equal(parseUpstreamUrl('smpp://sg:pw@h').tls, undefined);
  assert.equal(parseUpstreamUrl('smpp://sg:pw@h').port, 2775);
  assert.throws(() => parseUpstreamUrl('smpps://sg:pw@h?insecure=yes'), /insecure=yes is not 0 or 1/);
  assert.throws(() => parseUpstreamUrl('smpp://sg:pw@h?ca=/x.pem'), /ca apply to smpps:\/\/ links only/);
  assert.throws(() => parseUpstreamUrl('smpp://sg:pw@h?insecure=1&servername=x'), /servername, insecure apply to smpps:\/\/ links only/);
  assert.throws(() => parseUpstreamUrl('smpps://@h'), /smpps:\/\/ URL needs a system_id/);
  assert.throws(() => parseUpstreamUrl('https://sg:pw@h'), /or smpps:\/\/ for TLS/);
  // --upstream lists plain and TLS links together (prefixes lists inside use commas too)
  const list = upstreamLinks('smpp://a:p@h1?prefixes=86138,86139, smpps://b:p@h2?prefixes=86133');
  assert.deepEqual(list.map((x) => [x.host, x.port, x.prefixes, !!x.tls]), [['h1', 2775, ['86138', '86139'], false], ['h2', 3550, ['86133'], true]]);
});

test('the upstream file: tls true or { ca, servername, insecure }, port 3550 by default then; unknown tls fields refused', () => {
  const [a, b, c, d] = parseUpstreamFile(JSON.stringify({ links: [
    { name: 'a', host: 'h', systemId: 's', password: 'p', tls: true },
    { name: 'b', host: 'h', port: 4000, systemId: 's', password: 'p', tls: { ca: '/etc/ca.pem', servername: 'smsc.example.net' } },
    { name: 'c', host: 'h', systemId: 's', password: 'p' },
    { name: 'd', host: 'h', systemId: 's', password: 'p', tls: { insecure: true } },
  ] }));
  assert.equal(a.port, 3550);
  assert.deepEqual(a.tls, { insecure: false });
  assert.equal(b.port, 4000);
  assert.deepEqual(b.tls, { ca: '/etc/ca.pem', servername: 'smsc.example.net', insecure: false });
  assert.equal(c.port, 2775);
  assert.equal(c.tls, undefined);
  assert.deepEqual(d.tls, { insecure: true });
  assert.throws(() => parseUpstreamFile(JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p', tls: { cafile: '/x' } }] })), /links\.0\.tls/);
  assert.throws(() => parseUpstreamFile(JSON.stringify({ links: [{ name: 'a', host: 'h', systemId: 's', password: 'p', tls: 'yes' }] })), /links\.0\.tls/);
});

test('a link\'s ca= file must hold a PEM certificate; verification is on unless insecure', () => {
  assert.equal(linkTlsOptions({ name: 'plain' }), undefined);
  const o = linkTlsOptions({ name: 'l', tls: { ca: cert.certPath } })!;
  assert.equal(o.rejectUnauthorized, true);
  assert.equal(o.ca, cert.cert);
  assert.equal(linkTlsOptions({ name: 'l', tls: { insecure: true } })!.rejectUnauthorized, false);
  assert.throws(() => linkTlsOptions({ name: 'l', tls: { ca: join(cert.dir, 'none.pem') } }), /upstream: link l: ca=.*none\.pem: cannot read/);
  assert.throws(() => linkTlsOptions({ name: 'l', tls: { ca: cert.keyPath } }), /upstream: link l: ca=.*key\.pem: no PEM certificate/);
});

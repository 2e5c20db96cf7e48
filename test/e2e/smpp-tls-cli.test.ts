/**
 * `smsguard start --smpp-tls-port` as an operator runs it: the TLS port is printed with the others
 * (with the certificate it presents) and an ESME completes a TLS handshake there; a TLS port without
 * its certificate and key, an unreadable key, a TLS port already taken, or an smpps:// link whose
 * ca= file is not there are configuration errors, before anything is served.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmppEsme, SmppBindError } from '../../src/smpp/client/esme.js';
import { selfSignedCert, type TestCert } from '../helpers/tls-cert.js';
import { stopProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_smpp_tls_cli_test_token_000000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_RECORDS_TRUSTED_KEYS: '', SMSGUARD_REPORT_PORT: '' };

let cert: TestCert;
before(() => {
  cert = selfSignedCert();
});
after(() => cert.remove());

function cli(...args: string[]): { code: number; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: ENV, cwd: cert.dir, timeout: 60_000 });
  return { code: r.status ?? -1, err: r.stderr };
}

test('start --smpp-tls-port: printed with the other ports, and an ESME bind over TLS reaches the credential check', { timeout: 90_000 }, async () => {
  const p = spawn(process.execPath, [BIN, 'start', '--db', join(cert.dir, 'g.db'), '--http-port', '0', '--smpp-port', '0', '--smpp-tls-port', '0', '--tls-cert', cert.certPath, '--tls-key', cert.keyPath], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    const tlsPort = Number(await waitFor(() => /SMPP over TLS 127\.0\.0\.1:(\d+) \(certificate CN=localhost, valid until \d{4}-/.exec(out)?.[1], 60_000, 'the TLS line').catch((e: Error) => {
      throw new Error(`${e.message}: ${out.slice(0, 2000)}`);
    }));
    assert.match(out, /SMPP server {3}127\.0\.0\.1:\d+ /);
    const e = await SmppEsme.connect({ host: '127.0.0.1', port: tlsPort, systemId: 'nobody', password: 'x', tls: { ca: cert.cert, servername: 'localhost', rejectUnauthorized: true } }).catch((x: Error) => x);
    assert.ok(e instanceof SmppBindError, String(e));
  } finally {
    await stopProcess(p);
  }
});

test('TLS configuration errors stop start with the problem named, no stack', { timeout: 120_000 }, async () => {
  const base = ['start', '--http-port', '0', '--smpp-port', '0'];
  let r = cli(...base, '--db', join(cert.dir, 'a.db'), '--smpp-tls-port', '3550');
  assert.equal(r.code, 1);
  assert.match(r.err, /^invalid configuration:\n {2}tlsCert \(not set\): required with smppTlsPort \(--smpp-tls-port\): give --tls-cert PATH .*\n {2}tlsKey \(not set\): required with smppTlsPort \(--smpp-tls-port\)/);
  r = cli(...base, '--db', join(cert.dir, 'b.db'), '--smpp-tls-port', '0', '--tls-cert', cert.certPath, '--tls-key', join(cert.dir, 'missing.pem'));
  assert.equal(r.code, 1);
  assert.match(r.err, /^invalid configuration:\n {2}tlsKey \(--tls-key\): cannot read .*missing\.pem/);
  assert.doesNotMatch(r.err, /\n\s+at /);
  const taken: Server = createServer();
  await new Promise<void>((res) => taken.listen(0, '127.0.0.1', () => res()));
  const port = (taken.address() as { port: number }).port;
  try {
    r = cli(...base, '--db', join(cert.dir, 'c.db'), '--smpp-tls-port', String(port), '--tls-cert', cert.certPath, '--tls-key', cert.keyPath);
    assert.equal(r.code, 1);
    assert.equal(r.err, `invalid configuration:\n  smppHost (default 127.0.0.1) / smppTlsPort (--smpp-tls-port): 127.0.0.1:${port}: address in use (EADDRINUSE)\n`);
  } finally {
    taken.close();
  }
  r = cli(...base, '--db', join(cert.dir, 'd.db'), '--upstream', 'smpps://u:p@127.0.0.1:3550?name=carrier&ca=/nonexistent/ca.pem');
  assert.equal(r.code, 1);
  assert.match(r.err, /^invalid configuration:\n {2}upstream \(--upstream\): link carrier: ca=\/nonexistent\/ca\.pem: cannot read/);
});

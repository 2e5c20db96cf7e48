/**
 * Throwaway self-signed certificates for the SMPP-over-TLS tests, made by openssl in a temporary
 * directory (RSA 2048, CN=localhost, one day): nothing is checked in, nothing outlives the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  dir: string;
  certPath: string;
  keyPath: string;
  /** PEM texts of the two files. */
  cert: string;
  key: string;
  /** Removes the directory. */
  remove(): void;
}

/** A new key and self-signed certificate for `cn` (default localhost). */
export function selfSignedCert(cn = 'localhost'): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-days', '1', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  return {
    dir, certPath, keyPath,
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

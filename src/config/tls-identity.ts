/**
 * The certificate and key of `--tls-cert` / `--tls-key` (the SMPP TLS port's identity), read and
 * checked once at start with every problem reported together, as the rest of the configuration:
 * an unreadable file, a file that is not a PEM certificate or key, or a key that is not the
 * certificate's would otherwise surface as handshakes failing for every client.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './schema.js';

export interface TlsIdentity {
  /** PEM text of the certificate chain. */
  cert: string;
  /** PEM text of the private key. */
  key: string;
  /** The leaf certificate's subject (`CN=…`), for the start-up lines. */
  subject: string;
  /** When the leaf certificate expires. */
  validTo: Date;
}

/**
 * Reads and checks both files; throws ConfigError naming each problem with its setting, as the
 * operator gave it (`names`: settingLabel's `tlsCert (SMSGUARD_TLS_CERT)`; the flags when not given).
 */
export function loadTlsIdentity(certPath: string, keyPath: string, names: { cert: string; key: string } = { cert: 'tlsCert (--tls-cert)', key: 'tlsKey (--tls-key)' }): TlsIdentity {
  const problems: string[] = [];
  const read = (setting: string, path: string): string | null => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      problems.push(`${setting}: cannot read ${path}: ${(e as Error).message}`);
      return null;
    }
  };
  const cert = read(names.cert, certPath);
  const key = read(names.key, keyPath);
  let leaf: X509Certificate | null = null;
  if (cert !== null) {
    try {
      if (!cert.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no -----BEGIN CERTIFICATE----- block');
      leaf = new X509Certificate(cert);
    } catch (e) {
      problems.push(`${names.cert}: ${certPath} is not a PEM certificate: ${(e as Error).message}`);
    }
  }
  let keyOk = false;
  if (key !== null) {
    try {
      if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new Error('no -----BEGIN … PRIVATE KEY----- block');
      createPrivateKey(key);
      keyOk = true;
    } catch (e) {
      problems.push(`${names.key}: ${keyPath} is not a usable PEM private key: ${(e as Error).message}`);
    }
  }
  if (leaf && keyOk) {
    try {
      // what the listener will do: OpenSSL refuses a key that is not the certificate's
      createSecureContext({ cert: cert!, key: key! });
    } catch (e) {
      problems.push(`${names.cert} / ${names.key}: ${keyPath} is not the key of ${certPath}: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return { cert: cert!, key: key!, subject: leaf!.subject.replace(/\n/g, ', '), validTo: new Date(leaf!.validTo) };
}

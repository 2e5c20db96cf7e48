/**
 * What `tls.connect` gets for an `smpps://` upstream link (UpstreamTls). The CA file is read here, at
 * start (compose.ts checks every link before any binds, so a wrong path is a configuration error) and
 * again at each reconnect, so a carrier's renewed private CA is picked up without a restart.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { UpstreamLinkConfig } from './config.js';

/** The part of node:tls ConnectionOptions an ESME sets (SmppEsme's `tls`). */
export interface EsmeTlsOptions {
  /** PEM CA certificates to trust instead of Node's bundled ones. */
  ca?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The link's TLS options, or undefined for a plain link. Throws Error (`upstream: link NAME: ca=PATH: …`)
 * when the CA file cannot be read or holds no PEM certificate: node:tls would otherwise ignore it
 * silently and every handshake would fail as "unable to verify", far from the cause.
 */
export function linkTlsOptions(link: Pick<UpstreamLinkConfig, 'name' | 'tls'>): EsmeTlsOptions | undefined {
  const t = link.tls;
  if (!t) return undefined;
  let ca: string | undefined;
  if (t.ca !== undefined) {
    const where = `upstream: link ${link.name}: ca=${t.ca}`;
    try {
      ca = readFileSync(t.ca, 'utf8');
    } catch (e) {
      throw new Error(`${where}: cannot read: ${(e as Error).message}`);
    }
    const certs = ca.match(PEM_CERT) ?? [];
    if (!certs.length) throw new Error(`${where}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file`);
    for (const c of certs) {
      try {
        new X509Certificate(c);
      } catch (e) {
        throw new Error(`${where}: not a certificate: ${(e as Error).message}`);
      }
    }
  }
  return { ca, servername: t.servername, rejectUnauthorized: !t.insecure };
}

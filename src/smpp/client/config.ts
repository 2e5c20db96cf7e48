/**
 * Upstream link configuration: `smpp://user:pass@host:port?window=100&throughput=500&prefixes=86138,86139&weight=2&name=cmcc&carrier=cmcc&receiptAck=recorded&bind=trx`
 * (one `--upstream` URL) or a list of such objects in the config file. `smpps://…` is the same link
 * over TLS (default port 3550), with `ca=PATH`, `servername=` and `insecure=1` (UpstreamTls).
 */
import { withoutPassword } from '../../runtime/without-password.js';

export interface UpstreamLinkConfig {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** Unanswered submit_sm allowed on the link (SMPP window). */
  window: number;
  /** Cap in submit_sm per second; 0 = uncapped. */
  throughput: number;
  /** Recipient prefixes (digits, E.164 without '+') this link carries; empty = any. */
  prefixes: string[];
  /** Share of traffic among eligible links. */
  weight: number;
  /**
   * The carrier this link reaches (`cmcc`, `cucc`, `ctcc` or free text; compared without case). A
   * recipient in the ported-numbers list (--mnp-file) goes to the links of its current carrier,
   * whatever their prefixes (docs/SMPP.md "Routing").
   */
  carrier?: string;
  /**
   * When a receipt's deliver_sm is answered: `recorded` (default), once its status is committed, so a
   * crash cannot lose it; `received`, at once, for an SMSC that sends receipts one at a time (a
   * window of 1 or a few), where waiting for each commit would cap receipts per bind at a few
   * hundred a second. With `received` a crash can lose the receipts of the last moment.
   */
  receiptAck?: ReceiptAck;
  /** Present: the link speaks SMPP over TLS (`smpps://`); the SMSC's certificate is verified. */
  tls?: UpstreamTls;
  /**
   * How the link binds (LinkBind); absent = `trx`. parseUpstreamUrl and the upstream file always set
   * it; configurations built in code may leave it out.
   */
  bind?: LinkBind;
}

/**
 * `trx`: one bind_transceiver session carries submits and deliver_sm both ways. `tx+rx`: two
 * sessions, bind_transmitter for submit_sm and cancel_sm, bind_receiver for deliver_sm (receipts
 * and MO), for SMSCs that take no transceiver bind (SMPP 3.4 §2.2; Kannel's
 * `transceiver-mode = false`).
 */
export type LinkBind = 'trx' | 'tx+rx';
export const LINK_BINDS: readonly LinkBind[] = ['trx', 'tx+rx'];

/**
 * TLS on an upstream link. The certificate is verified against Node's bundled public CAs, or against
 * `ca` alone, and must name the host (or `servername`).
 */
export interface UpstreamTls {
  /** PEM file of the CA certificate(s) to trust instead of the public ones (a carrier's private CA). Read at start and at each reconnect. */
  ca?: string;
  /** The name the SMSC's certificate must carry, also sent as SNI; default: the host. */
  servername?: string;
  /**
   * Accept any certificate without verifying it. For tests against a fake SMSC only: the link is then
   * encrypted but open to whoever can put themselves between us and the SMSC.
   */
  insecure?: boolean;
}

/** The conventional port of SMPP over TLS. */
export const SMPP_TLS_PORT = 3550;

export type ReceiptAck = 'recorded' | 'received';
export const RECEIPT_ACKS: readonly ReceiptAck[] = ['recorded', 'received'];

export const LINK_DEFAULTS = { window: 100, throughput: 0, weight: 1, receiptAck: 'recorded', bind: 'trx' } as const;

/**
 * `bind=` of a URL. A literal `+` in a query string reads as a space (form encoding), so
 * `bind=tx+rx` as typed arrives as `tx rx`: taken as the `tx+rx` it was meant to be, as is `tx%2Brx`.
 */
function bindParam(v: string | null): LinkBind {
  if (v === null) return LINK_DEFAULTS.bind;
  const b = v === 'tx rx' ? 'tx+rx' : v;
  if (!(LINK_BINDS as readonly string[]).includes(b)) throw new Error(`upstream: bind=${v} is not one of ${LINK_BINDS.join(', ')} (trx: one transceiver session; tx+rx: a transmitter and a receiver session)`);
  return b as LinkBind;
}

/**
 * The query parameters a link URL takes. Any other is refused: a misspelt one (`throughtput=50`)
 * was ignored, and the link ran uncapped or unrouted as the operator never meant.
 */
export const URL_PARAMS = ['window', 'throughput', 'prefixes', 'weight', 'name', 'carrier', 'receiptAck', 'bind', 'systemType', 'ca', 'servername', 'insecure'] as const;

/** Parses one `smpp://` URL; throws Error with a message naming the problem (never the password). */
export function parseUpstreamUrl(url: string): UpstreamLinkConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`upstream: not a URL: ${withoutPassword(url)}`);
  }
  for (const k of u.searchParams.keys()) {
    if (!(URL_PARAMS as readonly string[]).includes(k)) throw new Error(`upstream: unknown parameter ${k}= (a link takes ${URL_PARAMS.join(', ')})`);
  }
  if (u.protocol !== 'smpp:' && u.protocol !== 'smpps:') throw new Error(`upstream: expected smpp://user:pass@host:port (or smpps:// for TLS), got ${u.protocol}`);
  const secure = u.protocol === 'smpps:';
  if (!u.username) throw new Error(`upstream: ${u.protocol}// URL needs a system_id as user`);
  const tlsOnly = ['ca', 'servername', 'insecure'].filter((k) => u.searchParams.has(k));
  // a CA given to a plain link would be silently unused: the operator meant TLS
  if (!secure && tlsOnly.length) throw new Error(`upstream: ${tlsOnly.join(', ')} apply to smpps:// links only (SMPP over TLS)`);
  const insecure = u.searchParams.get('insecure');
  if (insecure !== null && insecure !== '0' && insecure !== '1') throw new Error(`upstream: insecure=${insecure} is not 0 or 1`);
  const defaultPort = secure ? SMPP_TLS_PORT : 2775;
  const num = (k: string, d: number): number => {
    const v = u.searchParams.get(k);
    if (v === null) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`upstream: ${k}=${v} is not a non-negative number`);
    return n;
  };
  const prefixes = (u.searchParams.get('prefixes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const receiptAck = u.searchParams.get('receiptAck') ?? LINK_DEFAULTS.receiptAck;
  if (!(RECEIPT_ACKS as readonly string[]).includes(receiptAck)) throw new Error(`upstream: receiptAck=${receiptAck} is not one of ${RECEIPT_ACKS.join(', ')}`);
  const carrier = u.searchParams.get('carrier')?.trim();
  if (carrier === '') throw new Error('upstream: carrier= is empty');
  const bind = bindParam(u.searchParams.get('bind'));
  return {
    name: u.searchParams.get('name') ?? `${u.hostname}:${u.port || defaultPort}`,
    host: u.hostname,
    port: u.port ? Number(u.port) : defaultPort,
    systemId: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    systemType: u.searchParams.get('systemType') ?? undefined,
    window: Math.max(1, Math.floor(num('window', LINK_DEFAULTS.window))),
    throughput: num('throughput', LINK_DEFAULTS.throughput),
    prefixes,
    weight: Math.max(0, num('weight', LINK_DEFAULTS.weight)),
    ...(carrier ? { carrier } : {}),
    receiptAck: receiptAck as ReceiptAck,
    bind,
    ...(secure ? { tls: { ca: u.searchParams.get('ca') || undefined, servername: u.searchParams.get('servername') || undefined, insecure: insecure === '1' } } : {}),
  };
}

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
 * The bounds of a link's numbers and strings, the one table both a `smpp://` URL (parseUpstreamUrl)
 * and the upstream file (src/config/upstream-file.ts) check against, so a link means the same
 * whichever way it is given. Out of range is refused naming the key, never coerced: `window=0` was
 * silently run as 1, and a `throughput` or `weight` of 1e12 was taken as it came.
 * - window: unanswered submit_sm on the link, 1-10,000 (an integer).
 * - throughput: submit_sm per second, 0 (uncapped) to 100,000 (fractions allowed: 0.5 is one every 2 s).
 * - weight: share among eligible links, 0 (never chosen by weight) to 1,000.
 * - systemId, password, systemType: SMPP 3.4 §5.2 C-Octet Strings of at most 16, 9 and 13 octets
 *   with the NUL, so 15, 8 and 12 characters; a longer one the SMSC truncates or refuses at bind.
 */
export const LINK_BOUNDS = {
  window: { min: 1, max: 10_000, integer: true },
  throughput: { min: 0, max: 100_000, integer: false },
  weight: { min: 0, max: 1_000, integer: false },
  systemId: { maxLength: 15 },
  password: { maxLength: 8 },
  systemType: { maxLength: 12 },
} as const;

/** A bounded number key of LINK_BOUNDS. */
export type LinkNumberKey = 'window' | 'throughput' | 'weight';

/** What a key takes, for refusals: `1-10000 (an integer)`. */
export function boundsText(k: LinkNumberKey): string {
  const b = LINK_BOUNDS[k];
  return `${b.min}-${b.max}${b.integer ? ' (an integer)' : ''}`;
}

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
  const num = (k: LinkNumberKey, d: number): number => {
    const v = u.searchParams.get(k);
    if (v === null) return d;
    const b = LINK_BOUNDS[k];
    // decimal digits only: Number() read a blank as 0, `0x10` as 16 and `1e3` as 1000
    if (!/^\d+(\.\d+)?$/.test(v.trim())) throw new Error(`upstream: ${k}=${v} is not a decimal number: ${k} takes ${boundsText(k)}`);
    const n = Number(v);
    if (!(n >= b.min && n <= b.max) || (b.integer && !Number.isInteger(n))) throw new Error(`upstream: ${k}=${v} is out of range: ${k} takes ${boundsText(k)}`);
    return n;
  };
  const text = (k: 'systemId' | 'password' | 'systemType', v: string): string => {
    const max = LINK_BOUNDS[k].maxLength;
    // the password's own value is never quoted (it goes to stderr and from there to a journal)
    if (v.length > max) throw new Error(`upstream: ${k} is ${v.length} characters; SMPP 3.4 allows at most ${max} (${max + 1} octets with the NUL)`);
    return v;
  };
  const prefixes = (u.searchParams.get('prefixes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const receiptAck = u.searchParams.get('receiptAck') ?? LINK_DEFAULTS.receiptAck;
  if (!(RECEIPT_ACKS as readonly string[]).includes(receiptAck)) throw new Error(`upstream: receiptAck=${receiptAck} is not one of ${RECEIPT_ACKS.join(', ')}`);
  const carrier = u.searchParams.get('carrier')?.trim();
  if (carrier === '') throw new Error('upstream: carrier= is empty');
  const bind = bindParam(u.searchParams.get('bind'));
  const systemType = u.searchParams.get('systemType');
  return {
    name: u.searchParams.get('name') ?? `${u.hostname}:${u.port || defaultPort}`,
    host: u.hostname,
    port: u.port ? Number(u.port) : defaultPort,
    systemId: text('systemId', decodeURIComponent(u.username)),
    password: text('password', decodeURIComponent(u.password)),
    systemType: systemType === null ? undefined : text('systemType', systemType),
    window: num('window', LINK_DEFAULTS.window),
    throughput: num('throughput', LINK_DEFAULTS.throughput),
    prefixes,
    weight: num('weight', LINK_DEFAULTS.weight),
    ...(carrier ? { carrier } : {}),
    receiptAck: receiptAck as ReceiptAck,
    bind,
    ...(secure ? { tls: { ca: u.searchParams.get('ca') || undefined, servername: u.searchParams.get('servername') || undefined, insecure: insecure === '1' } } : {}),
  };
}

/**
 * Upstream link configuration: `smpp://user:pass@host:port?window=100&throughput=500&prefixes=86138,86139&weight=2&name=cmcc&receiptAck=recorded`
 * (one `--upstream` URL) or a list of such objects in the config file.
 */
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
   * When a receipt's deliver_sm is answered: `recorded` (default), once its status is committed, so a
   * crash cannot lose it; `received`, at once, for an SMSC that sends receipts one at a time (a
   * window of 1 or a few), where waiting for each commit would cap receipts per bind at a few
   * hundred a second. With `received` a crash can lose the receipts of the last moment.
   */
  receiptAck?: ReceiptAck;
}

export type ReceiptAck = 'recorded' | 'received';
export const RECEIPT_ACKS: readonly ReceiptAck[] = ['recorded', 'received'];

export const LINK_DEFAULTS = { window: 100, throughput: 0, weight: 1, receiptAck: 'recorded' } as const;

/** Parses one `smpp://` URL; throws Error with a message naming the problem. */
export function parseUpstreamUrl(url: string): UpstreamLinkConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`upstream: not a URL: ${url}`);
  }
  if (u.protocol !== 'smpp:') throw new Error(`upstream: expected smpp://user:pass@host:port, got ${u.protocol}`);
  if (!u.username) throw new Error('upstream: smpp:// URL needs a system_id as user');
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
  return {
    name: u.searchParams.get('name') ?? `${u.hostname}:${u.port || 2775}`,
    host: u.hostname,
    port: u.port ? Number(u.port) : 2775,
    systemId: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    systemType: u.searchParams.get('systemType') ?? undefined,
    window: Math.max(1, Math.floor(num('window', LINK_DEFAULTS.window))),
    throughput: num('throughput', LINK_DEFAULTS.throughput),
    prefixes,
    weight: Math.max(0, num('weight', LINK_DEFAULTS.weight)),
    receiptAck: receiptAck as ReceiptAck,
  };
}

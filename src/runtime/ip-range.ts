/**
 * An IP address or CIDR block as operators write them in allow-lists (SMPP credentials' allowedIps,
 * `--trust-proxy`): `203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`, `::ffff:10.0.0.1` (read as IPv4).
 * Here rather than in src/domain: it asks node:net what an address is, and the pure core imports no
 * network module (test/unit/architecture.test.ts); only the config schema and the SMPP server use it.
 */
import { isIP } from 'node:net';

export interface IpRange {
  address: string;
  family: 'ipv4' | 'ipv6';
  /** Prefix length; null for a single address. */
  prefix: number | null;
}

/** `::ffff:127.0.0.1` → `127.0.0.1` so allow-lists can name plain IPv4 addresses. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** The range `entry` names, or null when it is neither an address nor a CIDR block. */
export function parseIpRange(entry: string): IpRange | null {
  const [addr, bits, extra] = entry.trim().split('/');
  if (extra !== undefined) return null;
  const address = normaliseIp(addr);
  const v = isIP(address);
  if (v === 0) return null;
  const family = v === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) return { address, family, prefix: null };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (v === 6 ? 128 : 32)) return null;
  return { address, family, prefix: Number(bits) };
}

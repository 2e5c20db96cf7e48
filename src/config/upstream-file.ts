/**
 * The upstream links of `--upstream-file PATH`: a JSON file listing carrier SMSC links with their
 * prefixes and weights, for operators with more links than fit a command line. Validated once with
 * every problem reported together (like the rest of the configuration).
 *
 * ```json
 * { "links": [
 *   { "name": "cmcc", "host": "10.0.0.5", "port": 2775, "systemId": "sg", "password": "…",
 *     "window": 200, "throughput": 500, "prefixes": ["86134", "86135"], "weight": 2, "carrier": "cmcc" },
 *   { "name": "ctcc", "host": "10.0.1.5", "systemId": "sg", "password": "…", "prefixes": ["86133"], "carrier": "ctcc" },
 *   { "name": "cucc", "host": "smsc.example.net", "systemId": "sg", "password": "…",
 *     "tls": { "ca": "/etc/smsguard/cucc-ca.pem" }, "bind": "tx+rx" } ] }
 * ```
 *
 * `tls` (`true`, or an object with `ca`, `servername`, `insecure`) is what `smpps://` is in a URL: SMPP
 * over TLS, the port then defaulting to 3550 (UpstreamTls). `bind` is `bind=` of a URL: `trx` (default)
 * or `tx+rx` (LinkBind).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { boundsText, LINK_BOUNDS, LINK_DEFAULTS, SMPP_TLS_PORT, type LinkNumberKey, type UpstreamLinkConfig } from '../smpp/client/config.js';
import { ConfigError } from './schema.js';
import { jsonProblem } from './json-problem.js';

/** A bounded number of LINK_BOUNDS (the same bounds as a URL's), refused with what it takes. */
const bounded = (k: LinkNumberKey) => {
  const b = LINK_BOUNDS[k];
  const base = b.integer ? z.number().int(`takes ${boundsText(k)}`) : z.number();
  return base.min(b.min, `takes ${boundsText(k)}`).max(b.max, `takes ${boundsText(k)}`).default(LINK_DEFAULTS[k]);
};

const Link = z.object({
  name: z.string().min(1).max(64),
  host: z.string().min(1),
  /** Default 2775, or 3550 with `tls`. */
  port: z.number().int().min(1).max(65535).optional(),
  systemId: z.string().min(1).max(LINK_BOUNDS.systemId.maxLength),
  password: z.string().max(LINK_BOUNDS.password.maxLength),
  systemType: z.string().max(LINK_BOUNDS.systemType.maxLength).optional(),
  window: bounded('window'),
  throughput: bounded('throughput'),
  prefixes: z.array(z.string().regex(/^\d{1,15}$/)).default([]),
  weight: bounded('weight'),
  /** The carrier the link reaches, for ported numbers (--mnp-file). */
  carrier: z.string().trim().min(1).max(32).optional(),
  receiptAck: z.enum(['recorded', 'received']).default(LINK_DEFAULTS.receiptAck),
  /** `trx` (one transceiver session) or `tx+rx` (a transmitter and a receiver session): LinkBind. */
  bind: z.enum(['trx', 'tx+rx'], { message: "must be 'trx' (one transceiver session) or 'tx+rx' (a transmitter and a receiver session)" }).default(LINK_DEFAULTS.bind),
  tls: z.union([
    z.boolean(),
    z.object({ ca: z.string().min(1).optional(), servername: z.string().min(1).optional(), insecure: z.boolean().optional() }).strict(),
  ]).optional(),
  // a misspelt key (`throughtput`) refused, not dropped: the link would run as the operator never meant
}).strict().transform(({ port, tls, ...l }): UpstreamLinkConfig => ({
  ...l,
  port: port ?? (tls ? SMPP_TLS_PORT : 2775),
  ...(tls ? { tls: tls === true ? { insecure: false } : { ...tls, insecure: tls.insecure ?? false } } : {}),
}));
const File = z.object({ links: z.array(Link).min(1) }).strict();

/**
 * What a problem line names the file by: its path, after the flag or variable that gave it when known
 * (`--upstream-file links.json`, `SMSGUARD_UPSTREAM_FILE=links.json`), so the operator reads what they
 * typed; then the key in the file (`links.0.bind`).
 */
const fileLabel = (path: string, from?: string) => (from ? (from.startsWith('--') ? `${from} ${path}` : `${from}=${path}`) : path);

/** Parses the file's JSON text; throws ConfigError naming every problem. `from`: the flag or variable that named the file. */
export function parseUpstreamFile(text: string, path = 'upstream file', from?: string): UpstreamLinkConfig[] {
  const file = fileLabel(path, from);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // never V8's message as it is: it quotes the text around the fault, passwords included
    throw new ConfigError([`upstreamFile (${file}): not JSON${jsonProblem(e as Error, text)}`]);
  }
  const r = File.safeParse(json);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `upstreamFile (${file}) ${i.path.join('.') || '(root)'}: ${i.message}`));
  const names = new Set<string>();
  for (const l of r.data.links) {
    if (names.has(l.name)) throw new ConfigError([`upstreamFile (${file}): link name '${l.name}' appears twice`]);
    names.add(l.name);
  }
  return r.data.links;
}

/** Reads and parses the file; `from`: the flag or variable that named it (settingFrom), for the problems. */
export function loadUpstreamFile(path: string, from?: string): UpstreamLinkConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`upstreamFile${from ? ` (${from})` : ''}: cannot read ${path}: ${(e as Error).message}`]);
  }
  return parseUpstreamFile(text, path, from);
}

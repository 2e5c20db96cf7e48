/**
 * The one configuration schema. Values come from CLI flags, then environment variables whose names
 * derive from the key (`httpPort` → `SMSGUARD_HTTP_PORT`), then defaults. Validated once (every
 * problem reported together), then frozen. A problem names the setting and where its value came from,
 * as the operator typed it: the flag (`--http-port`), the variable (`SMSGUARD_HTTP_PORT`), or the
 * default (SettingSource).
 */
import { parseIpRange } from '../runtime/ip-range.js';
import { z } from 'zod';
import { overrideProblems, PROFILE_IDS, type ProfileId } from '../profiles/index.js';

/** The profile in force when the operator names none (--profile, SMSGUARD_PROFILE). */
const DEFAULT_PROFILE: ProfileId = 'cn-2015';
import { isSchemaName, SCHEMA_NAME_RULE } from '../store/postgres/schema-name.js';
import { DEFAULT_SQLITE_TUNING, SQLITE_SYNCS } from '../store/sqlite/tuning.js';

/**
 * A number setting: a number given in code, or text of decimal digits (spaces around them allowed).
 * Not z.coerce.number(), which is Number(): it read a blank value as 0 (a random port), `0x10` as 16
 * and `1e3` as 1000, none of which an operator types meaning a number.
 */
const num = () => z.preprocess(
  (v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
  z.number({ error: (i) => `not a decimal number: ${JSON.stringify(i.input)}` }),
);
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => num().pipe(z.number().int().min(min).max(max));
/**
 * A whole-number flag between `min` and `max`, read as the configuration reads one (decimal digits
 * only): for commands with flags of their own, such as `smsguard simulator`, which read `0x10` as port
 * 16 and a blank value as a random port through z.coerce.number().
 */
export const decimalInt = int;
const positive = (max: number) => num().pipe(z.number().positive().max(max));
const port = int(0, 65535);
/**
 * A tuning switch: `0` (off) or `1` (on), as the benchmarks and docs/PERFORMANCE.md set them. Anything
 * else is refused: a `SMSGUARD_RECORDS_THREAD=true` was read as off, without a word.
 */
const onOff = (d: boolean) => z.preprocess(
  (v) => (typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'string' ? v.trim() : v),
  z.enum(['0', '1'], { error: (i) => `must be 0 (off) or 1 (on), not ${JSON.stringify(i.input)}` }),
).transform((v) => v === '1').default(d);
/** The bound of the bus's timings: a day, well under the 2^31 ms a Node timer takes (beyond it fires at once). */
const DAY_MS = 86_400_000;

/** `--trust-proxy`: a hop count, or a list of addresses, CIDR ranges and proxy-addr's names. */
function validTrustProxy(v: string): boolean {
  if (/^\d+$/.test(v)) return true;
  return v.split(',').map((x) => x.trim()).every((x) => {
    return ['loopback', 'linklocal', 'uniquelocal'].includes(x) || parseIpRange(x) !== null;
  });
}

/**
 * What Fastify's `trustProxy` takes for a validated `--trust-proxy` value: the address list, or for a
 * hop count a function trusting that many proxies nearest the server (as proxy-addr counts hops).
 */
export function trustProxyOption(v: string | undefined): string | ((addr: string, hop: number) => boolean) | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_addr: string, hop: number) => hop < hops;
  }
  return v.split(',').map((x) => x.trim()).join(',');
}

export const ConfigSchema = z.object({
  httpHost: z.string().min(1).default('127.0.0.1'),
  httpPort: port.default(8080),
  /**
   * Proxies whose `X-Forwarded-For` the HTTP app believes (what `req.ip` is: the per-address limit on
   * public complaints keys on it). Comma-separated addresses or CIDR ranges, or the names `loopback`,
   * `linklocal`, `uniquelocal`; or a number of hops. Absent: no proxy is trusted.
   */
  trustProxy: z.string().trim().min(1).refine(validTrustProxy, 'comma-separated IP addresses or CIDR ranges, loopback, linklocal or uniquelocal; or a number of hops').optional(),
  /** SQLite file path, or a postgres:// URL (PostgreSQL store; `DATABASE_URL` is read too). */
  db: z.string().min(1).superRefine((v, ctx) => {
    const problem = dbProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).default('./var/smsguard.db'),
  /** PostgreSQL schema to use (created if missing); default: the URL's search_path. */
  dbSchema: z.string().refine(isSchemaName, `not a schema name smsguard can use (${SCHEMA_NAME_RULE})`).optional(),
  /** PostgreSQL pool size per process. */
  dbPoolSize: int(1, 200).default(10),
  /** nats://host:port: split ingress and egress over NATS JetStream (needs the PostgreSQL store). */
  queue: z.string().superRefine((v, ctx) => {
    if (!/^nats:\/\//.test(v)) ctx.addIssue({ code: 'custom', message: 'not a NATS URL: nats://host:port, or several comma-separated' }); // the value unsaid: it may carry a password
  }).optional(),
  /** Which pieces this process runs: ingress (HTTP/SMPP doors), egress (upstream), or all. */
  role: z.enum(['ingress', 'egress', 'all']).default('all'),
  /** Subject and stream prefix on the bus (several gateways can share one NATS). */
  queuePrefix: z.string().superRefine((v, ctx) => {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(v)) ctx.addIssue({ code: 'custom', message: `1 to 32 letters, digits, _ and -: ${JSON.stringify(v)}` });
  }).default('smsguard'),
  /** Recipient partitions (subjects); fix before first start: changing it re-routes numbers. */
  queuePartitions: int(1, 1024).default(16),
  /** Egress lease on a claimed message, ms (longer than the slowest upstream submit). */
  queueLeaseMs: int(500, DAY_MS).default(60_000),
  /** After this long a handed-over message not yet done is handed over again, ms. */
  queueGraceMs: int(500, DAY_MS).default(30_000),
  /** JetStream redelivery of an unacknowledged message, ms. */
  queueAckWaitMs: int(500, DAY_MS).default(30_000),
  profile: z.enum(PROFILE_IDS as [string, ...string[]]).default(DEFAULT_PROFILE),
  /** JSON object of profile parameter overrides, e.g. {"maxLength":300}. */
  profileOverrides: z.string().default('{}'),
  upstream: z.string().min(1).default('simulator'),
  /**
   * The SMPP client to the upstream on its own worker thread (`on`) or on the event loop (`off`).
   * `on` helps when the gateway's event loop is the bottleneck (SQLite); on a small box that also
   * runs PostgreSQL and NATS, `off` measured faster (docs/PERFORMANCE.md).
   */
  upstreamThread: z.enum(['on', 'off']).default('on'),
  /**
   * With the built-in simulator upstream: how long it holds each message before delivering it, ms
   * (0: at once). A sender's cancel (DELETE /v1/messages/{id}, cancel_sm) of a message written to it
   * meanwhile is sent on as cancel_sm and honoured (docs/SMPP.md "cancel_sm").
   */
  simulatorHoldMs: int(0, 86_400_000).default(0),
  /** JSON file listing upstream SMPP links with prefixes and weights (src/config/upstream-file.ts); wins over `upstream`. */
  upstreamFile: z.string().min(1).optional(),
  /**
   * CSV file of ported numbers (携号转网), `msisdn,carrier` a line (src/config/mnp-file.ts): such a
   * recipient goes to the links of its current carrier. Reloaded on SIGHUP.
   */
  mnpFile: z.string().min(1).optional(),
  /**
   * The report port (12321): users text `举报` here to complain (docs/COMPLAINTS.md); reserved, no
   * provider may register it. Digits, as an MO's destination is compared with it exactly: a value
   * with a space or a `+` would match no MO, and complaints by SMS would silently stop.
   */
  reportPort: z.string().trim().regex(/^\d{3,21}$/, 'a port number: 3 to 21 digits, as an SMS is addressed to it (default 12321)').default('12321'),
  clock: z.enum(['system', 'simulated']).default('system'),
  smppHost: z.string().min(1).default('127.0.0.1'),
  smppPort: port.default(2775),
  /**
   * SMPP over TLS, on `smppHost` beside the plain `smppPort` (conventionally 3550; docs/SMPP.md "TLS").
   * Absent: no TLS listener. Needs `tlsCert` and `tlsKey`.
   */
  smppTlsPort: port.optional(),
  /** PEM file of the certificate (chain) the SMPP TLS port presents, leaf first. */
  tlsCert: z.string().min(1).optional(),
  /** PEM file of that certificate's private key (unencrypted: nobody is there to type a passphrase). */
  tlsKey: z.string().min(1).optional(),
  /**
   * Claimed batches (up to 1000 messages each) the delivery worker keeps out to the upstream at once
   * (without --queue). 1: a burst goes into the durable queue first and is delivered after; more keeps
   * the carrier link busier while submissions arrive, at the cost of accepting them more slowly
   * (docs/PERFORMANCE.md).
   */
  deliveryInFlight: int(1, 16).default(1),
  /** Receipts/MO a content provider's ESME has not taken are dropped after this many hours (docs/SMPP.md). */
  smppDeliveryMaxAgeHours: positive(8760).default(72),
  /**
   * Hours a message held for review (docs/CONTENT.md, review queue) waits for an operator when its
   * sender gave no validity of its own; then it expires (status `expired`, SMPP receipt EXPIRED).
   */
  reviewHoldMaxHours: positive(8760).default(72),
  /**
   * A web sign-in (src/app/web-sessions.ts) ends after this many hours without a page opened on it
   * (docs/COMPLAINTS.md, "Web pages"); at most `webSessionMaxHours`.
   */
  webSessionIdleHours: positive(8760).default(8),
  /** A web sign-in ends this many hours after it was opened, however much it is used (default 168: 7 days). */
  webSessionMaxHours: positive(8760).default(168),
  /**
   * A graceful stop (SIGTERM/SIGINT) first answers `GET /readyz` 503 `stopping` for this long, ms,
   * still serving everything, so a load balancer polling it stops sending before the listener closes
   * (docs/SCALING.md "Probes"); 0 (default): the stop begins at once.
   */
  stopDelayMs: int(0, 300_000).default(0),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Ed25519 private key that signs the records' monthly chain heads: PKCS#8 PEM, base64 PKCS#8 DER,
   * or `file:PATH`. Absent: `records-signing.key` beside the database, generated on first start.
   */
  recordsSigningKey: z.string().min(1).optional(),
  /**
   * Public keys (base64 SPKI) of retired head-signing keys whose heads still verify: comma- or
   * space-separated, or `file:PATH` (one per line). Absent: `records-trusted-keys` beside the
   * database when the signing key is the default one there (`smsguard records rotate-key` keeps it).
   */
  recordsTrustedKeys: z.string().min(1).optional(),
  // Tuning and benchmark settings of the SQLite store (SqliteTuning, src/store/sqlite/tuning.ts),
  // environment only; the store takes them at open (src/config/sqlite-tuning.ts) and reads no variable.
  /**
   * `PRAGMA synchronous` of the SQLite files: OFF, NORMAL (default), FULL or EXTRA (case ignored).
   * Checked here because a PRAGMA takes no bound parameter: the value went into its text as given.
   */
  sqliteSync: z.preprocess((v) => (typeof v === 'string' && (SQLITE_SYNCS as readonly string[]).includes(v.trim().toUpperCase()) ? v.trim().toUpperCase() : v), z.enum(SQLITE_SYNCS, { error: (i) => `must be one of ${SQLITE_SYNCS.join(', ')}, not ${JSON.stringify(i.input)}` })).default(DEFAULT_SQLITE_TUNING.sync),
  /** The WAL-buffering VFS where the native library is built (docs/PERFORMANCE.md): 1 (default) or 0. */
  walBuffer: onOff(DEFAULT_SQLITE_TUNING.walBuffer),
  /** The records writer's native append where built (docs/RECORDS.md): 1 (default) or 0. */
  nativeWrite: onOff(DEFAULT_SQLITE_TUNING.nativeWrite),
  /** `records verify`'s native link proof where built (docs/RECORDS.md): 1 (default) or 0. */
  nativeVerify: onOff(DEFAULT_SQLITE_TUNING.nativeVerify),
  /** The records thread (docs/RECORDS.md, "The records thread"): 0 (default) or 1. */
  recordsThread: onOff(DEFAULT_SQLITE_TUNING.recordsThread),
  /** How long the loop waits for the records thread's commit before giving the transaction up, ms. */
  recordsThreadTimeoutMs: int(100, 3_600_000).default(DEFAULT_SQLITE_TUNING.recordsThreadTimeoutMs),
  /** Threads `records verify` uses (default: the machine's cores). */
  verifyThreads: int(1, 256).optional(),
  /**
   * Worker threads (the SMPP client's, `records verify`'s) run an esbuild bundle of their entry (`on`,
   * default) or boot it through tsx (`off`: a test and diagnostic switch; src/runtime/worker-script.ts).
   */
  workerBundle: z.enum(['on', 'off'], { error: (i) => `must be on or off, not ${JSON.stringify(i.input)}` }).default('on'),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/**
 * A `--db` that is neither a postgres:// URL nor a file path a person would mean: another scheme
 * (`mysql://…`), or a PostgreSQL URL with a typo (`postgres//…`, `postgresql:/…`). Taken as a SQLite
 * path, `migrate` and `start` created folders and a new database named after the URL.
 */
export function dbProblem(db: string): string | null {
  if (/^postgres(ql)?:\/\//i.test(db)) return null;
  if (/^postgres(ql)?[:/]/i.test(db)) return `${db.replace(/:[^:@/]+@/, ':***@')}: not a PostgreSQL URL (postgres://user@host:port/database); a SQLite file is a path`;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(db);
  if (scheme) return `${scheme[1]}://…: not a database smsguard opens: a SQLite file path, or postgres://…`;
  return null;
}

/** `httpPort` → `--http-port` (every flag of `smsguard start` is its key so written). */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** `httpPort` → `SMSGUARD_HTTP_PORT`. */
export function envName(key: string): string {
  return `SMSGUARD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** The shortest `SMSGUARD_ADMIN_TOKEN` taken without a warning: the generated ones are 47 characters. */
export const ADMIN_TOKEN_MIN = 16;

/**
 * What makes a `SMSGUARD_ADMIN_TOKEN` unusable (null: nothing, or unset/empty, which generates one).
 * A secret with a space or a Chinese character started the gateway ("admin token from
 * SMSGUARD_ADMIN_TOKEN") and then could never be sent (`Authorization: Bearer <token>` is one run of
 * visible ASCII), so every request with it was a 401: refused at start. Never repeats the value.
 */
export function adminTokenProblem(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const bad = [...value].findIndex((c) => c < '!' || c > '~');
  if (bad >= 0) return `SMSGUARD_ADMIN_TOKEN: character ${bad + 1} is a space, a control character or not ASCII; the token is sent as "Authorization: Bearer <token>", one run of visible ASCII characters, so it could never be used (e.g. openssl rand -base64 32)`;
  return null;
}

/**
 * A usable `SMSGUARD_ADMIN_TOKEN` too short to keep the admin's door shut (`abc`): warned at start,
 * not refused, since the operator chose it (a test rig, a demo) and the variable's contract is that it
 * is taken. Never repeats the value.
 */
export function adminTokenWeakness(value: string | undefined): string | null {
  if (value === undefined || value === '' || adminTokenProblem(value) !== null || value.length >= ADMIN_TOKEN_MIN) return null;
  return `SMSGUARD_ADMIN_TOKEN has ${value.length} characters, too short to keep the admin's door shut on a reachable gateway; give at least ${ADMIN_TOKEN_MIN} (e.g. openssl rand -base64 32), or unset it to have one generated`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Where a setting's value came from: a flag (`name` as typed, `--http-port`), an environment variable
 * (`SMSGUARD_HTTP_PORT`, or `DATABASE_URL` for `db`), or the schema's default (`value`, or none when
 * the setting is optional and unset). Carried from the merge to the problems and past the freeze
 * (settingLabel), so an error names what the operator typed: it named the variable for every
 * setting, and `--http-port 99999` read as if SMSGUARD_HTTP_PORT were wrong.
 */
export type SettingSource =
  | { kind: 'flag'; name: string }
  | { kind: 'env'; name: string }
  | { kind: 'default'; value?: unknown };

/** What a problem line puts in parentheses after the key: `--http-port`, `SMSGUARD_HTTP_PORT`, `default 2775`, `not set`. */
export function sourceLabel(source: SettingSource): string {
  if (source.kind !== 'default') return source.name;
  return source.value === undefined ? 'not set' : `default ${typeof source.value === 'string' ? source.value : JSON.stringify(source.value)}`;
}

/** Each configuration's sources, kept beside the frozen object (Config stays the schema's shape). */
const SOURCES = new WeakMap<object, Readonly<Record<string, SettingSource>>>();

/** Where `config`'s `key` came from (the default when the configuration was not made by loadConfig). */
export function settingSource(config: Config, key: keyof Config & string): SettingSource {
  return SOURCES.get(config)?.[key] ?? { kind: 'default', value: (config as Record<string, unknown>)[key] };
}

/** `key (source)` as a problem line begins: `httpPort (--http-port)`, `queue (SMSGUARD_QUEUE)`, `role (default all)`. */
export function settingLabel(config: Config, key: keyof Config & string): string {
  return `${key} (${sourceLabel(settingSource(config, key))})`;
}

/** The flag or variable the operator typed for `key` (`--upstream-file`, `SMSGUARD_MNP_FILE`); undefined for a default. */
export function settingFrom(config: Config, key: keyof Config & string): string | undefined {
  const s = settingSource(config, key);
  return s.kind === 'default' ? undefined : s.name;
}

/**
 * A listener that could not open, as a problem line: both settings with where each came from, then
 * the address tried (`httpHost (default 127.0.0.1) / httpPort (--http-port): 127.0.0.1:8080: address in
 * use (EADDRINUSE)`). It said `http-host / http-port: …`, names that are neither the flag nor the
 * variable the operator typed.
 */
export function listenLine(config: Config, hostKey: 'httpHost' | 'smppHost', portKey: 'httpPort' | 'smppPort' | 'smppTlsPort', port: number, problem: string): string {
  return `${settingLabel(config, hostKey)} / ${settingLabel(config, portKey)}: ${config[hostKey]}:${port}: ${problem}`;
}

/**
 * An upstream link's problem at start (the SMPP client's URL parsing and TLS files say `upstream: …`)
 * as a problem line naming where the links came from: `upstream (--upstream): window=abc is …`, or
 * `upstreamFile (SMSGUARD_UPSTREAM_FILE): link a: ca=…` when the file gave them (it wins over `upstream`).
 * Any other message is said as the upstream's and the SMPP port's, each named as typed.
 */
export function upstreamLine(config: Config, message: string): string {
  const key = config.upstreamFile ? 'upstreamFile' : 'upstream';
  if (message.startsWith('upstream: ')) return `${settingLabel(config, key)}: ${message.slice('upstream: '.length)}`;
  return `${settingLabel(config, key)} / ${settingLabel(config, 'smppPort')}: ${message}`;
}

/**
 * The SMPP TLS settings go together: a TLS port without a certificate and key cannot listen, and a
 * certificate without a TLS port is a listener the operator expected and will not get.
 */
function tlsProblems(raw: Record<string, unknown>, label: (k: string) => string): string[] {
  const out: string[] = [];
  const has = (k: string) => raw[k] !== undefined;
  if (has('smppTlsPort')) {
    for (const k of ['tlsCert', 'tlsKey']) {
      if (!has(k)) out.push(`${label(k)}: required with ${label('smppTlsPort')}: give ${flagName(k)} PATH or ${envName(k)}=PATH, a PEM file`);
    }
    const tlsPort = Number(raw.smppTlsPort);
    if (tlsPort !== 0 && tlsPort === Number(raw.smppPort ?? 2775)) out.push(`${label('smppTlsPort')}: ${tlsPort} is the plain SMPP port too, ${label('smppPort')}; give TLS its own (conventionally 3550)`);
  } else {
    for (const k of ['tlsCert', 'tlsKey']) if (has(k)) out.push(`${label(k)}: only used with smppTlsPort (${flagName('smppTlsPort')} or ${envName('smppTlsPort')}), which is not set`);
  }
  return out;
}

/**
 * Merges flags over environment over defaults, validates, freezes. Throws ConfigError listing every
 * problem, each naming its setting and where the value came from (SettingSource).
 */
export function loadConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const e = env[envName(key)];
    if (e !== undefined && e !== '') {
      raw[key] = e;
      sources[key] = { kind: 'env', name: envName(key) };
    }
    if (flags[key] !== undefined) {
      raw[key] = flags[key];
      sources[key] = { kind: 'flag', name: flagName(key) };
    }
  }
  // The conventional variable for a PostgreSQL URL, below SMSGUARD_DB and --db.
  if (raw.db === undefined && env.DATABASE_URL) {
    raw.db = env.DATABASE_URL;
    sources.db = { kind: 'env', name: 'DATABASE_URL' };
  }
  const r = ConfigSchema.safeParse(raw);
  const shape = ConfigSchema.shape as Record<string, z.ZodType>;
  for (const key of Object.keys(shape)) {
    if (!sources[key]) sources[key] = { kind: 'default', value: shape[key]!.safeParse(undefined).data };
  }
  const label = (key: string) => `${key} (${sourceLabel(sources[key] ?? { kind: 'default' })})`;
  const problems = r.success ? [] : r.error.issues.map((i) => {
    const key = String(i.path[0] ?? '');
    const rest = i.path.slice(1).join('.');
    return `${key ? label(key) : '(root)'}${rest ? ` ${rest}` : ''}: ${i.message}`;
  });
  // The overrides are checked against the profile in force (or the default one when --profile is
  // itself wrong), and reported with the other problems: applied unchecked, a misspelt parameter
  // stopped `start` with a stack trace and a mistyped value started a gateway that misjudged.
  // Each line says which profile that was and why (since 2026-12-07): with no --profile the operator
  // may not know the default was used, and `not a parameter` read as if the profile were at fault.
  const given = PROFILE_IDS.includes(raw.profile as ProfileId);
  const profile = (r.success ? r.data.profile : given ? raw.profile : DEFAULT_PROFILE) as ProfileId;
  const profileSource = sources.profile ?? { kind: 'default' };
  const against = profileSource.kind === 'default'
    ? ` (checked against ${profile}, the default profile: neither ${flagName('profile')} nor ${envName('profile')} was given)`
    : given ? ` (checked against ${profile}, ${label('profile')})`
    : ` (checked against ${profile}, the default profile, ${label('profile')} not being one)`;
  let overrides: unknown;
  try {
    overrides = JSON.parse(String(raw.profileOverrides ?? '{}'));
  } catch (e) {
    problems.push(`${label('profileOverrides')}: not JSON: ${(e as Error).message}`);
  }
  if (overrides !== undefined) for (const p of overrideProblems(profile, overrides)) problems.push(`${label('profileOverrides')}: ${p}${against}`);
  problems.push(...tlsProblems(raw, label));
  // an idle limit past the absolute one would never apply: the operator meant something else
  if (r.success && r.data.webSessionIdleHours > r.data.webSessionMaxHours) {
    problems.push(`${label('webSessionIdleHours')}: ${r.data.webSessionIdleHours} hours idle is longer than a sign-in may last at all (${label('webSessionMaxHours')}: ${r.data.webSessionMaxHours}); give at most that, or raise webSessionMaxHours`);
  }
  if (!r.success || problems.length) throw new ConfigError(problems);
  const config = Object.freeze(r.data);
  SOURCES.set(config, Object.freeze(sources));
  return config;
}

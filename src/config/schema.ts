/**
 * The one configuration schema. Values come from CLI flags, then environment variables whose names
 * derive from the key (`httpPort` → `SMSGUARD_HTTP_PORT`), then defaults. Validated once (every
 * problem reported together), then frozen.
 */
import { z } from 'zod';
import { PROFILE_IDS } from '../profiles/index.js';

const port = z.coerce.number().int().min(0).max(65535);

export const ConfigSchema = z.object({
  httpHost: z.string().min(1).default('127.0.0.1'),
  httpPort: port.default(8080),
  /** SQLite file path, or a postgres:// URL once the PostgreSQL store lands. */
  db: z.string().min(1).default('./var/smsguard.db'),
  profile: z.enum(PROFILE_IDS as [string, ...string[]]).default('cn-2015'),
  /** JSON object of profile parameter overrides, e.g. {"maxLength":300}. */
  profileOverrides: z.string().default('{}'),
  upstream: z.string().min(1).default('simulator'),
  clock: z.enum(['system', 'simulated']).default('system'),
  smppHost: z.string().min(1).default('127.0.0.1'),
  smppPort: port.default(2775),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Ed25519 private key that signs the records' monthly chain heads: PKCS#8 PEM, base64 PKCS#8 DER,
   * or `file:PATH`. Absent: `records-signing.key` beside the database, generated on first start.
   */
  recordsSigningKey: z.string().min(1).optional(),
  /**
   * Ed25519 private key that signs the records' monthly chain heads: PKCS#8 PEM, base64 PKCS#8 DER,
   * or `file:PATH`. Absent: `records-signing.key` beside the database, generated on first start.
   */
  recordsSigningKey: z.string().min(1).optional(),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** `httpPort` → `SMSGUARD_HTTP_PORT`. */
export function envName(key: string): string {
  return `SMSGUARD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Merges flags over environment over defaults, validates, freezes. Throws ConfigError listing every problem. */
export function loadConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const e = env[envName(key)];
    if (e !== undefined && e !== '') raw[key] = e;
    if (flags[key] !== undefined) raw[key] = flags[key];
  }
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(root)'} (${envName(String(i.path[0] ?? ''))}): ${i.message}`));
  }
  try {
    const o = JSON.parse(r.data.profileOverrides);
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('must be a JSON object');
  } catch (e) {
    throw new ConfigError([`profileOverrides (${envName('profileOverrides')}): ${(e as Error).message}`]);
  }
  return Object.freeze(r.data);
}

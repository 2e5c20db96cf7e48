/**
 * Tokens and API keys: 32 random bytes, shown once, stored as SHA-256. A fast hash is right here
 * because the secrets are high-entropy (no dictionary to guess from); passwords chosen by people
 * (SMPP) use scrypt instead.
 */
import { hash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Run on every authenticated request: the one-shot `crypto.hash` is ~3× cheaper than a Hash object. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** scrypt hash for human-chosen passwords: `scrypt$<salt>$<hash>`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const h = scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${h.toString('base64url')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [alg, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const h = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(h, expected);
}

/**
 * The revocation notice on `<prefix>.evt.revoked` (subjects.ts): `{ origin, ev }`, where `ev` is the
 * app's `secretRevoked` event and `origin` the sender (a process drops its own notices). Written and
 * read here only: by the bus roles of a running process (roles.ts), and by a command that revokes a
 * secret outside any process (`smsguard token revoke`, src/cli/tokens.ts), which connects just long
 * enough to publish it ({@link announceRevoked}).
 */
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { SecretRevoked } from '../app/context.js';
import { natsServers } from './nats.js';
import { queueNames } from './subjects.js';

/** Publishes one notice (core NATS, at most once: the store stays the truth). */
export function publishRevoked(nc: NatsConnection, subject: string, origin: string, ev: SecretRevoked): void {
  nc.publish(subject, JSON.stringify({ origin, ev: { kind: ev.kind, id: ev.id } }));
}

/** A received notice: the sender and the event, or null for anything malformed. */
export function parseRevoked(m: { json<T>(): T }): { origin: unknown; ev: SecretRevoked } | null {
  let notice: { origin?: unknown; ev?: { kind?: unknown; id?: unknown } };
  try {
    notice = m.json();
  } catch {
    return null;
  }
  const ev = notice?.ev;
  if (!ev || (ev.kind !== 'token' && ev.kind !== 'smpp-credential') || typeof ev.id !== 'string') return null;
  return { origin: notice.origin, ev: { kind: ev.kind, id: ev.id } };
}

/** How long a command waits for NATS before giving up on the notice. */
export const ANNOUNCE_TIMEOUT_MS = 2000;

/**
 * Tells every process on the bus (`url`, `prefix`: what `smsguard start` reads, --queue and
 * --queue-prefix) of revocations already recorded: connects (at most `timeoutMs`, no retry), publishes,
 * waits for the server to have them (flush), closes. Throws when NATS cannot be reached in time.
 */
export async function announceRevoked(url: string, prefix: string, events: readonly SecretRevoked[], timeoutMs = ANNOUNCE_TIMEOUT_MS): Promise<void> {
  const subject = queueNames(prefix).revoked;
  const origin = `cli_${process.pid}_${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  const nc = await connect({ servers: natsServers(url), name: `smsguard-cli-${process.pid}`, timeout: timeoutMs, maxReconnectAttempts: 0, reconnect: false });
  try {
    for (const ev of events) publishRevoked(nc, subject, origin, ev);
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(1, deadline - Date.now());
    await Promise.race([
      nc.flush(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from NATS within ${timeoutMs} ms`)), left);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await nc.close().catch(() => undefined);
  }
}

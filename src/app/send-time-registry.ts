/**
 * The registry half of the send-time check (send-time-check.ts): a queued message whose signature an
 * operator revoked, or whose port was retired (or registered to another provider), after it was
 * accepted is stopped for good, `rejected` with the rule a new submission would fail
 * (sender.signature, sender.port-exists, sender.port-owned). Every type, not only commercial: the
 * right to the brand or the number is gone for a queued verification code too, and a scheduled
 * notification may wait days. Only a change made after the message was accepted stops it, so what
 * the gateway itself writes later on the provider's behalf (the free confirmation of a refusal sent
 * to a retired port: receive-mo.ts) still goes.
 *
 * Read per batch: one port look-up per distinct sending number and one signature list per distinct
 * provider (SQLite caches ports; PostgreSQL reads them, so a change binds every process at once).
 */
import type { OutboundMessage, PortRow, StatusUpdate } from '../ports/store.js';
import type { ErrorCode } from '../domain/errors.js';
import type { AppContext } from './context.js';
import { leadingSignature } from '../domain/signature.js';

const iso = (t: number) => new Date(t).toISOString();

/** Splits `batch` into what may still go and what the registry now stops (see the module comment). */
export async function registryStops(ctx: Pick<AppContext, 'store' | 'profile'>, batch: readonly OutboundMessage[], now: number): Promise<{ live: OutboundMessage[]; stopped: StatusUpdate[] }> {
  if (batch.length === 0) return { live: [], stopped: [] };
  const ports = new Map<string, PortRow | null>();
  const revoked = new Map<string, Map<string, number>>();
  for (const m of batch) {
    if (!ports.has(m.from)) ports.set(m.from, await ctx.store.directory.getPort(m.from));
    if (!revoked.has(m.contentProviderId)) {
      const sigs = await ctx.store.directory.listSignatures(m.contentProviderId);
      // A text this provider held, lost, and was given again (a new row each time): the latest
      // revocation stops whatever was accepted before it; the standing row does not undo it.
      const latest = new Map<string, number>();
      for (const s of sigs) if (s.revokedAt != null && s.revokedAt > (latest.get(s.signature) ?? -Infinity)) latest.set(s.signature, s.revokedAt);
      revoked.set(m.contentProviderId, latest);
    }
  }
  const stop = (m: OutboundMessage, code: ErrorCode, rule: string, detail: string): StatusUpdate => ({
    id: m.id, status: 'rejected', at: now, detail,
    rejection: { code, rule, article: ctx.profile.rules[rule]?.article ?? '', profile: ctx.profile.id },
  });
  const live: OutboundMessage[] = [];
  const stopped: StatusUpdate[] = [];
  for (const m of batch) {
    const port = ports.get(m.from);
    const sig = leadingSignature(m.text);
    const sigRevoked = sig === null ? undefined : revoked.get(m.contentProviderId)!.get(sig);
    if (port && port.retiredAt != null && port.retiredAt > m.submittedAt) {
      stopped.push(stop(m, 'unknown_port', 'sender.port-exists', `port ${m.from} was retired on ${iso(port.retiredAt)}, after the message was accepted`));
    } else if (port && port.ownerId !== m.contentProviderId && port.createdAt > m.submittedAt) {
      stopped.push(stop(m, 'port_not_owned', 'sender.port-owned', `port ${m.from} was registered to another content provider on ${iso(port.createdAt)}, after the message was accepted`));
    } else if (sigRevoked !== undefined && sigRevoked > m.submittedAt) {
      stopped.push(stop(m, 'signature_unregistered', 'sender.signature', `signature ${sig} was revoked on ${iso(sigRevoked)}, after the message was accepted`));
    } else live.push(m);
  }
  return { live, stopped };
}

/**
 * The carrier links as an operator sees them (`GET /v1/upstream-links`, `/web/links`): admin only,
 * since a link's host, system_id and traffic are the operator's business, not a provider's or a
 * regulator's. The figures come from the SMPP client (UpstreamLinkSource), read on request.
 */
import type { UpstreamLinkControl, UpstreamLinkSource, UpstreamLinkStatus } from '../ports/upstream-links.js';
import { SmsguardError } from '../domain/errors.js';
import { requireRole } from './access.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';

/** What the route and the page show. */
export interface UpstreamLinksView {
  /**
   * False on a process that holds no upstream links (`--role ingress`: egress processes send); the
   * list is then empty, which does not mean the gateway has no links.
   */
  egress: boolean;
  links: UpstreamLinkStatus[];
  /** When the figures were read (ms since the epoch); null without links here. */
  at: number | null;
  /** The client's thread did not answer in time: the figures are its last (UpstreamLinksSnapshot.stale). */
  stale: boolean;
}

/** How long a request waits for the client's thread before answering with what it has. */
export const LINK_STATUS_WAIT_MS = 1000;

export async function upstreamLinks(p: Principal, source: UpstreamLinkSource | null): Promise<UpstreamLinksView> {
  requireRole(p, 'admin');
  if (!source) return { egress: false, links: [], at: null, stale: false };
  const s = await source.linkStatus(LINK_STATUS_WAIT_MS);
  return { egress: true, links: s.links, at: s.at, stale: s.stale };
}

/**
 * An operator takes a carrier link out of service (`stop`) or puts it back (`start`), at run time:
 * Kannel's stop-smsc/start-smsc, Jasmin's `smppccm -0/-1`. A stopped link takes no new submit at
 * once (routing fails over to the other links that carry the recipient, as when it is down), its
 * in-flight submits are answered or time out, then it unbinds and stays unbound until started.
 * Messages no link is left for wait in the queue. Process-local: a restart starts every link again.
 * Idempotent (a second stop answers with the link as it is); every act is an audit record with the
 * operator's token id, `changed` saying whether it did anything.
 */
export async function controlUpstreamLink(
  ctx: AppContext, p: Principal, source: UpstreamLinkControl | null, name: string, act: 'stop' | 'start',
): Promise<UpstreamLinkStatus> {
  requireRole(p, 'admin');
  // an ingress process holds no links: the egress processes do (GET /v1/upstream-links says egress false)
  if (!source) throw new SmsguardError('not_found', `no upstream link ${name} on this process (it holds no links: --role ingress)`);
  const at = ctx.clock.now();
  const r = act === 'stop' ? await source.stopLink(name, p.actorId, at, LINK_STATUS_WAIT_MS) : await source.startLink(name, LINK_STATUS_WAIT_MS);
  if (!r.ok) {
    if (r.reason === 'unknown_link') throw new SmsguardError('not_found', `no upstream link ${name}`);
    throw new SmsguardError('upstream_unavailable', `the SMPP client's thread did not answer the ${act} of link ${name} in time; it may still act: look at GET /v1/upstream-links`);
  }
  await ctx.store.records.appendAudit(at, p.actorId, `upstream_link.${act}`, { link: name, host: r.status.host, port: r.status.port, changed: r.changed });
  return r.status;
}

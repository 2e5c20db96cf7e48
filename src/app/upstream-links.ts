/**
 * The carrier links as an operator sees them (`GET /v1/upstream-links`, `/web/links`): admin only,
 * since a link's host, system_id and traffic are the operator's business, not a provider's or a
 * regulator's. The figures come from the SMPP client (UpstreamLinkSource), read on request.
 */
import type { UpstreamLinkSource, UpstreamLinkStatus } from '../ports/upstream-links.js';
import { requireRole } from './access.js';
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

/**
 * The carrier links as an operator sees them (`GET /v1/upstream-links`, `/web/links`): admin only,
 * since a link's host, system_id and traffic are the operator's business, not a provider's or a
 * regulator's. The figures come from the SMPP client (UpstreamLinkSource), read on request.
 */
import type { UpstreamLinkControl, UpstreamLinkFleet, UpstreamLinkSource, UpstreamLinkStatus } from '../ports/upstream-links.js';
import { SmsguardError } from '../domain/errors.js';
import { requireRole, requireRoleIn, ROLES } from './access.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';

/** What the route and the page show. */
export interface UpstreamLinksView {
  /**
   * False on a process that holds no upstream links (`--role ingress`: egress processes send); the
   * list is then empty, which does not mean the gateway has no links.
   */
  egress: boolean;
  /** In scale-out (AppContext.linkFleet) every egress process's links, each tagged with its process. */
  links: (UpstreamLinkStatus & { process?: string })[];
  /** When the figures were read (ms since the epoch); null without links here. */
  at: number | null;
  /** The client's thread did not answer in time: the figures are its last (UpstreamLinksSnapshot.stale). */
  stale: boolean;
}

/** How long a request waits for the client's thread before answering with what it has. */
export const LINK_STATUS_WAIT_MS = 1000;

/**
 * How long a request waits for the egress processes over the bus (scale-out): the first answer
 * within it, then while they keep coming (src/queue/link-control.ts).
 */
export const LINK_BUS_WAIT_MS = 2000;

export async function upstreamLinks(p: Principal, source: UpstreamLinkSource | null, fleet?: UpstreamLinkFleet): Promise<UpstreamLinksView> {
  requireRole(p, 'admin');
  if (fleet) {
    // scale-out: the links are the egress processes', whichever process is asked
    const answers = await fleet.linkStatus(LINK_BUS_WAIT_MS);
    if (answers.length > 0) {
      return {
        egress: true,
        // an egress process of an earlier version says nothing of `carrier` (the schema requires it)
        links: answers.flatMap((a) => a.snapshot.links.map((l) => ({ ...l, carrier: l.carrier ?? null, process: a.process }))),
        at: Math.max(...answers.map((a) => a.snapshot.at)),
        stale: answers.some((a) => a.snapshot.stale),
      };
    }
    // nobody answered (NATS out of reach): this process's own links if it has any, else nothing
    if (!source) return { egress: false, links: [], at: null, stale: true };
  }
  if (!source) return { egress: false, links: [], at: null, stale: false };
  const s = await source.linkStatus(LINK_STATUS_WAIT_MS);
  return { egress: true, links: s.links, at: s.at, stale: s.stale };
}

/** One egress process's answer to a stop or start (scale-out). */
export type ProcessLinkAnswer =
  | { process: string; state: UpstreamLinkStatus['state']; changed: boolean }
  | { process: string; error: 'unknown_link' | 'no_answer' };

/**
 * An operator takes a carrier link out of service (`stop`) or puts it back (`start`), at run time:
 * Kannel's stop-smsc/start-smsc, Jasmin's `smppccm -0/-1`. A stopped link takes no new submit at
 * once (routing fails over to the other links that carry the recipient, as when it is down), its
 * in-flight submits are answered or time out, then it unbinds and stays unbound until started.
 * Messages no link is left for wait in the queue. On one process, process-local: a restart starts
 * every link again. In scale-out (AppContext.linkFleet) the act goes to every egress process over
 * the bus and is kept there for those started later; the answer is the link's status at the first
 * process holding it, with every process's answer in `processes`. Idempotent (a second stop
 * answers with the link as it is); every act is an audit record with the operator's token id,
 * `changed` saying whether it did anything (at any process, on the bus).
 */
export async function controlUpstreamLink(
  ctx: AppContext, p: Principal, source: UpstreamLinkControl | null, name: string, act: 'stop' | 'start',
): Promise<UpstreamLinkStatus & { processes?: ProcessLinkAnswer[] }> {
  requireRoleIn(p, ROLES.controlUpstreamLink);
  if (ctx.linkFleet) return controlOnBus(ctx, ctx.linkFleet, p, name, act);
  // an ingress process holds no links: the egress processes do (GET /v1/upstream-links says egress false)
  if (!source) throw new SmsguardError('not_found', `no upstream link ${name} on this process (it holds no links: --role ingress)`, {}, undefined, { id: 'link_not_found', params: { name } });
  const at = ctx.clock.now();
  const r = act === 'stop' ? await source.stopLink(name, p.actorId, at, LINK_STATUS_WAIT_MS) : await source.startLink(name, LINK_STATUS_WAIT_MS);
  if (!r.ok) {
    if (r.reason === 'unknown_link') throw new SmsguardError('not_found', `no upstream link ${name}`, {}, undefined, { id: 'link_not_found', params: { name } });
    throw new SmsguardError('upstream_unavailable', `the SMPP client's thread did not answer the ${act} of link ${name} in time; it may still act: look at GET /v1/upstream-links`);
  }
  await ctx.store.records.appendAudit(at, p.actorId, `upstream_link.${act}`, { link: name, host: r.status.host, port: r.status.port, changed: r.changed });
  return r.status;
}

/** The act at every egress process; the audit record written here, once, for all of them. */
async function controlOnBus(ctx: AppContext, fleet: UpstreamLinkFleet, p: Principal, name: string, act: 'stop' | 'start'): Promise<UpstreamLinkStatus & { processes: ProcessLinkAnswer[] }> {
  const at = ctx.clock.now();
  const answers = await fleet.controlLink(name, act, p.actorId, at, LINK_BUS_WAIT_MS);
  if (answers.length === 0) {
    throw new SmsguardError('upstream_unavailable', `no egress process answered the ${act} of link ${name} within ${LINK_BUS_WAIT_MS} ms; it is kept for the egress processes that start, and may still act: look at GET /v1/upstream-links`);
  }
  const processes: ProcessLinkAnswer[] = answers.map((a) => (a.result.ok
    ? { process: a.process, state: a.result.status.state, changed: a.result.changed }
    : { process: a.process, error: a.result.reason }));
  const held = answers.flatMap((a) => (a.result.ok ? [a.result] : []));
  if (held.length === 0) {
    if (answers.every((a) => !a.result.ok && a.result.reason === 'unknown_link')) throw new SmsguardError('not_found', `no upstream link ${name} on any egress process`, {}, undefined, { id: 'link_not_found', params: { name } });
    throw new SmsguardError('upstream_unavailable', `no egress process holding link ${name} answered the ${act} in time; it may still act: look at GET /v1/upstream-links`);
  }
  const first = held[0].status;
  await ctx.store.records.appendAudit(at, p.actorId, `upstream_link.${act}`, {
    link: name, host: first.host, port: first.port, changed: held.some((r) => r.changed), processes,
  });
  return { ...first, processes };
}

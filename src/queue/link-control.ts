/**
 * An operator's stop and start of a carrier link, and the listing of the links, across processes.
 * In scale-out the egress processes hold the links and the API process that takes
 * `POST /v1/upstream-links/{name}/stop|start` or `GET /v1/upstream-links` has none; and a link of
 * one name is held by every egress process (each binds its own session). So the asking process
 * asks on `<prefix>.cmd.link-control` or `<prefix>.cmd.link-status` (NATS request, many replies:
 * every egress process subscribed, its own included in role `all`), and every egress process
 * answers, with the link's status after the act or `unknown_link`, tagged with its worker's member
 * id; the asker gathers the answers that come within the wait (the first within it, then while they
 * keep coming: ANSWER_STALL_MS). Unlike take-back, nobody stays silent: the asker cannot count the
 * egress processes, and an `unknown_link` from all of them is a 404 where silence is a 503.
 *
 * A stop lasts for the deployment, not for the processes that heard it: the stops in force are
 * kept on the bus, one JetStream subject per link (`<prefix>.links.<hex of name>`, the last
 * message only: a stop, or a start that ends it), and an egress process reads them before its SMPP
 * client starts, so a stopped link never binds (readLinkStops), and applies them again once
 * subscribed, before its worker takes any message (applyLinkStops: a stop between the two), so a
 * process started after the stop comes up with the link stopped. Kept on NATS rather than in PostgreSQL: it is the bus's own state (the
 * same prefix, removed with it), and needs no migration in a store where only scale-out reads it.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { natsServers, type Bus } from './nats.js';
import { queueNames } from './subjects.js';
import type {
  ProcessLinkControl, ProcessLinkStatus, UpstreamLinkControl, UpstreamLinkControlResult, UpstreamLinkFleet,
  UpstreamLinkSource, UpstreamLinksSnapshot,
} from '../ports/upstream-links.js';

/** After an answer, how long the asker waits for another before it answers with those it has. */
export const ANSWER_STALL_MS = 500;

/** What an egress process answers for: its links (the SMPP client, in process or on its thread). */
export type LinkHolder = UpstreamLinkSource & UpstreamLinkControl;

interface ControlAsk {
  name: string;
  act: 'stop' | 'start';
  by: string;
  at: number;
  waitMs: number;
}

/** A stop in force, as kept on the bus; `stopped: false` is a start that ended it. */
interface KeptStop {
  name: string;
  stopped: boolean;
  by: string;
  at: number;
}

const linkSubjects = (bus: Bus) => `${bus.names.prefix}.links.*`;
const linkStream = (bus: Pick<Bus, 'names'>) => bus.names.linkStream;
const controlSubject = (bus: Bus) => bus.names.linkControl;
const statusSubject = (bus: Bus) => bus.names.linkStatus;
const linkSubject = (bus: Bus, name: string) => bus.names.linkStop(name);

/** Declares the stream of stops in force (idempotent: every process declares it at start). */
async function declareStops(bus: Bus): Promise<void> {
  const name = linkStream(bus);
  try {
    await bus.jsm.streams.info(name);
  } catch {
    try {
      await bus.jsm.streams.add({ name, subjects: [linkSubjects(bus)], retention: RetentionPolicy.Limits, storage: StorageType.File, max_msgs_per_subject: 1 });
    } catch (e) {
      if (!/already in use|exists/i.test((e as Error).message)) throw e;
    }
  }
}

/** Records a stop (or the start that ends it) for the processes that start later. */
async function keepStop(bus: Bus, s: KeptStop): Promise<void> {
  await declareStops(bus);
  await bus.js.publish(linkSubject(bus, s.name), JSON.stringify(s));
}

/** The stops in force: the last message of each link's subject, those saying stopped. */
export async function stopsInForce(bus: Pick<Bus, 'js' | 'jsm' | 'names'>): Promise<KeptStop[]> {
  const stream = linkStream(bus);
  // never declared here: a deployment whose links were never stopped has no stream to leave behind
  const info = await bus.jsm.streams.info(stream).catch(() => null);
  if (!info || info.state.messages === 0) return [];
  const c = await bus.js.consumers.get(stream, { deliver_policy: DeliverPolicy.LastPerSubject });
  const out: KeptStop[] = [];
  const msgs = await c.fetch({ max_messages: info.state.messages, expires: 2000 });
  for await (const m of msgs) {
    const s = m.json<Partial<KeptStop>>();
    if (s.stopped === true && typeof s.name === 'string' && typeof s.by === 'string' && typeof s.at === 'number') out.push({ name: s.name, stopped: true, by: s.by, at: s.at });
    if (m.info.pending === 0) break;
  }
  return out;
}

/**
 * The stops in force, read before the SMPP client starts (src/main.ts, compose heldLinks) so that a
 * stopped link never binds: a connection of its own, closed after. NATS out of reach: none (the bus
 * roles' start reports it, and applyLinkStops applies them once it is reached).
 */
export async function readLinkStops(url: string, prefix?: string): Promise<KeptStop[]> {
  let nc: NatsConnection | null = null;
  try {
    nc = await connect({ servers: natsServers(url), name: `smsguard-link-stops-${process.pid}`, timeout: 2000 });
    return await stopsInForce({ js: jetstream(nc), jsm: await jetstreamManager(nc), names: queueNames(prefix) });
  } catch {
    return [];
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

/**
 * At an egress process's start, before its worker takes any message: the links stopped for the
 * deployment are stopped here too. A link this process does not hold is passed over.
 */
export async function applyLinkStops(bus: Bus, links: LinkHolder): Promise<string[]> {
  const applied: string[] = [];
  for (const s of await stopsInForce(bus)) {
    const r = await links.stopLink(s.name, s.by, s.at);
    if (r.ok) applied.push(s.name);
  }
  return applied;
}

function askIn(a: unknown): ControlAsk | null {
  const q = a as Partial<ControlAsk> | null;
  if (typeof q?.name !== 'string' || (q.act !== 'stop' && q.act !== 'start') || typeof q.by !== 'string') return null;
  if (typeof q.at !== 'number' || typeof q.waitMs !== 'number' || !Number.isFinite(q.waitMs)) return null;
  return { name: q.name, act: q.act, by: q.by, at: q.at, waitMs: q.waitMs };
}

/**
 * Answers the stops, starts and listings for this egress process's links (`process`: its worker's
 * member id, which the answers carry). Returns the unsubscribe.
 */
export function serveLinkControl(bus: Bus, process: string, links: LinkHolder): () => void {
  const control = bus.nc.subscribe(controlSubject(bus), {
    callback: (err, m) => {
      if (err) return;
      let ask: ControlAsk | null;
      try {
        ask = askIn(m.json<unknown>());
      } catch {
        return; // not ours to understand
      }
      if (!ask) return;
      const wait = Math.max(0, ask.waitMs - ANSWER_STALL_MS);
      const acted = ask.act === 'stop' ? links.stopLink(ask.name, ask.by, ask.at, wait) : links.startLink(ask.name, wait);
      void acted.catch((): UpstreamLinkControlResult => ({ ok: false, reason: 'no_answer' }))
        .then((result) => m.respond(JSON.stringify({ process, result } satisfies ProcessLinkControl)));
    },
  });
  const status = bus.nc.subscribe(statusSubject(bus), {
    callback: (err, m) => {
      if (err) return;
      let waitMs = 1000;
      try {
        const w = m.json<{ waitMs?: unknown }>().waitMs;
        if (typeof w === 'number' && Number.isFinite(w)) waitMs = w;
      } catch {
        return;
      }
      void links.linkStatus(Math.max(0, waitMs - ANSWER_STALL_MS))
        .then((snapshot) => m.respond(JSON.stringify({ process, snapshot } satisfies ProcessLinkStatus)));
    },
  });
  return () => {
    control.unsubscribe();
    status.unsubscribe();
  };
}

/** Every answer within `waitMs` (then while they keep coming); none, no egress process or the connection down: empty. */
async function gather(bus: Bus, subject: string, body: unknown, waitMs: number): Promise<unknown[]> {
  const out: unknown[] = [];
  try {
    const replies = await bus.nc.requestMany(subject, JSON.stringify(body), { strategy: 'stall', maxWait: waitMs, stall: ANSWER_STALL_MS });
    for await (const r of replies) {
      try {
        out.push(r.json<unknown>());
      } catch {
        // an answer this process cannot read: as if it had not come
      }
    }
  } catch {
    // no responders, the connection down: what came so far
  }
  return out;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/**
 * AppContext.linkFleet on the bus. A stop or start is kept for later processes once an egress
 * process holds the link, or none answered (it may still act, as the 503 says): a name no egress
 * process knows is not kept.
 */
export function busLinkFleet(bus: Bus): UpstreamLinkFleet {
  return {
    async linkStatus(waitMs) {
      const answers = await gather(bus, statusSubject(bus), { waitMs }, waitMs);
      return answers.filter((a): a is ProcessLinkStatus => isObject(a) && typeof a.process === 'string' && isObject(a.snapshot) && Array.isArray((a.snapshot as Partial<UpstreamLinksSnapshot>).links))
        .sort((a, b) => a.process.localeCompare(b.process));
    },
    async controlLink(name, act, by, at, waitMs) {
      const ask: ControlAsk = { name, act, by, at, waitMs };
      const answers = (await gather(bus, controlSubject(bus), ask, waitMs))
        .filter((a): a is ProcessLinkControl => isObject(a) && typeof a.process === 'string' && isObject(a.result) && typeof a.result.ok === 'boolean')
        .sort((a, b) => a.process.localeCompare(b.process));
      if (answers.length === 0 || answers.some((a) => a.result.ok)) await keepStop(bus, { name, stopped: act === 'stop', by, at });
      return answers;
    },
  };
}

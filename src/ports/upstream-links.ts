/**
 * What an operator sees of the carrier links (Kannel's /status, Jasmin's `smppccm -l`): one status
 * per upstream SMPP link, read on request (`GET /v1/upstream-links`, `/web/links`, a /metrics
 * scrape), never per message. The SMPP client keeps the counters as plain integers on each link; a
 * snapshot reads them.
 */

/**
 * `bound`: the link can send: its transceiver bind (or, with `bind=tx+rx`, its transmitter bind) is up. `connecting`: a connect (TCP, TLS, bind) is under way.
 * `down`: the last connect failed or the connection dropped; the next try waits out the backoff.
 * `closed`: the link was stopped (the gateway is stopping). `stopped`: an operator took it out of
 * service (`POST /v1/upstream-links/{name}/stop`) until started again or the process restarts. `unknown`: the client's thread has
 * not answered yet (ThreadedUpstream before its first status).
 */
export type UpstreamLinkState = 'bound' | 'connecting' | 'down' | 'closed' | 'stopped' | 'unknown';

/** Counts since the link (or its client thread) started; a restarted thread starts them again. */
export interface UpstreamLinkCounters {
  /** submit_sm answered ESME_ROK (a part of a long message counts once). */
  submitted: number;
  /** submit_sm answered with another status than ESME_ROK or ESME_RTHROTTLED, or with none (timeout, connection dropped). */
  submitFailed: number;
  /** submit_sm answered ESME_RTHROTTLED. */
  throttled: number;
  /** Delivery receipts (deliver_sm / data_sm) the SMSC sent on this link. */
  receipts: number;
  /** MO (deliver_sm / data_sm that are not receipts) the SMSC sent on this link. */
  mo: number;
}

/**
 * One SMPP session of a link: its transceiver, or its transmitter or receiver (`bind=tx+rx`). Its
 * state is `bound`, `connecting`, `down` or `closed` (UpstreamLinkState); an operator's stop shows on
 * the link, the sessions unbinding once its in-flight submits are answered.
 */
export interface UpstreamSessionStatus {
  bindType: 'transceiver' | 'transmitter' | 'receiver';
  state: UpstreamLinkState;
  /** When this session's current bind came up; null while not bound. */
  boundSince: number | null;
  /** This session's connect attempts after its first. */
  reconnects: number;
  /** Why this session last went down or failed to connect, and when; null if it never did. */
  lastError: { message: string; at: number } | null;
}

/** One link's status. Never the password. Times are ms since the epoch. */
export interface UpstreamLinkStatus {
  name: string;
  host: string;
  port: number;
  systemId: string;
  /** SMPP over TLS (`smpps://`). */
  tls: boolean;
  /** How it binds: `trx`, one transceiver session; `tx+rx`, a transmitter and a receiver session. */
  bind: 'trx' | 'tx+rx';
  /** Whether it can send (the state of the session submits go through: see UpstreamLinkState). */
  state: UpstreamLinkState;
  /** Its sessions: the transceiver, or the transmitter then the receiver. */
  sessions: UpstreamSessionStatus[];
  /** When the bind submits go through came up; null while not bound. */
  boundSince: number | null;
  /** When an operator stopped the link; null while in service. */
  stoppedAt: number | null;
  /** Who stopped it (the operator's token id); null while in service. */
  stoppedBy: string | null;
  /** Unanswered submit_sm allowed (the SMPP window). */
  window: number;
  /** submit_sm written (or handed to the session) and not answered yet. */
  inFlight: number;
  /** Submits waiting in the link's queue: for the window, a throttling pause or the throughput cap. */
  queued: number;
  /** The link's cap in submit_sm per second; 0 = uncapped. */
  throughput: number;
  /** Recipient prefixes this link carries; empty = any. */
  prefixes: string[];
  weight: number;
  /**
   * The carrier the link reaches (`carrier=` of its URL, `"carrier"` in the upstream file), as
   * configured; null when it names none. Ported numbers (--mnp-file) of that carrier go to it.
   */
  carrier: string | null;
  /** While the SMSC throttled us: no new submit goes out before this; null when not paused. */
  throttledUntil: number | null;
  /** Connect attempts after the first: each retry after a failed connect or a dropped connection (of every session of the link). */
  reconnects: number;
  /** Why the link (any of its sessions) last went down or failed to connect, and when; null if it never did. */
  lastError: { message: string; at: number } | null;
  counters: UpstreamLinkCounters;
}

export interface UpstreamLinksSnapshot {
  links: UpstreamLinkStatus[];
  /** When the figures were read (ms since the epoch). */
  at: number;
  /**
   * True when the client's thread did not answer in time (or is restarting): the figures are the
   * last it gave (at `at`), or, before any, the configuration with state `unknown`.
   */
  stale: boolean;
}

/** Where the snapshot comes from: the SMPP client (in process or on its thread). */
export interface UpstreamLinkSource {
  /** Resolves within about `timeoutMs` (a thread that does not answer in time gives a stale snapshot); never rejects. */
  linkStatus(timeoutMs?: number): Promise<UpstreamLinksSnapshot>;
}

/** The answer to a stop or start: the link's status, or none of that name on this process. */
export type UpstreamLinkControlResult =
  /** `changed`: false when the link already was as asked (a stop of a stopped link). */
  | { ok: true; status: UpstreamLinkStatus; changed: boolean }
  /** `unknown_link`: no link of that name on this process; `no_answer`: the client's thread did not answer in time. */
  | { ok: false; reason: 'unknown_link' | 'no_answer' };

/**
 * An operator takes a carrier link out of service and puts it back (Kannel's stop-smsc/start-smsc,
 * Jasmin's `smppccm -0/-1`), at run time. Process-local: a restart (of the process or of the
 * client's thread) puts every link back in service.
 */
export interface UpstreamLinkControl {
  /** Stops the link (UpstreamLink.hold); resolves at once with its status, before it has unbound. */
  stopLink(name: string, by: string, at: number, timeoutMs?: number): Promise<UpstreamLinkControlResult>;
  /** Starts a stopped link again (UpstreamLink.resume). */
  startLink(name: string, timeoutMs?: number): Promise<UpstreamLinkControlResult>;
}

/** One egress process's answer on the bus: which process (its worker's member id) and what it said. */
export interface ProcessLinkStatus {
  process: string;
  snapshot: UpstreamLinksSnapshot;
}

/** One egress process's answer to a stop or start on the bus. */
export interface ProcessLinkControl {
  process: string;
  result: UpstreamLinkControlResult;
}

/**
 * The carrier links of every egress process of a deployment (scale-out over NATS,
 * src/queue/link-control.ts): a stop or start reaches each of them, and the stops in force are kept
 * so that an egress process started later applies them before it sends. Every answer that came
 * within the wait, one per process; none is an empty list.
 */
export interface UpstreamLinkFleet {
  linkStatus(waitMs: number): Promise<ProcessLinkStatus[]>;
  controlLink(name: string, act: 'stop' | 'start', by: string, at: number, waitMs: number): Promise<ProcessLinkControl[]>;
}

/**
 * smsguard's SMPP server: content providers bind here. A protocol adapter only: submit_sm runs the
 * same `submitMessage` use case as HTTP (after long messages are reassembled), submit_multi one
 * message per destination through it (submit-multi.ts), rejections map to
 * command_status through status-map.ts, query_sm reads the message through the app's getMessage
 * (query.ts), cancel_sm takes one back through its cancelMessage, replace_sm changes one's text through
 * its replaceMessage (replace.ts), and receipts / MO forwards come from the app's events and go out through
 * ProviderDeliveries (kept in the store while the provider cannot take them).
 */
import { LRUCache } from 'lru-cache';
import { deleteKeepingSlots } from '../../runtime/lru-delete.js';
import { CountedWarning } from '../../runtime/counted-warning.js';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { CommandStatus, MessageState } from '../pdu/constants.js';
import { decodeText, halfUcs2Unit } from '../pdu/text.js';
import type { BindPdu, CancelSmPdu, DataSmPdu, Pdu, QuerySmPdu, ReplaceSmPdu, SmPdu, SubmitMultiPdu } from '../pdu/types.js';
import { RateLimiter } from '../../domain/rate-limiter.js';
import { throughputShare } from '../../domain/throughput-share.js';
import type { SmppBindRegistry } from '../../ports/smpp-binds.js';
import { SharedBinds } from './shared-binds.js';
import { responseFor } from '../session/responses.js';
import { DEFAULT_SESSION_OPTIONS, type Session, type SessionOptions } from '../session/session.js';
import { DEFAULT_UNBIND_WAIT_MS, SmppConnection } from '../transport/connection.js';
import { smppStatusFor } from '../status-map.js';
import type { AppEvents, Channel, MessageNaming, Principal, ReceiptRequest, SubmitOutcome } from '../../app/types.js';
import { SmsguardError } from '../../domain/errors.js';
import type { SmppDeliveryStore } from '../../ports/smpp-deliveries.js';
import type { AuthResult, SmppAccount } from './credentials.js';
import { moPdus, RECEIPT_FOR, receiptPdu } from './deliver-pdus.js';
import { MemorySmppDeliveries } from './memory-deliveries.js';
import { KeptParts } from './kept-parts.js';
import { attributesIn, attributesOf, setAttributes, withAttributes, type PartAttributes } from './set-attributes.js';
import { ProviderDeliveries, type DeliverCtx, type Delivery } from './provider-deliveries.js';
import { Reassembler, type OpenSet, type ReassemblyLimits } from './reassembly.js';
import { defaultTypeForPortKind, readSubmit, type SubmitFields } from './translate.js';
import { readSubmitTimes } from './submit-times.js';
import { normalizeMsisdn } from '../../domain/msisdn.js';
import { SubmitBatcher } from './batcher.js';
import { isMessageIdShape, queryAnswer, type QueriedMessage } from './query.js';
import { replaceCodingFor, replaceStatusFor } from './replace.js';
import type { ReplacedOriginal, ReplaceInput } from '../../app/replace-message.js';
import { asSubmitSm, multiAnswer, planDestinations } from './submit-multi.js';
import type { SmppLog } from '../log.js';
import { TOKEN_CACHE_MS } from '../../app/auth.js';

/**
 * How query_sm and cancel_sm name a message: each part of a long message sent in parts was answered
 * with an id (the earlier ones with ids of their own, the last with the message id), and an ESME may
 * keep any of them (Kannel, Net::SMPP keep each part's), so every one names the whole message.
 */
const BY_ANY_PART: MessageNaming = Object.freeze({ partIds: true });

/** An upstream receipt's err field as the receipt book keeps it in a status detail (`err:0B1`). */
const CARRIER_ERR = /^err:([0-9A-Za-z]{1,3})$/;

/** The part of the App the SMPP server uses (src/app/app.ts satisfies it). */
export interface SmppServerApp {
  /** Judges and records a batch, outcomes in input order (one transaction for many PDUs). */
  submitMessages(p: Principal, inputs: readonly unknown[], channel: Channel): Promise<SubmitOutcome[]>;
  /**
   * One message as `p` may see it (query_sm): throws SmsguardError `not_found` for an unknown id and
   * `forbidden` for another provider's (the use case behind `GET /v1/messages/{id}`). The server
   * asks with `partIds`: an id it handed out for an earlier part of a long message names the message.
   */
  getMessage(p: Principal, id: string, naming?: MessageNaming): Promise<QueriedMessage>;
  /**
   * Cancels a message `p` sent that the gateway still holds, or that the carrier takes back (cancel_sm;
   * the use case behind `DELETE /v1/messages/{id}`): throws SmsguardError `not_found` for an unknown
   * id, `forbidden` for another provider's, `conflict` for one being handed to the carrier, written
   * to it and not taken back (the carrier refused our cancel_sm, or was not asked), or already final. `naming`
   * as getMessage: a part's id cancels the whole message.
   */
  cancelMessage(p: Principal, id: string, naming?: MessageNaming): Promise<{ id: string; status: 'cancelled' }>;
  /**
   * Replaces the text (and schedule, validity, receipt request) of a message `p` sent that the gateway
   * still holds, the new text decided as a submission (replace_sm; src/app/replace-message.ts): throws
   * SmsguardError `not_found`, `forbidden`, `conflict` (no longer replaceable), `invalid_request`
   * (field `from`: not the message's sender), or the rule's code that refused the new text.
   */
  replaceMessage(p: Principal, id: string, change: ReplaceInput, channel: Channel): Promise<{ id: string; status: 'accepted' | 'held' }>;
  events: { on<K extends keyof AppEvents>(name: K, fn: (payload: AppEvents[K]) => void): () => void };
}

export interface SmppServerOptions {
  app: SmppServerApp;
  authenticate(systemId: string, password: string, remoteIp: string): Promise<AuthResult>;
  /** Kind of a sending port, to default the message type when the submit does not declare one. */
  portKind(number: string): Promise<string | null>;
  /** system_id we answer binds with. */
  systemId?: string;
  session?: Partial<Omit<SessionOptions, 'role'>>;
  /** Partial concatenated sets expire after this long. */
  reassemblyTtlMs?: number;
  /** Bounds on partial sets (defaults: REASSEMBLY_LIMITS). */
  reassembly?: Partial<Omit<ReassemblyLimits, 'ownerOf'> & { maxSets: number }>;
  /** Most submits judged in one submitMessages call. */
  maxBatch?: number;
  /**
   * Where receipts/MO wait while the provider has no receiver bind or did not take them
   * (src/main.ts passes the store's; default: in memory, lost on restart).
   */
  deliveries?: SmppDeliveryStore;
  /** Undelivered receipts/MO are dropped after this age (default 72 h, like an SMSC's validity period). */
  deliveryMaxAgeMs?: number;
  /** A receipt/MO goes to the store instead of a receiver whose queue (window + backlog) is this long (default 1,100). */
  maxReceiverQueue?: number;
  /**
   * Every SMPP server process of the gateway hears each messageStatus and moForward event (the
   * NATS bus fans them out to every ingress): a process without the provider's receiver then leaves
   * the event to the process that announced one, rather than keep a second copy.
   */
  sharedEvents?: boolean;
  /** On close, how long submits still being decided may take to get their submit_sm_resp (default 5 s). */
  closeDrainMs?: number;
  /**
   * On close, how long an ESME has to answer our unbind before its socket is closed (default 2 s),
   * counted once the unbind is sent (after the deliver_sm in flight are answered or timed out).
   */
  unbindWaitMs?: number;
  now?: () => number;
  /**
   * The messages' clock (the app's: simulated under `--clock simulated`), for the dates in receipts
   * the server makes itself (a refused or expired part) and for reading an ESME's
   * schedule_delivery_time / validity_period (a relative one counts from it). `now` stays the
   * sessions' real time, which their timers need. Default: `now`.
   */
  messageNow?: () => number;
  /** Failures the operator should see (never message content). */
  log?: SmppLog;
  /** A TLS client must finish its handshake within this long, or its socket is closed (default 10 s). */
  tlsHandshakeTimeoutMs?: number;
  /**
   * Which of these credential ids are still live in the store (SmppCredentials.liveAmong, one query).
   * With it, every `credentialCheckMs` the server asks once for the credentials of all its live binds
   * and ends the binds of those no longer live (revoked, or deleted, by another process sharing the
   * store) as `revokeCredential` ends them: the fallback when the revocation's notice (NATS, the
   * app's `secretRevoked` event) was lost. Absent: no check (a credential's binds end here only
   * through `revokeCredential`, called for a revocation in this process or told over the bus).
   */
  liveCredentials?(credentialIds: readonly string[]): Promise<Set<string>>;
  /** Period of that check (default CREDENTIAL_CHECK_MS). */
  credentialCheckMs?: number;
  /**
   * The live binds of every gateway process sharing the store (PostgreSQL; shared-binds.ts). With
   * it, a credential's `maxBinds` counts the binds of all processes (one store round trip per bind)
   * and its `throughput` is split between the processes holding binds of it (resized every beat,
   * nothing per PDU). Absent (SQLite: one process): both hold for this process's binds alone.
   */
  sharedBinds?: { registry: SmppBindRegistry; member: string; beatMs?: number; leaseMs?: number };
}

/**
 * How often a server re-checks the credentials of its live binds against the store (options
 * `liveCredentials`, `credentialCheckMs`): the bound on how long a bind held by this process outlives
 * its credential's revocation by another process whose notice did not reach it (with NATS the
 * notice ends the binds at once, src/queue/roles.ts; without a bus, or a notice lost, this check). The bound a revoked API key has elsewhere
 * (TOKEN_CACHE_MS), so both doors stop honouring a revoked secret within the same time; one query
 * per period for all binds, nothing on the message path.
 */
export const CREDENTIAL_CHECK_MS = TOKEN_CACHE_MS;

/** The server's certificate and private key (PEM), for `listenTls`. */
export interface SmppTlsIdentity {
  cert: string | Buffer;
  key: string | Buffer;
}

type Conn = SmppConnection<DeliverCtx>;
interface Binding {
  conn: Conn;
  account: SmppAccount;
  receives: boolean;
  /** Its row among the deployment's live binds (`sharedBinds`); null without them. */
  bindId: string | null;
}
/** A credential's bucket here: its agreed `rate`, split between `processes` holding binds of it. */
interface CredentialBucket {
  rate: number;
  processes: number;
  bucket: RateLimiter;
}
interface Provider {
  binds: Set<Binding>;
  /** One token bucket per credential (its share of its `throughput`), shared by that credential's binds here. */
  limiters: Map<string, CredentialBucket>;
  rr: number;
}
interface PartTag {
  partId: string;
  registeredDelivery: number;
  /** The vendor TLVs the part gave (set-attributes.ts): the set's are its parts' together. */
  attrs: PartAttributes;
}

/**
 * Partial sets held at once (docs/SMPP.md): per content provider 1,000 sets and 4 MiB of octets, in
 * all 10,000 sets and 64 MiB. A part past its provider's bounds, or the totals, is refused
 * ESME_RMSGQFUL (temporary) and nothing held is dropped for it; a provider's bounds are well under the
 * totals, so one provider cannot fill them. A set alone over 4 MiB is refused (ESME_RINVMSGLEN).
 */
export const REASSEMBLY_LIMITS = { maxSets: 10_000, maxBytes: 64 << 20, maxSetsPerOwner: 1_000, maxBytesPerOwner: 4 << 20 };

const FINAL = new Set(['delivered', 'undeliverable', 'expired', 'rejected_upstream', 'failed', 'rejected', 'cancelled']);
const EXPIRE_EVERY_MS = 60_000;
/** At most one `reassembly full` line per provider this often (CountedWarning). */
const REFUSED_PARTS_LOG_MS = 60_000;

/** What keeps `partIds` from emptying (runtime/lru-delete.ts). */
const NO_PART_IDS = Object.freeze({ ids: [] as string[], to: '', from: '' });

export class SmppServer {
  private readonly server: Server;
  /** SMPP over TLS beside the plain listener (`listenTls`): same sessions, same limits. */
  private tlsServer: TlsServer | null = null;
  /** TLS connections closed before their handshake finished (a plain client, a bad certificate, a scanner). */
  tlsHandshakeFailures = 0;
  private readonly providers = new Map<string, Provider>();
  private readonly conns = new Set<Conn>();
  private readonly reassembler: Reassembler<PartTag>;
  /**
   * Parts refused ESME_RMSGQFUL, per provider: its first said at once, then one line a minute with
   * how many were refused since (`refused`). A flooding ESME resends every refused part, so a line
   * per part grew the log as fast as it sent.
   */
  private readonly refusedParts = new CountedWarning<'owner' | 'total'>(REFUSED_PARTS_LOG_MS, (cpId, refused, bound) => this.opts.log?.('smpp part refused: reassembly full', { cpId, bound, refused }));
  /** Message id → ids handed out for its earlier parts (so each part gets its receipt). */
  /** Bounded, O(1) eviction (lru-cache). */
  private readonly partIds = new LRUCache<string, { ids: string[]; to: string; from: string }>({ max: 200_000 });
  private readonly now: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly batcher: SubmitBatcher;
  private partSeq = 0;
  /**
   * Part ids must not repeat across restarts (the ids of a set decided before one are recorded with
   * its message and get their receipts after it): this process's start time leads the counter.
   */
  private readonly partEpoch = Date.now().toString(36);
  private moRef = 0;
  /** Receipts and MO to the providers' ESMEs. */
  readonly deliveries: ProviderDeliveries;
  private lastExpiry = 0;
  /** Set once stopSessions() began: no connection is accepted after it. */
  private stopping: Promise<void> | null = null;
  /** Where acknowledged parts of unfinished long messages are kept (the deliveries' store). */
  private readonly partStore: SmppDeliveryStore;
  /** Their writes, one transaction per turn of the event loop, in order. */
  private readonly kept: KeptParts;
  /** The next credential check (`liveCredentials`), null when none is due (stopping, or no check). */
  private credentialTimer: NodeJS.Timeout | null = null;
  /** The deployment's live binds (`sharedBinds`), null on one process. */
  private readonly shared: SharedBinds | null;

  constructor(readonly opts: SmppServerOptions) {
    this.now = opts.now ?? Date.now;
    const sb = opts.sharedBinds;
    this.shared = sb
      ? new SharedBinds(sb.registry, {
        member: sb.member, beatMs: sb.beatMs, leaseMs: sb.leaseMs,
        held: () => [...this.providers.values()].flatMap((p) => [...p.binds].flatMap((b) => (b.bindId ? [{ bindId: b.bindId, credentialId: b.account.credentialId }] : []))),
        onChange: () => this.reshare(),
        onError: (what, e) => opts.log?.(what, { error: (e as Error).message }),
      })
      : null;
    this.shared?.start();
    this.batcher = new SubmitBatcher((p, inputs, ch) => opts.app.submitMessages(p, inputs, ch), opts.maxBatch ?? 500);
    const lim = { ...REASSEMBLY_LIMITS, ...opts.reassembly };
    // set keys start with the content provider id: each provider is an owner with its own bounds
    this.reassembler = new Reassembler(opts.reassemblyTtlMs ?? 60_000, lim.maxSets, { ...lim, ownerOf: (key) => key.slice(0, key.indexOf('|')) });
    this.server = createServer((s) => this.accept(s));
    this.partStore = opts.deliveries ?? new MemorySmppDeliveries();
    this.kept = new KeptParts(this.partStore);
    this.deliveries = new ProviderDeliveries({
      store: this.partStore,
      now: this.now,
      receiver: (cpId, atOnce) => this.receiver(cpId, atOnce),
      room: (cpId) => this.room(cpId),
      boundProviders: () => [...this.providers.keys()].filter((cp) => this.receivers(cp).length > 0),
      log: opts.log,
      maxAgeMs: opts.deliveryMaxAgeMs,
      sharedEvents: opts.sharedEvents,
      // a claimed row is settled within one response timeout of its claim: the lease leaves room to spare
      leaseMs: Math.max(60_000, 3 * (opts.session?.responseTimeoutMs ?? DEFAULT_SESSION_OPTIONS.responseTimeoutMs)),
    });
    this.unsubscribe.push(opts.app.events.on('messageStatus', (e) => this.onStatus(e)));
    this.unsubscribe.push(opts.app.events.on('heldRejected', (e) => this.onHeldRejected(e)));
    this.unsubscribe.push(opts.app.events.on('moForward', (e) => this.onMoForward(e)));
    this.timer = setInterval(() => this.housekeeping(), 1000);
    this.timer.unref();
    this.scheduleCredentialCheck();
  }

  /**
   * Starts listening; resolves with the bound port. Only main.ts and tests call this. First reopens
   * the sets of long messages whose earlier parts were acknowledged before a restart (kept in the
   * store), so their later parts complete them; those past their time expire as any set.
   */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    for (const p of await this.partStore.openParts()) {
      const r = this.reassembler.add(p.setKey, p.total, p.seq, Buffer.from(p.octets), p.dataCoding, { partId: p.partId, registeredDelivery: p.registeredDelivery, attrs: attributesIn(p) }, p.at, (s) => this.expireSet(s, 'too large'));
      // no room for it here (bounds smaller than the process that kept it had): the set cannot
      // complete in this process, so it ends now as an expired one, every part kept reported
      if (r.kind === 'full') {
        const held = this.reassembler.take(p.setKey);
        const parts = new Map(held?.parts);
        parts.set(p.seq, { seq: p.seq, octets: Buffer.alloc(0), tag: { partId: p.partId, registeredDelivery: p.registeredDelivery, attrs: attributesIn(p) } });
        this.expireSet({ key: p.setKey, owner: '', total: p.total, dataCoding: p.dataCoding, firstAt: p.at, bytes: 0, parts }, 'no room at start');
      }
      // a set the store holds whole (its last part's decision never happened): its sender gets
      // ESME_ROK for no message, so tell it the set expired and forget it
      if (r.kind === 'complete') this.expireSet({ key: p.setKey, owner: '', total: p.total, dataCoding: p.dataCoding, firstAt: p.at, bytes: 0, parts: new Map(r.parts.map((x) => [x.seq, x])) }, 'complete at start');
    }
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  /**
   * Also listens for SMPP over TLS (conventionally port 3550); resolves with the bound port. A socket
   * becomes a session only once its handshake succeeded, and is then the same as a plain one (a
   * TLSSocket is a Duplex like a net.Socket). A failed handshake (a plain SMPP client on this port,
   * a scanner, a client refusing our certificate, one silent past `tlsHandshakeTimeoutMs`) costs only
   * that socket: it is closed and counted, not logged (the internet sends many).
   * Call after `listen`, which reopens the kept long-message parts.
   */
  listenTls(port: number, host: string, identity: SmppTlsIdentity): Promise<number> {
    if (this.tlsServer) throw new Error('SmppServer.listenTls: already listening for TLS');
    const server = createTlsServer({ cert: identity.cert, key: identity.key, handshakeTimeout: this.opts.tlsHandshakeTimeoutMs ?? 10_000 }, (s) => this.accept(s));
    // With a listener here node:tls leaves the socket open (a silent client at its handshake timeout
    // included): closing it is ours.
    server.on('tlsClientError', (_e, socket) => {
      this.tlsHandshakeFailures++;
      socket.destroy();
    });
    this.tlsServer = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  /** Bound sessions per content provider (for metrics and tests). */
  bindCount(cpId?: string): number {
    if (cpId) return this.providers.get(cpId)?.binds.size ?? 0;
    let n = 0;
    for (const p of this.providers.values()) n += p.binds.size;
    return n;
  }

  /** Bound sessions of one credential here, not already being ended by a revocation (for the log). */
  bindsOf(credentialId: string): number {
    if (this.revoked.has(credentialId)) return 0;
    let n = 0;
    for (const p of this.providers.values()) for (const b of p.binds) if (b.account.credentialId === credentialId) n++;
    return n;
  }

  /** Whether the plain listener (and the TLS one, when asked) takes connections: the readiness check. */
  get listening(): boolean {
    return this.stopping === null && this.server.listening && (this.tlsServer?.listening ?? true);
  }

  /**
   * The first step of a graceful stop (SMPP 3.4 §4.2, as SMSCs such as Kannel do it): stops
   * listening (no new connection, so no new bind), closes connections not bound, stops reading from
   * every bound session and lets the submits already being decided get their submit_sm_resp (at
   * most `closeDrainMs`: the app recorded them, and an ESME that never hears would resubmit, a
   * duplicate), then sends each session `unbind`: a submit that crossed it is answered ESME_RSYSERR
   * (temporary: the ESME sends it again elsewhere or after rebinding), and the ESME has
   * `unbindWaitMs` to answer before its socket is closed. The unbind waits for those answers rather
   * than going first because an ESME closes once it has answered the unbind: a submit_sm_resp
   * written after that would be lost. For the same reason it also waits for the ESME's answers to
   * the deliver_sm already written (Session.unbind: each within the response timeout, none new
   * written meanwhile): one answered ESME_ROK is delivered, not sent again at the next bind.
   *
   * Receipts and MO keep coming (the delivery worker drains after this): with no receiver bound they
   * go to the deliveries' store, as do deliver_sm the ESMEs had not answered, for their next bind.
   * `close()` ends that. Once: a second call gets the first's promise.
   */
  stopSessions(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.credentialTimer) clearTimeout(this.credentialTimer);
      this.credentialTimer = null;
      const closing = Promise.all([this.server, this.tlsServer].map((l) => l && new Promise<void>((r) => l.close(() => r()))));
      const o = { drainMs: this.opts.closeDrainMs ?? 5000, unbindWaitMs: this.opts.unbindWaitMs ?? DEFAULT_UNBIND_WAIT_MS };
      await Promise.all([...this.conns].map((c) => c.close(o)));
      await closing;
      // every bind here ended: its rows go at once, the other processes take the slots and shares
      await this.shared?.stop();
    })();
    return this.stopping;
  }

  /**
   * Stops the sessions (`stopSessions`, if not done yet), stops hearing receipts and MO, and writes
   * what the ESMEs had not taken to the store.
   */
  async close(): Promise<void> {
    await this.stopSessions();
    clearInterval(this.timer);
    this.refusedParts.flush(this.now(), true);
    for (const u of this.unsubscribe) u();
    await this.deliveries.close();
  }

  // ------------------------------------------------------------ connections and binds

  private accept(socket: Socket): void {
    // a connection the listener had accepted just before it closed
    if (this.stopping) return void socket.destroy();
    let binding: Binding | null = null;
    const conn: Conn = new SmppConnection<DeliverCtx>(socket, { session: { ...this.opts.session, role: 'smsc' }, now: this.now }, {
      onBind: (pdu) => void this.onBind(conn, pdu).then((b) => (binding = b)),
      onRequest: (pdu) => void this.onSubmit(conn, binding, pdu),
      onQuery: (pdu) => void this.onQuery(conn, binding, pdu),
      onCancel: (pdu) => void this.onCancel(conn, binding, pdu),
      onReplace: (pdu) => void this.onReplace(conn, binding, pdu),
      onSubmitMulti: (pdu, granted) => void this.onSubmitMulti(conn, binding, pdu, granted),
      onResponse: (resp, _req, ctx) => this.deliveries.answered(ctx, resp.command_status),
      onTimeout: (_req, ctx) => this.deliveries.failed(ctx),
      onClosed: (_reason, unanswered) => {
        for (const u of unanswered) this.deliveries.failed(u.ctx);
      },
      // an unbind waits for the deliver_sm in flight: those queued behind them go back at once,
      // for the provider's other binds (or the store) rather than after that wait
      onHandBack: (queued) => {
        for (const u of queued) this.deliveries.failed(u.ctx);
      },
      onSocketClosed: () => {
        this.conns.delete(conn);
        // The credential's bucket stays: a rebind must not buy a fresh burst.
        if (binding) this.providers.get(binding.account.contentProviderId)?.binds.delete(binding);
        // its slot is free for the deployment at once (a killed process's lapse with their leases)
        if (binding?.bindId) this.shared?.release(binding.bindId);
      },
    });
    this.conns.add(conn);
  }

  private provider(cpId: string): Provider {
    let p = this.providers.get(cpId);
    if (!p) {
      p = { binds: new Set(), limiters: new Map(), rr: 0 };
      this.providers.set(cpId, p);
    }
    return p;
  }

  /**
   * The credential's token bucket, shared by its binds here, sized to this process's share of its
   * `throughput` (all of it on one process; `throughput / processes holding binds of it` with
   * `sharedBinds`). A bind that brings a changed `throughput` (the credential was edited) gets a new
   * bucket, and so do the credential's binds already open; a changed share resizes the bucket, which
   * keeps its tokens (never a fresh burst).
   */
  private limiter(prov: Provider, a: SmppAccount): RateLimiter {
    const rate = a.throughput ?? Infinity;
    const processes = this.shared?.processesOf(a.credentialId) ?? 1;
    const l = prov.limiters.get(a.credentialId);
    if (l && l.rate === rate && (l.processes === processes || !Number.isFinite(rate))) return l.bucket;
    const share = Number.isFinite(rate) ? throughputShare(rate, processes) : null;
    const now = this.now();
    const bucket = !share ? new RateLimiter(Infinity, undefined, now) : l && l.rate === rate ? l.bucket.resized(share.ratePerSecond, share.burst, now) : new RateLimiter(share.ratePerSecond, share.burst, now);
    prov.limiters.set(a.credentialId, { rate, processes, bucket });
    for (const b of prov.binds) if (b.account.credentialId === a.credentialId) b.conn.session.opts.inboundRate = bucket;
    return bucket;
  }

  /**
   * Per credential with live binds here, the processes its throughput is split by (this one
   * included: `sharedBinds`, else 1), for /metrics. Read when scraped, nothing per submit.
   */
  credentialShares(): { systemId: string; processes: number }[] {
    const out = new Map<string, { systemId: string; processes: number }>();
    for (const prov of this.providers.values()) {
      for (const b of prov.binds) {
        const a = b.account;
        if (!out.has(a.credentialId)) out.set(a.credentialId, { systemId: a.systemId, processes: this.shared?.processesOf(a.credentialId) ?? 1 });
      }
    }
    return [...out.values()];
  }

  /** The processes holding binds of some credential changed (`sharedBinds`): each bound credential's bucket resized to its share. */
  private reshare(): void {
    for (const prov of this.providers.values()) {
      const seen = new Set<string>();
      for (const b of prov.binds) {
        if (seen.has(b.account.credentialId)) continue;
        seen.add(b.account.credentialId);
        this.limiter(prov, b.account);
      }
    }
  }

  /** Credentials revoked while this process ran: a bind authenticated just before the revocation is refused too. */
  private readonly revoked = new Set<string>();

  /**
   * A credential was revoked (SmppCredentials.onRevoked): each of its binds here gets what a graceful
   * stop gives it (submits being decided get their submit_sm_resp, then `unbind`, then the socket is
   * closed), so nothing it had recorded loses its answer. Resolves once they are closed. Also what
   * the credential check calls for a credential another process revoked (`checkCredentials`).
   */
  async revokeCredential(credentialId: string): Promise<void> {
    this.revoked.add(credentialId);
    const o = { drainMs: this.opts.closeDrainMs ?? 5000, unbindWaitMs: this.opts.unbindWaitMs ?? DEFAULT_UNBIND_WAIT_MS };
    const conns: Conn[] = [];
    for (const prov of this.providers.values()) for (const b of prov.binds) if (b.account.credentialId === credentialId) conns.push(b.conn);
    await Promise.all(conns.map((c) => c.close(o)));
  }

  /**
   * One credential check: asks the store once which credentials of this server's live binds are
   * still live, and ends the binds of the others (`revokeCredential`; a revocation elsewhere, or a
   * row deleted). Resolves once the query is answered and those binds' endings began (not ended).
   * A failing store read is logged and changes nothing: the next period asks again, and a bind is
   * never cut because the store could not be read. Called every `credentialCheckMs`.
   */
  async checkCredentials(): Promise<void> {
    const check = this.opts.liveCredentials;
    if (!check || this.stopping) return;
    const ids = new Set<string>();
    // credentials already revoked here have their binds closing: not asked again
    for (const prov of this.providers.values()) for (const b of prov.binds) if (!this.revoked.has(b.account.credentialId)) ids.add(b.account.credentialId);
    if (!ids.size) return;
    let live: Set<string>;
    try {
      live = await check([...ids]);
    } catch (e) {
      this.opts.log?.('smpp credential check failed', { error: (e as Error).message });
      return;
    }
    // stopping meanwhile: the stop ends every bind already
    if (this.stopping) return;
    for (const id of ids) {
      // revoked here while the store was read: its binds are already being ended
      if (live.has(id) || this.revoked.has(id)) continue;
      this.opts.log?.('smpp binds of a credential no longer live unbound', { credentialId: id }, 'info');
      void this.revokeCredential(id).catch((e: Error) => this.opts.log?.('smpp unbind of a revoked credential failed', { error: e.message }));
    }
  }

  /** Arms the next credential check; each waits for the previous one, so checks never overlap. */
  private scheduleCredentialCheck(): void {
    if (!this.opts.liveCredentials || this.stopping) return;
    this.credentialTimer = setTimeout(() => {
      void this.checkCredentials().finally(() => this.scheduleCredentialCheck());
    }, this.opts.credentialCheckMs ?? CREDENTIAL_CHECK_MS);
    // a check must not keep a process alive that has nothing else to do
    this.credentialTimer.unref();
  }

  private async onBind(conn: Conn, pdu: BindPdu): Promise<Binding | null> {
    let auth: AuthResult;
    try {
      auth = await this.opts.authenticate(pdu.system_id, pdu.password, conn.remoteAddress);
    } catch {
      conn.session.rejectBind(CommandStatus.ESME_RSYSERR);
      return null;
    }
    // the ESME may have gone while we checked: a dead connection must not hold a bind slot
    if (conn.session.state !== 'binding') return null;
    // revoked while this bind was being checked: refused as any revoked credential is (unknown system_id)
    if (auth.ok && this.revoked.has(auth.account.credentialId)) auth = { ok: false, status: CommandStatus.ESME_RINVSYSID, reason: 'revoked' };
    if (!auth.ok) {
      this.opts.log?.('smpp bind refused', { systemId: pdu.system_id, reason: auth.reason });
      conn.session.rejectBind(auth.status);
      return null;
    }
    const a = auth.account;
    const prov = this.provider(a.contentProviderId);
    const sameCred = [...prov.binds].filter((b) => b.account.credentialId === a.credentialId).length;
    if (a.maxBinds !== null && sameCred >= a.maxBinds) {
      // said as every other refusal is: an operator asked why an ESME cannot bind must find it
      this.opts.log?.('smpp bind refused', { systemId: pdu.system_id, reason: `maxBinds (${a.maxBinds}) reached` });
      conn.session.rejectBind(CommandStatus.ESME_RBINDFAIL);
      return null;
    }
    // the deployment's binds of the credential (other processes' too): one round trip, binds are rare
    let bindId: string | null = null;
    if (this.shared) {
      bindId = this.shared.nextBindId();
      if (!(await this.shared.claim(bindId, a.credentialId, a.maxBinds, sameCred))) {
        this.opts.log?.('smpp bind refused', { systemId: pdu.system_id, reason: 'maxBinds reached across the gateway processes' });
        conn.session.rejectBind(CommandStatus.ESME_RBINDFAIL);
        return null;
      }
      // gone (or stopping) while the store counted: the slot is not kept
      if (conn.session.state !== 'binding' || this.stopping) {
        this.shared.release(bindId);
        if (conn.session.state === 'binding') conn.session.rejectBind(CommandStatus.ESME_RSYSERR);
        return null;
      }
    }
    const binding: Binding = { conn, account: a, receives: pdu.command !== 'bind_transmitter', bindId };
    conn.session.opts.inboundRate = this.limiter(prov, a);
    prov.binds.add(binding);
    conn.session.acceptBind(this.opts.systemId ?? 'smsguard');
    // what waited for this provider (in the store, from before a restart too) goes out now
    if (binding.receives) void this.deliveries.poll();
    return binding;
  }

  // ------------------------------------------------------------ submit_sm / data_sm

  private async onSubmit(conn: Conn, binding: Binding | null, pdu: SmPdu | DataSmPdu): Promise<void> {
    if (!binding) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVBNDSTS));
    const f = readSubmit(pdu);
    if (!f) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVESMCLASS));
    if (f.badTlv) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVPARLEN));
    // which text would be the message? Neither is guessed (translate.ts bothTexts)
    if (f.bothTexts) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVOPTPARAMVAL));
    // schedule_delivery_time / validity_period (data_sm has neither): checked on every part of a
    // long message before it joins its set, on the messages' clock (messageTimesNow)
    if (pdu.command === 'submit_sm') {
      const t = readSubmitTimes(pdu, this.messageTimesNow());
      if (t.status !== undefined) return conn.respond(responseFor(pdu, t.status));
      // a long message's schedule and validity are the part's that completes its set, deliberately:
      // the set is judged and queued under the times it takes (docs/SMPP.md, Long messages, "the set's fields")
      if (t.scheduledAt !== undefined) f.scheduledAt = t.scheduledAt;
      if (t.validUntil !== undefined) f.validUntil = t.validUntil;
    }
    const cpId = binding.account.contentProviderId;
    if (!f.concat) {
      // half a UCS-2 unit at the end: refused, not dropped (halfUcs2Unit); a part's is judged with its set (completeSet)
      if (halfUcs2Unit(f.octets, f.dataCoding)) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVMSGLEN));
      const text = decodeText(f.octets, f.dataCoding);
      const r = await this.decide(binding, f, text);
      return conn.respond(responseFor(pdu, r.status, r.id));
    }
    const c = f.concat;
    // A part numbered 0 or past its total can never complete a set: a malformed UDH (as any other,
    // ESME_RINVESMCLASS) or an invalid sar_segment_seqnum (SMPP 3.4 §5.3.2.24: 1 to
    // sar_total_segments; ESME_RINVOPTPARAMVAL). Before 2026-12-07 both were ESME_RSUBMITFAIL, the
    // status of a use-case refusal (invalid_request), though nothing was decided.
    if (c.seq < 1 || c.seq > c.total) return conn.respond(responseFor(pdu, c.via === 'udh' ? CommandStatus.ESME_RINVESMCLASS : CommandStatus.ESME_RINVOPTPARAMVAL));
    const key = `${cpId}|${f.from}|${f.to}|${c.bits}|${c.ref}|${c.total}`;
    const partId = `${binding.account.systemId.slice(0, 8)}p${this.partEpoch}.${(++this.partSeq).toString(36)}`;
    const at = this.now();
    const attrs = attributesOf(f);
    const res = this.reassembler.add(key, c.total, c.seq, f.octets, f.dataCoding, { partId, registeredDelivery: f.registeredDelivery, attrs }, at, (s) => this.expireSet(s, 'too large'));
    switch (res.kind) {
      case 'invalid':
        return conn.respond(responseFor(pdu, res.tooLarge ? CommandStatus.ESME_RINVMSGLEN : CommandStatus.ESME_RSUBMITFAIL));
      case 'full':
        // No room for this part now: refused, temporary (the ESME sends it again: Kannel requeues
        // ESME_RMSGQFUL), rather than give up a set whose parts were already answered ESME_ROK.
        // Before 2026-12-07 the oldest set was dropped for it (its parts got EXPIRED receipts when
        // one asked, else nothing, and no message was ever recorded).
        this.refusedParts.note(cpId, res.bound, this.now());
        return conn.respond(responseFor(pdu, CommandStatus.ESME_RMSGQFUL));
      case 'duplicate':
        return conn.respond(responseFor(pdu, CommandStatus.ESME_ROK, res.part.tag.partId));
      case 'pending': {
        // Earlier parts are acknowledged now (an ESME whose window is smaller than the set must
        // not stall), once kept in the store: a restart before the set is whole loses none of them.
        // The part that completes the set carries the decision.
        try {
          // a copy: the octets are a view into a socket read buffer
          await this.kept.keep({ setKey: key, seq: c.seq, total: c.total, octets: Buffer.from(f.octets), dataCoding: f.dataCoding, partId, registeredDelivery: f.registeredDelivery, at, ...attrs });
        } catch (e) {
          this.opts.log?.('smpp part not kept', { error: (e as Error).message });
          // refused: its sender sends it again. Unless the set completed meanwhile with it in it.
          if (this.reassembler.withdraw(key, c.seq)) return conn.respond(responseFor(pdu, CommandStatus.ESME_RSYSERR));
          return conn.respond(responseFor(pdu, CommandStatus.ESME_ROK, partId));
        }
        // Other gateway processes share the store (and each hears every event): the set's other
        // parts may have reached them. The process whose keep committed last sees them all and takes
        // the set whole; this part then carries the decision. The copies held elsewhere expire
        // unreported (their rows are gone).
        if (this.opts.sharedEvents) {
          const whole = await this.partStore.takeWholeSet(key, c.total).catch((e: Error) => {
            this.opts.log?.('smpp parts not read', { error: e.message });
            return null;
          });
          if (whole) {
            this.reassembler.discard(key);
            const octets = Buffer.concat(whole.map((p) => p.octets));
            return this.completeSet(conn, pdu, binding, f, key, partId, octets, whole[0].dataCoding, whole.map((p) => ({ partId: p.partId, registeredDelivery: p.registeredDelivery, attrs: attributesIn(p) })), false);
          }
        }
        return conn.respond(responseFor(pdu, CommandStatus.ESME_ROK, partId));
      }
      case 'complete':
        return this.completeSet(conn, pdu, binding, f, key, partId, res.octets, res.dataCoding, res.parts.map((p) => p.tag), true);
    }
  }

  /**
   * Decides a whole set (`parts` in seq order; `partId` is the part being answered) and answers that
   * part with the decision. `kept`: earlier parts may still be kept in the store (the set came whole
   * in memory), so their rows go.
   */
  private async completeSet(conn: Conn, pdu: SmPdu | DataSmPdu, binding: Binding, f: SubmitFields, key: string, partId: string, octets: Buffer, dataCoding: number, parts: PartTag[], kept: boolean): Promise<void> {
    const cpId = binding.account.contentProviderId;
    // ESMEs (Kannel among them) often ask for a receipt on one part only: the set asks if any part does.
    const rd = parts.reduce((acc, p) => acc | p.registeredDelivery, 0);
    const earlier = parts.filter((p) => p.partId !== partId);
    // The parts' octets joined end in half a UCS-2 unit (a part alone may: the next completes its
    // unit): the set is refused whole, decided by no rule, as a refused set is told (REJECTD to the
    // parts acknowledged, when it asked), rather than sent without its last octet.
    const text = decodeText(octets, dataCoding);
    if (halfUcs2Unit(octets, dataCoding)) {
      for (const p of earlier) if (rd & 3) this.sendReceipt(cpId, p.partId, f.to, f.from, 'REJECTD', 8, CommandStatus.ESME_RINVMSGLEN, text);
      if (kept) void this.dropParts(key);
      return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVMSGLEN));
    }
    // The vendor TLVs (0x1400, 0x1401, 0x1403) are the set's: a value given on any part (many ESMEs
    // give them on the first part only), and parts giving different values refuse the set, decided
    // by no rule and told as the refusal above (ESME_RINVOPTPARAMVAL: which one was meant is not
    // guessed). Before 2026-12-07 the completing part's alone were read.
    const attrs = setAttributes(parts.map((p) => p.attrs));
    if (!attrs.ok) {
      this.opts.log?.('smpp parts disagree', { cpId, tlv: attrs.name, parts: parts.length });
      for (const p of earlier) if (rd & 3) this.sendReceipt(cpId, p.partId, f.to, f.from, 'REJECTD', 8, CommandStatus.ESME_RINVOPTPARAMVAL, text);
      if (kept) void this.dropParts(key);
      return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVOPTPARAMVAL));
    }
    // The earlier parts' ids are recorded with the message: each gets its receipt after a restart too.
    // Kept parts go in the decision's transaction (a crash right after it must not reopen them and
    // report them expired); the drop after it covers a store that keeps parts elsewhere (memory).
    const r = await this.decide(binding, { ...withAttributes(f, attrs.attributes), registeredDelivery: rd, dataCoding }, text, earlier.map((p) => p.partId), kept ? key : undefined);
    if (r.status === CommandStatus.ESME_ROK) {
      this.rememberParts(r.id, earlier.map((p) => p.partId), f);
    } else {
      // The set is refused as a whole: tell the parts already acknowledged, via receipts, when the
      // set asked (any part, as for an accepted set: an ESME may ask on the last part only).
      for (const p of earlier) if (rd & 3) this.sendReceipt(cpId, p.partId, f.to, f.from, 'REJECTD', 8, r.status, text);
    }
    if (kept) void this.dropParts(key);
    return conn.respond(responseFor(pdu, r.status, r.id));
  }

  /**
   * Forgets a set's kept parts (after its parts' keeps); resolves with the parts (seq) that were
   * still kept. A failure is logged and resolves with none: the set reopens at the next start and
   * expires then.
   */
  private dropParts(key: string): Promise<number[]> {
    return this.kept.drop(key).catch((e: Error) => {
      this.opts.log?.('smpp parts not dropped', { error: e.message });
      return [];
    });
  }

  private async decide(binding: Binding, f: SubmitFields, text: string, clientPartIds?: string[], keptPartsKey?: string): Promise<{ status: number; id: string; code?: string }> {
    try {
      // the port's kind is awaited only when the submit names no type: most submits go on in this turn
      const type = f.type ?? f.invalidType ?? defaultTypeForPortKind(await this.portKind(f.from));
      const input = inputFor(binding, f, text, type, clientPartIds, keptPartsKey);
      return statusOf(await this.batcher.submit(principalOf(binding), input));
    } catch (e) {
      return this.failure(e);
    }
  }

  /**
   * Decides one message per destination (`to`, the rest of `f` shared), in one `submitMessages` call:
   * one decision and one transaction for the whole submit_multi, as for submits arriving together.
   */
  private async decideAll(binding: Binding, f: SubmitFields, text: string, to: readonly string[]): Promise<{ status: number; id: string; code?: string }[]> {
    try {
      const type = f.type ?? f.invalidType ?? defaultTypeForPortKind(await this.portKind(f.from));
      const base = inputFor(binding, f, text, type);
      const outs = await this.batcher.submitAll(principalOf(binding), to.map((t) => ({ ...base, to: t })));
      return outs.map(statusOf);
    } catch (e) {
      const failed = this.failure(e);
      return to.map(() => failed);
    }
  }

  /** A decision that could not be had: its error's status (an unexpected one logged, ESME_RSYSERR). */
  private failure(e: unknown): { status: number; id: string; code: string } {
    const code = e instanceof SmsguardError ? e.code : 'internal_error';
    if (code === 'internal_error') this.opts.log?.('smpp submit failed', { error: (e as Error).message });
    return { status: smppStatusFor(code), id: '', code };
  }

  // ------------------------------------------------------------ submit_multi

  /**
   * submit_multi (SMPP 3.4 §4.5): one message per SME destination through the same use case as a
   * submit_sm, all in one decision (decideAll); the answer lists the destinations not taken, each
   * with its own status (submit-multi.ts). The PDU's own fields are checked once, as a submit_sm's,
   * and a fault there refuses the whole submission. A part of a long message (UDH concatenation or
   * SAR TLVs) is refused whole: reassembling one set per destination would hand out a part id per
   * destination, which the one message_id of each submit_multi_resp cannot carry; a long text goes
   * whole in message_payload, or as submit_sm parts (docs/SMPP.md, submit_multi).
   */
  private async onSubmitMulti(conn: Conn, binding: Binding | null, pdu: SubmitMultiPdu, granted: number): Promise<void> {
    // A refusal of the whole PDU decides nothing, so it gives back the tokens the session took for
    // its destinations (granted): it must not spend the rate the corrected resubmission needs.
    const refuse = (status: number): void => {
      conn.session.giveBackInbound(granted);
      conn.respond(responseFor(pdu, status));
    };
    if (!binding) return refuse(CommandStatus.ESME_RINVBNDSTS);
    const view = asSubmitSm(pdu, null);
    const f = readSubmit(view);
    if (!f) return refuse(CommandStatus.ESME_RINVESMCLASS);
    if (f.badTlv) return refuse(CommandStatus.ESME_RINVPARLEN);
    if (f.bothTexts) return refuse(CommandStatus.ESME_RINVOPTPARAMVAL);
    // not offered: a UDH concatenation is an esm_class/UDH we do not take here, SAR TLVs an optional parameter not allowed
    if (f.concat) return refuse(f.concat.via === 'udh' ? CommandStatus.ESME_RINVESMCLASS : CommandStatus.ESME_ROPTPARNOTALLWD);
    const t = readSubmitTimes(view, this.messageTimesNow());
    if (t.status !== undefined) return refuse(t.status);
    if (t.scheduledAt !== undefined) f.scheduledAt = t.scheduledAt;
    if (t.validUntil !== undefined) f.validUntil = t.validUntil;
    if (halfUcs2Unit(f.octets, f.dataCoding)) return refuse(CommandStatus.ESME_RINVMSGLEN);
    const { targets, refused } = planDestinations(pdu.dest_addresses, granted);
    const text = decodeText(f.octets, f.dataCoding);
    const outcomes = targets.length > 0 ? await this.decideAll(binding, f, text, targets.map((d) => d.destination_addr)) : [];
    const a = multiAnswer(targets.map((target, i) => ({ target, status: outcomes[i].status, id: outcomes[i].id })), refused);
    return conn.respond({ command: 'submit_multi_resp', sequence_number: pdu.sequence_number, ...a });
  }

  // ------------------------------------------------------------ query_sm

  /**
   * Answers query_sm from the message as the app knows it, read as the bound provider (the session
   * let it through from a transmitter/transceiver bind only). Another provider's id and an unknown
   * one get the same ESME_RQUERYFAIL, so a query learns nothing of others' ids; an id smsguard could
   * not have handed out, ESME_RINVMSGID; a failure to read, ESME_RSYSERR (temporary: poll again).
   * source_addr is not compared: the bind already says whose message it must be. The id handed out
   * for any part of a long message names the whole message (BY_ANY_PART; message_id echoes the id
   * asked, SMPP 3.4 §4.8.2); docs/SMPP.md, query_sm.
   */
  private async onQuery(conn: Conn, binding: Binding | null, pdu: QuerySmPdu): Promise<void> {
    const id = pdu.message_id;
    if (!binding) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVBNDSTS, id));
    if (!isMessageIdShape(id)) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVMSGID, id));
    let m: QueriedMessage;
    try {
      m = await this.opts.app.getMessage(principalOf(binding), id, BY_ANY_PART);
    } catch (e) {
      const code = e instanceof SmsguardError ? e.code : 'internal_error';
      if (code === 'not_found' || code === 'forbidden') return conn.respond(responseFor(pdu, CommandStatus.ESME_RQUERYFAIL, id));
      this.opts.log?.('smpp query_sm failed', { error: (e as Error).message });
      return conn.respond(responseFor(pdu, CommandStatus.ESME_RSYSERR, id));
    }
    return conn.respond({ command: 'query_sm_resp', command_status: CommandStatus.ESME_ROK, sequence_number: pdu.sequence_number, message_id: id, ...queryAnswer(m), error_code: 0 });
  }

  // ------------------------------------------------------------ cancel_sm

  /**
   * Cancels the message cancel_sm names, as the bound provider (the session let it through from a
   * transmitter/transceiver bind only), through the app's cancelMessage: while the gateway still
   * holds it, or once written, if the carrier takes it back (our own cancel_sm upstream). One the
   * carrier would not take back or already final, another provider's and an unknown id all get
   * ESME_RCANCELFAIL, so a cancel learns nothing of others' ids; an id smsguard could not
   * have handed out, ESME_RINVMSGID; a failure, ESME_RSYSERR (temporary: try again). SMPP's "cancel
   * all from source_addr to destination_addr" form (an empty message_id, SMPP 3.4 §4.9.1, with or
   * without a service_type) is not offered: ESME_RCANCELFAIL. source_addr and destination_addr are not compared: the id and
   * the bind say enough. Any part's id of a long message cancels the whole message, as query_sm
   * reads it (docs/SMPP.md, cancel_sm).
   */
  private async onCancel(conn: Conn, binding: Binding | null, pdu: CancelSmPdu): Promise<void> {
    const id = pdu.message_id;
    if (!binding) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVBNDSTS));
    if (id === '') return conn.respond(responseFor(pdu, CommandStatus.ESME_RCANCELFAIL));
    if (!isMessageIdShape(id)) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVMSGID));
    try {
      await this.opts.app.cancelMessage(principalOf(binding), id, BY_ANY_PART);
    } catch (e) {
      const code = e instanceof SmsguardError ? e.code : 'internal_error';
      if (code === 'not_found' || code === 'forbidden' || code === 'conflict') return conn.respond(responseFor(pdu, CommandStatus.ESME_RCANCELFAIL));
      this.opts.log?.('smpp cancel_sm failed', { error: (e as Error).message });
      return conn.respond(responseFor(pdu, CommandStatus.ESME_RSYSERR));
    }
    return conn.respond(responseFor(pdu, CommandStatus.ESME_ROK));
  }

  // ------------------------------------------------------------ replace_sm

  /**
   * Replaces the message replace_sm names (SMPP 3.4 §4.10), as the bound provider, through the app's
   * replaceMessage: the new text decided again by every rule, only while nothing of the message was
   * written to the carrier. Named by its message id only: an earlier part's id of a long message sent
   * in parts names no message here (one part's text cannot be replaced alone, and replacing the whole
   * under a part's id would surprise its sender): ESME_RREPLACEFAIL. The new short_message is read in
   * the original submit's data_coding (replace.ts: replace_sm has none), by the use case from the
   * message it reads (ReplaceInput.text as a function: no read of the server's own); an empty
   * schedule_delivery_time / validity_period keeps the original's (a schedule at or near now drops
   * it: sent as soon as possible); registered_delivery replaces it; a
   * canned message (sm_default_msg_id other than 0) is not offered: ESME_RINVDFTMSGID. Refusals
   * (replace.ts): ESME_RREPLACEFAIL for an unknown id, another provider's or one no longer
   * replaceable, ESME_RINVSRCADR for a source_addr not the original's, the rule's own status for a
   * refused text, ESME_RSYSERR for a failure (try again). docs/SMPP.md, replace_sm.
   */
  private async onReplace(conn: Conn, binding: Binding | null, pdu: ReplaceSmPdu): Promise<void> {
    // A PDU refused whole before it reaches the store gives back the token the session took for it
    // (as submit_multi's): the corrected replace_sm must find the rate it had. Once the store is
    // read (or the app refuses), the token stays spent: that is the load the rate bounds.
    const refuse = (status: number): void => {
      conn.session.giveBackInbound(1);
      conn.respond(responseFor(pdu, status));
    };
    const id = pdu.message_id;
    if (!binding) return refuse(CommandStatus.ESME_RINVBNDSTS);
    if (!isMessageIdShape(id)) return refuse(CommandStatus.ESME_RINVMSGID);
    if (pdu.sm_default_msg_id !== 0) return refuse(CommandStatus.ESME_RINVDFTMSGID);
    const times = readSubmitTimes(pdu, this.messageTimesNow());
    if (times.status !== undefined) return refuse(times.status);
    const p = principalOf(binding);
    try {
      // the original's coding (or, not recorded, its text) says which coding the new octets are in:
      // read by the use case from the message it reads anyway (one read of the store, not two)
      // half a UCS-2 unit at the end is a malformed text (ESME_RREPLACEFAIL, replace.ts), not one octet dropped
      const text = (original: ReplacedOriginal) => {
        const coding = replaceCodingFor(original);
        if (halfUcs2Unit(pdu.short_message, coding)) throw new SmsguardError('invalid_request', `text: ${pdu.short_message.length} octets of UCS-2 end in half a character`, {}, 'text');
        return decodeText(pdu.short_message, coding);
      };
      const change: ReplaceInput = { text, registeredDelivery: receiptRequest(pdu.registered_delivery), from: pdu.source_addr };
      // empty keeps the original's; one at or near now means now: the schedule goes
      if (pdu.schedule_delivery_time !== '') change.scheduledAt = times.scheduledAt ?? null;
      if (times.validUntil !== undefined) change.validUntil = times.validUntil;
      await this.opts.app.replaceMessage(p, id, change, 'smpp');
    } catch (e) {
      const err = e instanceof SmsguardError ? e : null;
      if (!err || err.code === 'internal_error') this.opts.log?.('smpp replace_sm failed', { error: (e as Error).message });
      return conn.respond(responseFor(pdu, err ? replaceStatusFor(err.code, err.field) : CommandStatus.ESME_RSYSERR));
    }
    return conn.respond(responseFor(pdu, CommandStatus.ESME_ROK));
  }

  /**
   * The clock an ESME's schedule_delivery_time and validity_period are read on: the messages' (the
   * app's, simulated under `--clock simulated`), not the sessions' real time. A relative time
   * (`…R`) counts from it, and an absolute one is checked against it, because the use case judges
   * the schedule and validity it is handed on that clock, the delivery worker makes a message due by
   * it and expiry ends it by it. Read on the real clock, "in an hour" under a simulated clock days
   * ahead was already past: refused by the use case (ESME_RSUBMITFAIL) or sent at once.
   */
  private messageTimesNow(): number {
    return (this.opts.messageNow ?? this.now)();
  }

  private readonly kinds = new Map<string, { kind: string | null; at: number }>();
  /** Port kind, cached for a minute (it only defaults the type; the pipeline checks the port itself). */
  private async portKind(n: string): Promise<string | null> {
    const c = this.kinds.get(n);
    const now = this.now();
    if (c && now - c.at < 60_000) return c.kind;
    const kind = await this.opts.portKind(n);
    if (this.kinds.size > 10_000) this.kinds.clear();
    this.kinds.set(n, { kind, at: now });
    return kind;
  }

  private rememberParts(messageId: string, ids: string[], f: SubmitFields): void {
    if (ids.length === 0) return;
    this.partIds.set(messageId, { ids, to: f.to, from: f.from });
  }

  private expireSet(s: OpenSet<PartTag>, why: string): void {
    const [cpId, from, to] = s.key.split('|');
    // the set asks if any part that came does (as an accepted or refused set)
    const rd = [...s.parts.values()].reduce((acc, p) => acc | p.tag.registeredDelivery, 0);
    this.opts.log?.('smpp partial message dropped', { why, parts: s.parts.size, total: s.total });
    // Only the parts still kept get their EXPIRED receipt: with several gateway processes on one
    // store, a set reopened here at start may have been completed or expired by the process that
    // took its parts (it dropped them), and its sender must not hear twice or wrongly.
    void this.dropParts(s.key).then((kept) => {
      for (const p of s.parts.values()) {
        if (kept.includes(p.seq) && rd & 3) this.sendReceipt(cpId, p.tag.partId, to, from, 'EXPIRED', 3, CommandStatus.ESME_RSUBMITFAIL, '');
      }
    });
  }

  // ------------------------------------------------------------ receipts and MO to the provider

  private onStatus(e: AppEvents['messageStatus']): void {
    const parts = FINAL.has(e.status) ? this.partIds.get(e.id) : undefined;
    if (parts) deleteKeepingSlots(this.partIds, e.id, NO_PART_IDS);
    if (!e.registeredDelivery) return;
    // registered_delivery 2: a receipt on failure only, so none for a delivered message
    if (e.registeredDelivery === 'failure' && e.status === 'delivered') return;
    const r = RECEIPT_FOR[e.status];
    if (!r) return;
    // The carrier's own err code when its receipt gave one (the status detail `err:NNN`, receipt-book.ts):
    // providers look such codes up in their carrier's tables; ours (001–004) say only which status it is.
    const carrierErr = e.status !== 'delivered' ? CARRIER_ERR.exec(e.error ?? '')?.[1] : undefined;
    // Stopped in the queue: the stopping rule's status, as a refused submit_sm would have carried it (0x40b → "40b").
    const err = carrierErr ? carrierErr.padStart(3, '0') : e.status === 'rejected' && e.code ? errField(smppStatusFor(e.code)) : r.err;
    // The earlier parts' ids from this process's memory, else as recorded with the message (a restart since)
    for (const id of [e.id, ...(parts?.ids ?? e.clientPartIds ?? [])]) {
      this.deliver(e.contentProviderId, 'receipt', `receipt:${id}:${r.stat}`, e.to, receiptPdu({ messageId: id, to: e.to, from: e.from, stat: r.stat, state: r.state, err, submittedAt: e.submittedAt, doneAt: e.at, text: e.text }), true);
    }
  }

  /** A held message an operator rejected: REJECTD, `err` the status it was held under (0x432 → "432"). */
  private onHeldRejected(e: AppEvents['heldRejected']): void {
    const parts = this.partIds.get(e.id);
    if (parts) deleteKeepingSlots(this.partIds, e.id, NO_PART_IDS);
    if (!e.registeredDelivery) return;
    const err = errField(smppStatusFor(e.code));
    for (const id of [e.id, ...(parts?.ids ?? e.clientPartIds ?? [])]) {
      this.deliver(e.contentProviderId, 'receipt', `receipt:${id}:REJECTD`, e.to, receiptPdu({ messageId: id, to: e.to, from: e.from, stat: 'REJECTD', state: MessageState.REJECTED, err, submittedAt: e.submittedAt, doneAt: e.at, text: e.text }));
    }
  }

  /** A receipt for a part smsguard itself refused or dropped; `err` is the command_status in hex (0x411 → "411"). */
  private sendReceipt(cpId: string, id: string, to: string, from: string, stat: string, state: number, status: number, text: string): void {
    const now = (this.opts.messageNow ?? this.now)();
    // `to` is the destination_addr as the ESME wrote it (13800138000, +86…): the receipt names it in
    // E.164 under TON 1 as every other receipt does (a national number under TON 1 reads as country
    // code 1); one that is no mainland mobile number stays as written
    const recipient = normalizeMsisdn(to) ?? to;
    this.deliver(cpId, 'receipt', `receipt:${id}:${stat}`, recipient, receiptPdu({ messageId: id, to: recipient, from, stat, state, err: errField(status), submittedAt: now, doneAt: now, text }));
  }

  private onMoForward(e: AppEvents['moForward']): void {
    this.moRef = (this.moRef + 1) & 0xff;
    moPdus(e, this.moRef).forEach((pdu, i) => this.deliver(e.contentProviderId, 'mo', `mo:${e.id}:${i}`, e.from, pdu, true));
  }

  /**
   * Its age counts on this server's clock from now (the event's own time may come from a simulated
   * clock). `shared`: an event every process hears when `sharedEvents` (messageStatus, moForward).
   */
  private deliver(cpId: string, kind: Delivery['kind'], key: string, msisdn: string, pdu: SmPdu, shared = false): void {
    this.deliveries.offer(cpId, { kind, key, msisdn, createdAt: this.now(), pdu }, shared);
  }

  /** The provider's bound receiver/transceiver sessions here. */
  private receivers(cpId: string): Binding[] {
    const prov = this.providers.get(cpId);
    if (!prov) return [];
    return [...prov.binds].filter((b) => b.receives && b.conn.session.bound);
  }

  /** Free window slots over the provider's receivers (how many stored rows to claim at once). */
  private room(cpId: string): number {
    let n = 0;
    for (const b of this.receivers(cpId)) n += Math.max(0, b.conn.session.opts.windowSize - b.conn.session.inFlight - b.conn.session.backlog);
    return n;
  }

  /**
   * A receiver for one more deliver_sm: least loaded first, round-robin among equals. None when the
   * provider has no receiver here, or every one already has a long queue (a slow ESME): then the
   * deliver_sm waits in the store rather than in this process's memory. `atOnce` (a row claimed from
   * the store, ProviderDeliveries.poll): only a session that writes it now, a window slot free,
   * nothing queued ahead and a rate token at hand.
   */
  private receiver(cpId: string, atOnce = false): { send(pdu: SmPdu, ctx: DeliverCtx): void } | undefined {
    const all = this.receivers(cpId);
    // (a receipt on its way from memory, the common case, takes the list as it is)
    const rx = atOnce ? all.filter((b) => writesAtOnce(b.conn.session, this.now())) : all;
    if (rx.length === 0) return undefined;
    const prov = this.providers.get(cpId)!;
    prov.rr = (prov.rr + 1) % rx.length;
    const load = (b: Binding) => b.conn.session.inFlight + b.conn.session.backlog;
    let best = rx[prov.rr];
    for (const b of rx) if (load(b) < load(best)) best = b;
    if (load(best) >= (this.opts.maxReceiverQueue ?? 1100)) return undefined;
    return { send: (pdu, ctx) => best.conn.session.request(pdu, ctx, this.now()) };
  }

  private housekeeping(): void {
    const now = this.now();
    this.refusedParts.flush(now);
    for (const s of this.reassembler.expire(now)) this.expireSet(s, 'expired');
    void this.deliveries.poll();
    if (now - this.lastExpiry >= EXPIRE_EVERY_MS) {
      this.lastExpiry = now;
      void this.deliveries.expire();
    }
  }
}

/**
 * The use case's input for a submit of `type` (the submit's own, or its port kind's default). Not
 * async: a submit_sm naming its type is decided without a promise more than before.
 */
function inputFor(binding: Binding, f: SubmitFields, text: string, type: string, clientPartIds?: string[], keptPartsKey?: string): Record<string, unknown> {
  // dataCoding: recorded with the message, for a replace_sm's new text (which comes without one)
  const input: Record<string, unknown> = { from: f.from, to: f.to, text, type, registeredDelivery: receiptRequest(f.registeredDelivery), dataCoding: f.dataCoding };
  // A stock ESME (Kannel, Net::SMPP) cannot add TLV 0x1401: a commercial message without it takes
  // the credential's default category. A TLV given wins; the consent rules still decide.
  if (f.category !== undefined) input.category = f.category;
  else if (type === 'commercial' && binding.account.defaultCategory) input.category = binding.account.defaultCategory;
  // TLV 0x1403: a charged message (rule 8), checked by the use case as HTTP's chargedServiceId
  if (f.chargedServiceId !== undefined) input.chargedServiceId = f.chargedServiceId;
  if (f.clientRef !== undefined) input.clientRef = f.clientRef;
  if (clientPartIds?.length) input.clientPartIds = clientPartIds;
  if (keptPartsKey) input.keptPartsKey = keptPartsKey;
  if (f.scheduledAt !== undefined) input.scheduledAt = new Date(f.scheduledAt).toISOString();
  if (f.validUntil !== undefined) input.validUntil = new Date(f.validUntil).toISOString();
  return input;
}

/** A use case's outcome as SMPP answers it. */
function statusOf(out: SubmitOutcome): { status: number; id: string; code?: string } {
  if (out.ok) return { status: CommandStatus.ESME_ROK, id: out.id };
  // Held for review: recorded and may still be sent, so it is accepted as far as SMPP can say
  // (HTTP answers 202 with the id): ESME_ROK and the id, the outcome follows as a receipt.
  if (out.error.code === 'held_for_review' && out.id) return { status: CommandStatus.ESME_ROK, id: out.id, code: out.error.code };
  return { status: smppStatusFor(out.error.code), id: '', code: out.error.code };
}

/**
 * registered_delivery bits 1..0 (SMPP 3.4 §5.2.17): 00 no receipt, 01 on success or failure, 10 on
 * failure only; 11 is reserved and read as 01 (also what a set of parts asking 01 and 10 ORs to).
 */
export function receiptRequest(registeredDelivery: number): ReceiptRequest {
  const bits = registeredDelivery & 3;
  return bits === 2 ? 'failure' : bits !== 0;
}

/** Who a bind acts as in the use cases: its content provider, the credential's system_id as actor. */
function principalOf(b: Binding): Principal {
  return { role: 'content-provider', contentProviderId: b.account.contentProviderId, actorId: `smpp:${b.account.systemId}` };
}

/** True when a deliver_sm handed to `s` now is written at once rather than queued (Session.flush). */
function writesAtOnce(s: Session<DeliverCtx>, now: number): boolean {
  return s.hasRoom && s.backlog === 0 && (s.opts.outboundRate?.waitMs(now) ?? 0) === 0;
}

/** A command_status as a receipt's `err:` field: its hex digits, at least three (0x432 → "432"). */
function errField(status: number): string {
  return status.toString(16).padStart(3, '0');
}

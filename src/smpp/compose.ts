/**
 * Builds smsguard's SMPP doors for the composition root (src/main.ts): the SMPP server content
 * providers bind to, and the egress (SMPP client) — to carrier SMSCs given as `smpp://` URLs, or to the
 * built-in simulator started in process as a real SMPP SMSC. Nothing here listens until `startSmpp`
 * is called, and only main.ts calls it.
 */
import type { Egress } from '../ports/egress.js';
import type { UpstreamLinkControl, UpstreamLinkSource } from '../ports/upstream-links.js';
import type { SmppCredentialStore } from '../ports/smpp-credentials.js';
import type { SmppDeliveryStore } from '../ports/smpp-deliveries.js';
import type { SmppBindRegistry } from '../ports/smpp-binds.js';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { SmppUpstream } from './client/upstream.js';
import { ThreadedUpstream } from './client/threaded-upstream.js';
import type { PortedNumbersData } from './client/ported-numbers.js';
import { parseUpstreamUrl, type UpstreamLinkConfig } from './client/config.js';
import { SmppCredentials } from './server/credentials.js';
import { SmppServer, type SmppServerApp, type SmppTlsIdentity } from './server/server.js';
import { linkTlsOptions } from './client/tls.js';
import { SmppSimulatorServer, type SimulatorOutbox } from './simulator/simulator-server.js';
import type { SmppLog } from './log.js';
import type { Emitter } from '../app/events.js';
import type { AllEvents } from '../app/context.js';

export interface StartSmppOptions {
  app: SmppServerApp;
  credentialStore: SmppCredentialStore;
  contentProviderExists(id: string): Promise<boolean>;
  portKind(number: string): Promise<string | null>;
  now(): number;
  newId(): string;
  /** SMPP server for content providers; `null` = do not listen. */
  smppPort: number | null;
  smppHost: string;
  /** SMPP over TLS beside the plain port, on the same host (needs `smppPort`); absent: none. */
  smppTls?: SmppTlsIdentity & { port: number };
  /**
   * `simulator` (default): the in-process simulator behind a loopback SMPP SMSC; else one or more
   * `smpp://user:pass@host:port?…` URLs separated by commas, or link objects from the config file.
   */
  upstream: string | UpstreamLinkConfig[];
  /** False on processes that never send upstream (the ingress role): no link is bound. */
  egress?: boolean;
  /**
   * Links an operator stopped for the deployment (scale-out: read from the bus before the start,
   * src/queue/link-control.ts): held from the start, they never bind until started. A name no link
   * has is passed over.
   */
  heldLinks?: { name: string; by: string; at: number }[];
  /** The simulator outbox (src/simulator/simulator-smsc.ts), used when upstream is `simulator`. */
  simulator?: SimulatorOutbox;
  /** Port of the simulator's SMPP SMSC (0 = any free loopback port). */
  simulatorSmppPort?: number;
  /** Where receipts/MO wait for a provider's receiver bind (the store's; default: in memory). */
  deliveries?: SmppDeliveryStore;
  /** Undelivered receipts/MO are dropped after this age (default 72 h). */
  deliveryMaxAgeMs?: number;
  /**
   * How often the SMPP server re-checks its live binds' credentials against the store, ending those
   * of a credential revoked by another process (SmppServerOptions.credentialCheckMs; default
   * CREDENTIAL_CHECK_MS, 10 s).
   */
  credentialCheckMs?: number;
  /**
   * The live binds of every process sharing the store (the PostgreSQL store's): a credential's
   * maxBinds and throughput then hold for the deployment (SmppServerOptions.sharedBinds). Absent
   * (SQLite, one process): they hold per process, which is the whole deployment.
   */
  sharedBinds?: SmppBindRegistry;
  /**
   * The app's events, for revocations (`secretRevoked`): a credential revoked here is emitted there
   * (the bus roles tell the other processes), and each `smpp-credential` notice heard there, this
   * process's own or another's over NATS, ends that credential's binds here at once
   * (SmppServer.revokeCredential). Absent: a revocation here ends the binds here directly, and those
   * of other processes end at their credential check.
   */
  appEvents?: Pick<Emitter<AllEvents>, 'on' | 'emit'>;
  /** Every SMPP server process hears each receipt/MO event (NATS bus): see SmppServerOptions.sharedEvents. */
  sharedEvents?: boolean;
  log?: SmppLog;
  /**
   * Run the SMPP client on its own worker thread (default true): PDU encoding, windows and receipt
   * correlation then use the second core instead of the event loop that decides and records.
   */
  upstreamThread?: boolean;
  /** The ported-numbers list (--mnp-file) the upstream routes by; replaced later with egress.setPorted. */
  ported?: PortedNumbersData;
  /** Other processes submit on the same carrier accounts (UpstreamOptions.sharedAccount). */
  sharedAccount?: boolean;
}

export interface SmppDoors {
  credentials: SmppCredentials;
  /** Null when started with `egress: false`. */
  egress: (Egress & UpstreamLinkSource & UpstreamLinkControl & { waitUp(ms?: number): Promise<boolean>; setPorted(data: PortedNumbersData | null): void }) | null;
  server: SmppServer | null;
  /** Where the SMPP server listens (null when not started). */
  smppPort: number | null;
  /** Where it listens for SMPP over TLS (null when not asked or not started). */
  smppTlsPort: number | null;
  /** Where the simulator SMSC listens (null unless upstream is `simulator`). */
  simulatorSmppPort: number | null;
  /**
   * A graceful stop's first step for the SMPP server alone (SmppServer.stopSessions): no new binds,
   * every bound ESME unbound, receipts kept for its next bind. The egress is untouched: the delivery
   * worker still drains through it. A no-op without a server.
   */
  stopServer(): Promise<void>;
  /** Closes the server (stopping it first if `stopServer` was not called), the egress, the simulator. */
  close(): Promise<void>;
}

export function upstreamLinks(upstream: string | UpstreamLinkConfig[]): UpstreamLinkConfig[] {
  if (Array.isArray(upstream)) return upstream;
  // split only before `smpp://` or `smpps://`: prefixes lists inside a URL use commas too
  return upstream.split(/,(?=\s*smpps?:\/\/)/).map((s) => s.trim()).filter(Boolean).map(parseUpstreamUrl);
}

export async function startSmpp(o: StartSmppOptions): Promise<SmppDoors> {
  const credentials = new SmppCredentials({ store: o.credentialStore, contentProviderExists: o.contentProviderExists, now: o.now, newId: o.newId });
  let simServer: SmppSimulatorServer | null = null;
  let simulatorSmppPort: number | null = null;
  let links: UpstreamLinkConfig[];
  if (o.egress === false) links = [];
  else if (o.upstream === 'simulator') {
    if (!o.simulator) throw new Error('upstream simulator needs the simulator outbox');
    simServer = new SmppSimulatorServer({ sim: o.simulator });
    simulatorSmppPort = await simServer.listen(o.simulatorSmppPort ?? 0, '127.0.0.1');
    links = [parseUpstreamUrl(`smpp://smsguard:smsguard@127.0.0.1:${simulatorSmppPort}?name=simulator&window=1000`)];
  } else links = upstreamLinks(o.upstream);
  // an smpps:// link's CA file that cannot be used is a configuration error now, not a link that
  // never binds with "unable to verify" in the log
  for (const l of links) linkTlsOptions(l);
  const egress = !links.length ? null : o.upstreamThread === false ? new SmppUpstream({ links, log: o.log, ported: o.ported, sharedAccount: o.sharedAccount }) : new ThreadedUpstream({ links, log: o.log, ported: o.ported, sharedAccount: o.sharedAccount });
  for (const h of o.heldLinks ?? []) egress?.holdAtStart(h.name, h.by, h.at);
  egress?.start();
  let server: SmppServer | null = null;
  let unlisten: () => void = () => undefined;
  let smppPort: number | null = null;
  let smppTlsPort: number | null = null;
  if (o.smppPort !== null) {
    server = new SmppServer({ app: o.app, authenticate: (s, p, ip) => credentials.authenticate(s, p, ip), portKind: o.portKind, messageNow: o.now, log: o.log, deliveries: o.deliveries, deliveryMaxAgeMs: o.deliveryMaxAgeMs, sharedEvents: o.sharedEvents,
      // binds of a credential revoked by another process sharing the store end within one check period
      liveCredentials: (ids) => credentials.liveAmong(ids), credentialCheckMs: o.credentialCheckMs,
      sharedBinds: o.sharedBinds ? { registry: o.sharedBinds, member: `smpp_${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}` } : undefined,
    });
    try {
      smppPort = await server.listen(o.smppPort, o.smppHost);
      if (o.smppTls) smppTlsPort = await server.listenTls(o.smppTls.port, o.smppHost, o.smppTls);
    } catch (e) {
      // The port is taken (or the host not ours): what started above must not outlive the refusal.
      await server.close().catch(() => undefined);
      await egress?.close().catch(() => undefined);
      await simServer?.close().catch(() => undefined);
      throw e;
    }
    const s = server;
    // a revoked credential's binds here end at once; the HTTP answer does not wait for their unbind
    const end = (id: string) => void s.revokeCredential(id).catch((e) => o.log?.('smpp unbind of a revoked credential failed', { error: (e as Error).message }));
    if (o.appEvents) {
      // through the app's events: the same path for a revocation here and one told by another process
      const events = o.appEvents;
      unlisten = events.on('secretRevoked', (ev) => {
        if (ev.kind !== 'smpp-credential') return;
        if (s.bindsOf(ev.id)) o.log?.('smpp binds of a revoked credential unbound', { credentialId: ev.id }, 'info');
        end(ev.id);
      });
    } else credentials.onRevoked(end);
  }
  // told whether or not this process serves SMPP: another process's server may hold the binds
  if (o.appEvents) {
    const events = o.appEvents;
    credentials.onRevoked((id) => events.emit('secretRevoked', { kind: 'smpp-credential', id }));
  }
  return {
    credentials, egress, server, smppPort, smppTlsPort, simulatorSmppPort,
    async stopServer() {
      await server?.stopSessions();
    },
    async close() {
      unlisten();
      await server?.close();
      await egress?.close();
      await simServer?.close();
    },
  };
}


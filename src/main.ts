/**
 * The composition root and the `smsguard` command. The only file that reads the environment,
 * opens sockets and wires adapters to the core; nothing imports it.
 */
import { PACKAGE_VERSION } from './runtime/package-version.js';
import { Command, Option } from 'commander';
import pino from 'pino';
import { loadConfig, ConfigError, adminTokenProblem, adminTokenWeakness, envName, listenLine, settingFrom, settingLabel, trustProxyOption, upstreamLine, type Config } from './config/schema.js';
import { sqliteTuning } from './config/sqlite-tuning.js';
import { useWorkerBundles } from './runtime/worker-script.js';
import { ENV_ONLY_SETTINGS, OTHER_VARIABLES } from './config/env-only.js';
import { resolveProfile, type ProfileId, type ParamOverrides } from './profiles/index.js';
import { openStore } from './store/open.js';
import { startBusRoles, isBusStore, type BusRoles } from './queue/roles.js';
import { App } from './app/app.js';
import { DeliveryWorker } from './app/delivery.js';
import { ConsentSweeper } from './app/consent-sweeper.js';
import { HeldExpirySweeper } from './app/held-expiry-sweeper.js';
import { CallbackWorker } from './app/callback-worker.js';
import { HttpProcesses } from './app/http-processes.js';
import { MonitorShare } from './app/monitor-share.js';
import { TemplateSync } from './app/template-sync.js';
import { BaselineKeeper } from './app/baseline-keeper.js';
import { SimulatorSmsc } from './simulator/simulator-smsc.js';
import { SimulatedClock, SystemClock } from './simulator/clock.js';
import { savedSimulatedTime } from './app/simulated-time.js';
import { buildHttpApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { installComplaints, reservedPortsTaken } from './app/complaint-service.js';
import { installContentGovernance } from './app/content-install.js';
import type { ContentGovernance } from './app/content-governance.js';
import { SqliteStore } from './store/sqlite/index.js';
import { SqliteContentStore } from './store/sqlite/content.js';
import { PostgresStore } from './store/postgres/index.js';
import { PgContentStore } from './store/postgres/content.js';
import { contentRoutes } from './http/routes/content.js';
import { contentMetrics } from './http/content-metrics.js';
import { loadContentConfig } from './config/content-files.js';
import { registerInspectReport } from './cli/inspect-report.js';
import { resolve } from 'node:path';
import { constants as osConstants, hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { addScopeOptions, registerRecordsCommands, requireGatewayKey, scopeFromOptions, startRecords } from './cli/records.js';
import { privateLoggerOptions } from './http/log-privacy.js';
import { startSmpp, upstreamLinks, type SmppDoors } from './smpp/compose.js';
import { readLinkStops } from './queue/link-control.js';
import { SqliteSmppCredentials } from './store/sqlite/smpp-credentials.js';
import { smppCredentialRoutes } from './http/routes/smpp-credentials.js';
import { registerTokenCommands } from './cli/tokens.js';
import { registerSimulatorCommand } from './cli/simulator.js';
import { registerBackupCommand } from './cli/backup.js';
import { formatCliError } from './cli/error-output.js';
import { StartInterrupted, StartSignals } from './runtime/start-signals.js';
import { listenProblem } from './cli/listen-problem.js';
import { loadUpstreamFile } from './config/upstream-file.js';
import { mnpProblemLines } from './config/mnp-file.js';
import { loadMnpFileOffThread, reloadMnp } from './config/mnp-reload.js';
import { CoalescedTask } from './runtime/coalesced.js';
import { registerMnpCommand } from './cli/mnp.js';
import type { PortedNumbersData } from './smpp/client/ported-numbers.js';
import { loadTlsIdentity } from './config/tls-identity.js';
import { GatewayLockedError, acquireGatewayLock } from './store/sqlite/gateway-lock.js';
import { isPostgresUrl } from './store/postgres/index.js';
import { checkSchemaName } from './store/postgres/schema-name.js';
import { Closers, type Closer } from './runtime/closers.js';
import { withoutPassword } from './runtime/without-password.js';

/**
 * `smsguard start`. Each piece, once open, registers how to close it (runtime/closers.ts); one list
 * serves both ends. A start that fails part-way (a port already taken, a content file that does not
 * load, …) closes what it had opened, newest first, before the error is reported: the listeners and
 * the upstream links' thread, the store (its WAL checkpointed) and the gateway lock, instead of
 * leaving them to the process's exit. SIGINT/SIGTERM close the same list, gracefully: the doors that
 * take input first, then the delivery worker (drained while a link is bound), the background jobs,
 * the upstream links, the store and the lock last.
 */
async function start(config: Config): Promise<void> {
  const closers = new Closers();
  const starting = new StartSignals();
  try {
    await startGateway(config, closers, starting);
  } catch (e) {
    // interrupted: everything opened so far may have taken work already, so it is closed as at a stop
    await closers.close(e instanceof StartInterrupted);
    throw e;
  } finally {
    starting.release();
  }
}

/** Starts everything, registering with `closers` how to close each piece once it is open. */
async function startGateway(config: Config, closers: Closers, starting: StartSignals): Promise<void> {
  // a signal during the start stops it once the piece just opened is registered (StartSignals)
  const undo = (what: string, close: Closer) => {
    closers.add(what, close);
    starting.check();
  };
  // A chosen admin token that could never be sent in a header, refused before anything opens (a short one is warned of below).
  const tokenProblem = adminTokenProblem(process.env.SMSGUARD_ADMIN_TOKEN);
  if (tokenProblem) throw new ConfigError([tokenProblem]);
  // process-wide: how the SMPP client's and the verifier's worker threads boot (SMSGUARD_WORKER_BUNDLE)
  useWorkerBundles(config.workerBundle === 'on');
  const log = pino(privateLoggerOptions(config.logLevel));
  const weakToken = adminTokenWeakness(process.env.SMSGUARD_ADMIN_TOKEN);
  if (weakToken) log.warn(weakToken);
  // The SMPP TLS port's certificate and key, checked before anything opens (the SMPP server is not
  // on egress-only processes, so neither is its TLS port).
  const smppTls = config.smppTlsPort !== undefined && config.role !== 'egress' ? { port: config.smppTlsPort, ...loadTlsIdentity(config.tlsCert!, config.tlsKey!, { cert: settingLabel(config, 'tlsCert'), key: settingLabel(config, 'tlsKey') }) } : undefined;
  // One gateway per SQLite file (store/sqlite/gateway-lock.ts), taken before the store is opened.
  const lock = !isPostgresUrl(config.db) && config.db !== ':memory:' ? acquireGatewayLock(resolve(config.db)) : undefined;
  if (lock === null) throw new GatewayLockedError(resolve(config.db));
  if (lock) undo('gateway lock', () => lock.release());
  const opened = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema, poolSize: config.dbPoolSize });
  const store = opened.store;
  undo('store', () => store.close());
  // The processes of a PostgreSQL deployment share its heads: one started without the deployment's
  // key (and none in its ./var) refuses rather than sign with a key of its own (cli/records.ts).
  if (isPostgresUrl(config.db)) await requireGatewayKey(config, store);
  // A simulated clock resumes where it was last moved (app/simulated-time.ts): a restart must not
  // put it back to system time, behind messages and deadlines dated at a later simulated time.
  const resumedAt = config.clock === 'simulated' ? await savedSimulatedTime(store.settings) : null;
  const clock = config.clock === 'simulated' ? new SimulatedClock(resumedAt ?? Date.now()) : new SystemClock();
  const profile = resolveProfile(config.profile as ProfileId, JSON.parse(config.profileOverrides) as ParamOverrides);
  const app = new App({
    store, clock, profile, reviewHoldMaxMs: config.reviewHoldMaxHours * 3_600_000,
    webSessions: { idleMs: config.webSessionIdleHours * 3_600_000, maxMs: config.webSessionMaxHours * 3_600_000 },
  });
  undo('web sign-in audit', () => app.webSessions.close()); // after the pages close, before the store: refusals not yet told
  const admin = await app.auth.ensureAdminToken(process.env.SMSGUARD_ADMIN_TOKEN);
  // Content governance (docs/CONTENT.md): prohibited content, trained advertising classifier,
  // templates and signature review, early warning (on PostgreSQL it judges the deployment's traffic:
  // each process's counts are shared every second, app/monitor-share.ts).
  const contentOptions = loadContentConfig(process.env);
  const contentStore = store instanceof SqliteStore ? new SqliteContentStore(store.db) : store instanceof PostgresStore ? new PgContentStore(store.pool, store.writer) : null;
  const content: ContentGovernance | null = contentStore ? await installContentGovernance(app, contentStore, contentOptions) : null;
  if (content) {
    // baselines survive a restart (docs/CONTENT.md): saved every minute and at the stop
    const keeper = new BaselineKeeper(content, { onError: (e) => log.warn(e, 'early warning: cannot save the baselines; they are saved again at the next minute') });
    keeper.start();
    undo('early-warning baselines', () => keeper.stop());
  }
  if (content && store instanceof PostgresStore) {
    // before any door opens: the monitor judges shared counts from the first message
    const share = new MonitorShare(content, store.monitorShare, {
      member: `ew_${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`,
      now: () => clock.now(),
      onProcesses: (n) => log.info({ processes: n }, `early warning: ${n} gateway process(es) judge messages; a throttle's rate is split ${n} ways`),
      onError: (e) => log.warn(e, 'early warning: cannot share the monitor\'s counts; judging on the others\' counts last read'),
    });
    await share.start();
    undo('early-warning share', () => share.stop());
    // templates and content settings changed through another process bind this one within 10 s
    const templateSync = new TemplateSync(content, (e) => log.warn(e, 'content governance: cannot read the templates other processes changed; matching with those compiled here'));
    templateSync.start();
    undo('template sync', () => templateSync.stop());
  }

  const simulator = new SimulatorSmsc(clock, { holdMs: config.simulatorHoldMs });
  undo('simulator', () => simulator.close());
  // SMPP doors (docs/SMPP.md): the server content providers bind to (not on egress-only processes),
  // and the egress: carrier SMSCs from --upstream smpp://…, or the built-in simulator as a real SMPP
  // SMSC on loopback.
  const credentialStore = store instanceof SqliteStore ? new SqliteSmppCredentials(store.db) : store instanceof PostgresStore ? store.smppCredentials : null;
  if (!credentialStore) throw new ConfigError(['db: this store has no SMPP credential adapter']);
  const links = config.upstreamFile ? loadUpstreamFile(config.upstreamFile, settingFrom(config, 'upstreamFile')) : null;
  // ported numbers: bad lines are logged and skipped; an unreadable file stops the start
  let ported: PortedNumbersData | undefined;
  if (config.mnpFile) {
    const mnp = await loadMnpFileOffThread(config.mnpFile, settingFrom(config, 'mnpFile'));
    for (const line of mnpProblemLines(config.mnpFile, mnp.problems, mnp.skipped)) log.warn({ problem: line }, 'mnp list: line skipped');
    log.info({ path: config.mnpFile, numbers: mnp.data.numbers.byteLength / 8, carriers: mnp.data.names, skipped: mnp.skipped }, 'mnp list loaded');
    ported = mnp.data;
  }
  // Scale-out: the links an operator stopped for the deployment stay stopped in an egress process
  // that starts now, from before they would bind (src/queue/link-control.ts).
  const heldLinks = config.queue && config.role !== 'ingress' ? await readLinkStops(config.queue, config.queuePrefix) : [];
  let smpp: SmppDoors;
  try {
    smpp = await startSmpp({
      app, credentialStore,
      contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null,
      portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null,
      now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
      smppPort: config.role === 'egress' ? null : config.smppPort, smppHost: config.smppHost, smppTls,
      upstream: links ?? config.upstream,
      // An ingress process only publishes to the bus; egress processes hold the upstream links.
      egress: !(config.queue && config.role === 'ingress'),
      heldLinks,
      upstreamThread: config.upstreamThread === 'on',
      ported,
      // several processes on one PostgreSQL may share a carrier account: a receipt on this bind may
      // be another's, so the store, not a guess here, matches it (UpstreamOptions.sharedAccount)
      sharedAccount: store instanceof PostgresStore,
      simulator,
      // receipts/MO for providers without a receiver bind wait in the store, surviving restarts
      deliveries: store instanceof SqliteStore || store instanceof PostgresStore ? store.smppDeliveries : undefined,
      // several processes on one PostgreSQL: a credential's maxBinds and throughput hold for all of them
      sharedBinds: store instanceof PostgresStore ? store.smppBinds : undefined,
      deliveryMaxAgeMs: config.smppDeliveryMaxAgeHours * 3_600_000,
      // over NATS every ingress hears each receipt/MO: only the one with the provider's receiver sends it
      sharedEvents: config.queue !== undefined,
      // a revoked credential's binds end through the app's events: here, and with NATS everywhere at once
      appEvents: app.events,
      log: (msg, f, level) => (level === 'info' ? log.info(f ?? {}, msg) : log.warn(f ?? {}, msg)),
    });
  } catch (e) {
    // The SMPP server's own port taken (or its host not ours) is said as for the HTTP port; any other
    // failure here comes from the upstream links.
    const l = e as NodeJS.ErrnoException & { port?: number; address?: string };
    // (node leaves `port` out of the error of a listen on port 0: an address not on this host)
    const port = l.port ?? 0;
    if (l.syscall === 'listen' && config.role !== 'egress' && port === config.smppPort && l.address === config.smppHost) {
      throw new ConfigError([listenLine(config, 'smppHost', 'smppPort', config.smppPort, listenProblem(l))]);
    }
    if (l.syscall === 'listen' && smppTls && port === smppTls.port && l.address === config.smppHost) {
      throw new ConfigError([listenLine(config, 'smppHost', 'smppTlsPort', smppTls.port, listenProblem(l))]);
    }
    // parseUpstreamUrl's and the links' TLS messages say `upstream: …`: named as the operator gave the links
    throw new ConfigError([upstreamLine(config, (e as Error).message)]);
  }
  undo('smpp', () => smpp.close());
  // SIGHUP reloads the ported-numbers list (src/config/mnp-reload.ts says why a signal, not a timer)
  const mnpFile = config.mnpFile;
  const egress = smpp.egress;
  if (mnpFile && egress) {
    // one load at a time, and signals during a load cost one more load after it: the newest file wins
    const reload = new CoalescedTask(async () => {
      await reloadMnp(mnpFile, egress, (msg, f, level) => (level === 'info' ? log.info(f, msg) : log.warn(f, msg)));
    }, (e) => log.warn({ error: e.message }, 'mnp list not reloaded'));
    process.on('SIGHUP', () => reload.kick());
    undo('mnp reload', () => reload.stop());
  } else {
    // Unhandled, SIGHUP kills the process on the spot (Node's default), skipping the graceful stop:
    // an operator sending it to reload must not stop the gateway
    process.on('SIGHUP', () => log.info({ sig: 'SIGHUP' }, `SIGHUP: nothing to reload (${!mnpFile ? 'no --mnp-file' : 'no carrier links on this role'}); the gateway goes on`));
  }
  const sweeper = new ConsentSweeper(app.ctx);
  sweeper.start();
  undo('consent sweeper', () => sweeper.stop());
  // Held messages not decided within their validity or the maximum hold expire (review-queue.ts).
  const heldExpiry = new HeldExpirySweeper(app.ctx);
  heldExpiry.start();
  undo('held expiry', () => heldExpiry.stop());
  // Complaints: the report port claims `举报` SMS; the sweeper escalates overdue cases.
  const complaints = installComplaints(app, { reportPort: config.reportPort });
  // A provider port registered before the number was reserved stays, and loses its MO: say so once.
  for (const t of await reservedPortsTaken(app)) log.warn({ port: t.number, contentProviderId: t.contentProviderId }, t.message);
  complaints.sweeper.start();
  undo('complaints', () => complaints.stop());
  if (content) {
    // An early-warning suspension goes into the provider's credit file (docs/COMPLAINTS.md).
    const prevAlert = content.onAlert;
    content.onAlert = (a) => {
      prevAlert?.(a);
      if (a.action.kind === 'suspend') void complaints.recordEarlyWarningSuspension(a.contentProviderId, { alertId: a.id, rule: a.rule, metric: a.metric, value: a.value, threshold: a.threshold }).catch((e: Error) => log.error(e, 'credit file'));
    };
  }
  // HTTP callbacks (webhooks) of content providers: every role hears the status and MO events, the
  // store keeps one row per event, and a lease gives each attempt to one process.
  const callbacks = new CallbackWorker(app.ctx, app.callbacks, { log });
  await callbacks.start();
  undo('callbacks', () => callbacks.stop());
  const records = startRecords(app, config, log);
  undo('records', () => records.stop());
  // Without a bus one process does everything through the store's queue; with --queue the pieces
  // split over NATS JetStream (src/queue) and only egress processes talk to the upstream. Started
  // after the services its messages and MO reach (complaints, records), so stopped before them.
  let bus: BusRoles | null = null;
  let worker: DeliveryWorker | null = null;
  if (config.queue) {
    if (!isBusStore(store)) throw new ConfigError([`${settingLabel(config, 'queue')}: needs the PostgreSQL store (--db postgres://…): processes cannot share a SQLite file`]);
    const roles = await startBusRoles(app, store, smpp.egress, {
      role: config.role, url: config.queue, links: smpp.egress, prefix: config.queuePrefix, partitions: config.queuePartitions,
      owner: store instanceof PostgresStore ? await store.busDeployment() : undefined,
      timings: { leaseMs: config.queueLeaseMs, graceMs: config.queueGraceMs, ackWaitMs: config.queueAckWaitMs },
    });
    bus = roles;
    // Finishes the batch in hand and acknowledges it, gives partitions back; the rest stays queued.
    // Then, on an egress process, the carrier links unbind while receipts and MO are still recorded,
    // as in the 'delivery worker' closer below (BusEgressWorker.stop); 'smpp' closes the rest.
    undo('bus', (graceful) => roles.stop({ unbindLinks: graceful }));
  } else {
    if (config.role !== 'all') throw new ConfigError([`${settingLabel(config, 'role')}: '${config.role}' needs --queue nats://…`]);
    const w = new DeliveryWorker(app.ctx, smpp.egress!, { inFlight: config.deliveryInFlight }, (mo) => app.receiveMo(mo, 'system'));
    w.start();
    worker = w;
    undo('delivery worker', async (graceful) => {
      // Sends what is queued for up to 5 s, unless no link is bound: then nothing could go, and
      // stopSending() gives the batch in hand back to the queue at once (DeliveryWorker.stopSending).
      if (graceful && smpp.egress?.bound?.() !== false) await w.drain(5000).catch(() => undefined);
      await w.stopSending();
      // Then the carrier links unbind while receipts and MO are still recorded: a deliver_sm that
      // crosses the unbind is recorded and answered ESME_ROK, not refused ESME_RX_T_APPN for the SMSC
      // to deliver again after the restart (docs/SMPP.md, "Unbinds on a link"). Nothing is submitted
      // any more (the batches in hand are settled); 'smpp' below closes the rest (server, simulator).
      if (graceful) await smpp.egress?.close().catch((e: Error) => log.error(e, 'smpp upstream shutdown'));
      await w.stop();
    });
  }
  // The carrier links' status (GET /v1/upstream-links, /web/links, /metrics); none on an ingress process.
  app.setUpstreamLinks(smpp.egress);
  addReadinessChecks(app, config, bus, smpp);
  const metrics = createMetrics(app, () => store.outbox.pendingCount(), {
    smppDeliveriesExpired: smpp.server ? () => smpp.server!.deliveries.expired : undefined,
    smppCredentialProcesses: smpp.server ? () => smpp.server!.credentialShares() : undefined,
    upstreamLinks: smpp.egress ?? undefined,
  });
  if (content) {
    // beside the credit-file hook set above, not in its place: assigned over it, every alert was
    // counted and no early-warning suspension reached a credit file
    const counted = contentMetrics(metrics.registry, content.actions);
    const before = content.onAlert;
    content.onAlert = (a) => {
      before?.(a);
      counted(a);
    };
  }
  // The simulator routes (inject MO, read the outbox) are unauthenticated test doors: served only
  // when the built-in simulator SMSC is this process's upstream (`--upstream simulator`, the default),
  // never beside a real carrier link, nor on an ingress-only process. The clock route is served
  // whenever the clock is simulated, else time would never move: without a token beside the
  // simulator, as before, and for the admin token only elsewhere (src/http/routes/simulator.ts).
  const servesSimulator = smpp.simulatorSmppPort !== null;
  // Several processes on one PostgreSQL split each provider's HTTP throughput between those serving
  // message requests (app/http-processes.ts); counted once before the door opens. SQLite: one
  // process, the whole rate.
  if (store instanceof PostgresStore) {
    const processes = new HttpProcesses(store.httpProcesses, app.httpThroughput, {
      member: `http_${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`,
      // an egress process serves no message requests (it counts as none): the split is not its news
      onChange: (n) => { if (config.role !== 'egress') log.info({ processes: n }, `HTTP throughput: ${n} gateway process(es) serve HTTP; each provider's rate is split ${n} ways`); },
      // once per outage: the share stays the last one known until a round succeeds
      onError: (e) => log.warn(e, 'HTTP throughput: cannot read the processes serving HTTP; keeping the last share'),
    });
    await processes.start();
    undo('http processes', () => processes.stop());
  }
  const http = await buildHttpApp({
    app, metrics, simulator: servesSimulator ? simulator : undefined,
    simulatedClock: clock instanceof SimulatedClock ? clock : undefined,
    logger: privateLoggerOptions(config.logLevel === 'info' ? 'warn' : config.logLevel),
    plugins: [smppCredentialRoutes(smpp.credentials), ...(content ? [contentRoutes(content)] : [])],
    trustProxy: trustProxyOption(config.trustProxy),
  });
  // Closed right after HTTP (closers run newest first), before the drain: bound ESMEs are unbound
  // and stop adding work while the delivery worker drains; receipts due meanwhile are kept for their
  // next bind, and the egress closes later, once the worker stopped sending ('delivery worker').
  // A failed start leaves the server and the egress to 'smpp'.
  undo('smpp server', (graceful) => (graceful ? smpp.stopServer() : undefined));
  undo('http', () => http.close());
  app.events.on('workerError', (e) => log.error(e, 'delivery worker error'));
  if (clock instanceof SimulatedClock) clock.onChange(() => { worker?.kick(); bus?.relay.kick(); });
  if (clock instanceof SimulatedClock) clock.onChange(() => complaints.sweeper.kick());
  if (clock instanceof SimulatedClock) clock.onChange(() => callbacks.kick());
  let address: string;
  try {
    address = await http.listen({ host: config.httpHost, port: config.httpPort });
  } catch (e) {
    // A port taken or an address not on this host is the operator's to fix, as for the SMPP port.
    if ((e as NodeJS.ErrnoException).syscall !== 'listen') throw e;
    throw new ConfigError([listenLine(config, 'httpHost', 'httpPort', config.httpPort, listenProblem(e as NodeJS.ErrnoException))]);
  }

  const lines = [
    `smsguard is running`,
    `  HTTP API      ${address}  (OpenAPI: ${address}/docs, health: ${address}/healthz, readiness: ${address}/readyz, metrics: ${address}/metrics)`,
    `  database      ${opened.description}`,
    `  queue         ${config.queue ? `NATS JetStream ${withoutPassword(config.queue)} (role ${config.role}, ${config.queuePartitions} partitions)` : 'in process (the store\'s queue)'}`,
    `  profile       ${profile.id} (${profile.title})`,
    `  SMPP server   ${smpp.smppPort !== null ? `${config.smppHost}:${smpp.smppPort} (SMPP 3.4; credentials: POST ${address}/v1/content-providers/{id}/smpp-credentials)` : 'not on this role'}`,
    ...(smpp.smppTlsPort !== null && smppTls ? [`  SMPP over TLS ${config.smppHost}:${smpp.smppTlsPort} (certificate ${smppTls.subject}, valid until ${smppTls.validTo.toISOString()}${smppTls.validTo.getTime() < Date.now() ? ': EXPIRED, clients that verify will refuse it' : ''})`] : []),
    !smpp.egress
      ? `  upstream      none on this role (egress processes hold the links)`
      : !links && config.upstream === 'simulator'
      ? `  upstream      built-in simulator SMSC, SMPP on 127.0.0.1:${smpp.simulatorSmppPort} (outbox: GET ${address}/v1/simulator/outbox)`
      : `  upstream      ${(links ?? upstreamLinks(config.upstream)).map((l) => `${l.name === `${l.host}:${l.port}` ? l.name : `${l.name} (${l.host}:${l.port})`}${l.tls ? (l.tls.insecure ? ' TLS, certificate NOT verified (insecure=1)' : ' TLS') : ''}`).join(', ')}`,
    `  clock         ${config.clock}${config.clock !== 'simulated' ? '' : resumedAt !== null ? ` from ${new Date(resumedAt).toISOString()} (resumed where it was last moved)` : ` from ${new Date(clock.now()).toISOString()} (system time: never moved before)`}${config.clock === 'simulated' ? `; moves with POST ${address}/v1/simulator/clock${servesSimulator ? '' : ' (admin token)'}` : ''}`,
    admin.token && admin.source === 'generated'
      ? `  admin token   ${admin.token}\n                (generated now and stored hashed: it is shown only this once; set SMSGUARD_ADMIN_TOKEN to choose your own)`
      : admin.source === 'env'
        ? `  admin token   from SMSGUARD_ADMIN_TOKEN`
        : `  admin token   stored hashed (printed at first start); create another with: smsguard token create --role admin --db ${config.db}${config.dbSchema ? ` --db-schema ${config.dbSchema}` : ''}`,
    records.line,
  ];
  let closing = false;
  const shutdown = async (sig: string) => {
    if (closing) {
      // A second signal: whoever sent it will not wait out the stop delay and the drain (a second
      // Ctrl-C). Exiting now loses nothing: what was accepted is in the store, a batch in hand is
      // sent after the restart (its lease runs out, as after kill -9), and the gateway lock goes
      // with the process.
      log.warn({ sig }, 'second signal: stopping now, without the rest of the stop delay and the drain');
      process.exit(1);
    }
    closing = true;
    // GET /readyz answers 503 stopping from now on; everything else is served for --stop-delay-ms,
    // long enough for a balancer polling it to stop sending before the listener closes
    app.readiness.markStopping();
    if (config.stopDelayMs > 0) {
      log.info({ sig, stopDelayMs: config.stopDelayMs }, 'stopping: readiness 503 stopping, closing after the stop delay');
      await new Promise((r) => setTimeout(r, config.stopDelayMs));
    }
    log.info({ sig }, 'shutting down');
    await closers.close(true, (what, e) => log.error(e, `${what} shutdown`));
    process.exit(0);
  };
  // the last moment a signal during the start stops it; from here on the running gateway's handlers answer
  starting.check();
  starting.release();
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The banner only once the signals are handled: a supervisor (or a test) that reads it and sends
  // SIGTERM at once killed the process outright, without the graceful stop, when the signal came
  // between the banner and these handlers.
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * The readiness checks of what this process runs (app/readiness.ts; the store's is the app's own).
 * NATS makes only an egress process not ready: an ingress (or `all`) process keeps taking messages
 * while the bus is away, its relay handing them over from PostgreSQL once it is back
 * (docs/SCALING.md), while an egress process without it has nothing to do. Carrier links are
 * reported only: what is accepted while they are down waits in the durable queue.
 */
function addReadinessChecks(app: App, config: Config, bus: BusRoles | null, smpp: SmppDoors): void {
  if (bus) {
    const nc = bus.bus.nc;
    // a PING round trip: rejects at once while disconnected or reconnecting
    app.readiness.add({ name: 'queue', required: config.role === 'egress', run: async () => { await nc.rtt(); } });
  }
  const server = smpp.server;
  if (server) app.readiness.add({ name: 'smppServer', required: true, run: async () => (server.listening ? { ok: true } : { ok: false, detail: 'not listening' }) });
  const egress = smpp.egress;
  if (egress) {
    app.readiness.add({
      name: 'upstreamLinks', required: false,
      run: async () => {
        // never rejects: a client thread that does not answer in time gives its last figures
        const s = await egress.linkStatus(Math.min(500, app.readiness.timeoutMs));
        const bound = s.links.filter((l) => l.state === 'bound').length;
        return {
          ok: bound > 0,
          detail: `${bound} of ${s.links.length} bound${s.stale ? ' (the client thread did not answer in time: its last figures)' : ''}`,
          // the probe takes no token: a link named by its address (no `name=`) is shown by its place
          links: s.links.map((l, i) => ({ name: l.name === `${l.host}:${l.port}` ? `#${i + 1}` : l.name, state: l.state })),
        };
      },
    });
  }
}

/**
 * `token create`: into an install that exists (`existing`), never a new one. A token written into a
 * database or schema no gateway uses (a mistyped --db or --db-schema) would only fail later, at login.
 */
async function createToken(config: Config, role: string, label: string, scope: Record<string, unknown> = {}): Promise<void> {
  const { store } = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema, existing: true });
  const app = new App({ store, clock: new SystemClock(), profile: resolveProfile(config.profile as ProfileId) });
  const { id, token } = await app.auth.createToken(role as 'admin', label, null, scope);
  process.stdout.write(`${JSON.stringify({ id, role, token, ...(Object.keys(scope).length ? { scope } : {}) })}\n`);
  await store.close();
}

/** `start --help`'s last part: where settings come from, and those only the environment sets. */
function environmentHelp(): string {
  const rows = [
    ...Object.entries(ENV_ONLY_SETTINGS).map(([k, what]) => [envName(k), what]),
    ...Object.entries(OTHER_VARIABLES),
  ];
  const width = Math.max(...rows.map(([n]) => n.length));
  return [
    '',
    'Every option can also be set in the environment: SMSGUARD_ and the option in upper snake case',
    '(--http-port: SMSGUARD_HTTP_PORT); a flag wins, an empty variable is unset. Only from the environment:',
    ...rows.map(([n, what]) => `  ${n.padEnd(width)}  ${what}`),
  ].join('\n');
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('--db <path|url>', 'SQLite database file (default ./var/smsguard.db, relative to the working directory), or postgres://… (also DATABASE_URL)', undefined)
    // Checked as the flag is read: a bad name is one line naming the flag and the rule (checkSchemaName's
    // invalid_request), before any command opens a connection.
    .option('--db-schema <schema>', 'PostgreSQL schema (start and migrate create it if missing; other commands need it to exist)', checkSchemaName)
    .addOption(new Option('--profile <id>', 'regulation profile').choices(['cn-2015', 'cn-2026']));
}

export function buildCli(): Command {
  const program = new Command('smsguard').description('SMS gateway that enforces the PRC Regulations on the Management of Communication Short Message Service')
    // commander's own refusals (an unknown flag or command, a missing required flag, a value not among
    // the choices) begin "error:"; every other mistake is "smsguard: …" (README, Running it). Set
    // before the commands are added, which inherit it.
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'smsguard: ')) })
    .version(PACKAGE_VERSION, '-V, --version', 'print smsguard\'s version and exit');
  commonOptions(program.command('start').description('start the gateway (HTTP API, delivery worker, simulator SMSC)'))
    .option('--http-port <port>', 'HTTP port (default 8080)')
    .option('--http-host <host>', 'HTTP listen address (default 127.0.0.1)')
    .option('--trust-proxy <list>', 'reverse proxies whose X-Forwarded-For to believe: addresses, CIDR ranges, loopback|linklocal|uniquelocal, or a hop count (default none)')
    .option('--upstream <upstream>', "upstream SMSC: 'simulator' (default: the built-in one over SMPP) or smpp://user:pass@host:port[?window=&throughput=&prefixes=&weight=&name=&receiptAck=recorded|received&bind=trx|tx+rx], comma-separated for several links; smpps://… for TLS (port 3550 by default; &ca=PATH, &servername=, &insecure=1 for tests only)")
    .addOption(new Option('--clock <clock>', 'system, or simulated: moves only via POST /v1/simulator/clock, served with any upstream (no token with the built-in simulator; the admin token with smpp:// links, --upstream-file or --role ingress)').choices(['system', 'simulated']))
    .option('--simulator-hold-ms <ms>', 'the built-in simulator holds each message this long before delivering it (default 0); a cancel of one still held is honoured')
    .option('--upstream-file <path>', 'JSON file of upstream SMPP links with prefixes and weights (wins over --upstream)')
    .option('--mnp-file <path>', "CSV of ported numbers (携号转网), 'msisdn,carrier' a line: they go to links of that carrier (&carrier= / \"carrier\"); reloaded on SIGHUP")
    .addOption(new Option('--upstream-thread <on|off>', 'SMPP client on its own thread (default on)').choices(['on', 'off']))
    .option('--delivery-in-flight <n>', 'batches the delivery worker keeps out to the upstream at once, 1–16 (default 1: bursts are queued first)')
    .option('--review-hold-max-hours <h>', 'hours a message held for review waits for an operator when its sender gave no validity; then it expires (default 72, at most 8760)')
    .option('--web-session-idle-hours <h>', 'a web sign-in ends after this many hours without a page (default 8, at most --web-session-max-hours)')
    .option('--web-session-max-hours <h>', 'a web sign-in ends this many hours after it was opened (default 168: 7 days, at most 8760)')
    .option('--smpp-port <port>', 'SMPP server port (default 2775)')
    .option('--smpp-host <host>', 'SMPP server listen address, also of --smpp-tls-port (default 127.0.0.1)')
    .option('--smpp-tls-port <port>', 'also SMPP over TLS on this port (conventionally 3550; default none); needs --tls-cert and --tls-key')
    .option('--tls-cert <path>', 'PEM certificate (chain) the SMPP TLS port presents')
    .option('--tls-key <path>', 'PEM private key of --tls-cert (unencrypted)')
    .option('--queue <url>', 'nats://host:port: split ingress and egress over NATS JetStream (PostgreSQL store)')
    // as `token revoke` takes it: the README tells an operator to give both the bus `start` was given
    .option('--queue-prefix <prefix>', 'the bus\'s subject and stream prefix, letters, digits, _ and - (default smsguard; also SMSGUARD_QUEUE_PREFIX)')
    .addOption(new Option('--role <role>', 'pieces to run: ingress, egress or all (default)').choices(['ingress', 'egress', 'all']))
    .option('--stop-delay-ms <ms>', 'on SIGTERM/SIGINT, answer GET /readyz 503 stopping this long before closing (default 0)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default info)')
    .addHelpText('after', environmentHelp())
    .action(async (opts) => start(loadConfig(opts)));
  const token = program.command('token').description('manage access tokens');
  addScopeOptions(commonOptions(token.command('create').description('create a token for one person; prints it once'))
    .addOption(new Option('--role <role>', 'role').choices(['admin', 'regulator', 'report-centre']).makeOptionMandatory())
    .option('--label <label>', 'who the token is for', 'cli'))
    .action(async (opts) => createToken(loadConfig({ db: opts.db, dbSchema: opts.dbSchema, profile: opts.profile }), opts.role, opts.label, scopeFromOptions(opts.role, opts)));
  registerTokenCommands(token, commonOptions);
  commonOptions(program.command('migrate').description('apply database migrations and exit')).action(async (opts) => {
    const config = loadConfig(opts);
    const { store, description } = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema });
    await store.close();
    process.stdout.write(`migrations applied (${description})\n`);
  });
  registerRecordsCommands(program, commonOptions);
  registerInspectReport(program, commonOptions);
  registerBackupCommand(program, commonOptions);
  registerSimulatorCommand(program);
  registerMnpCommand(program);
  return program;
}

buildCli()
  .parseAsync(process.argv)
  .catch((e) => {
    // Exit 1 for every failure, as commander's own usage errors do. Exit 2 is an answer, not a failure, set
    // by the command itself: `records verify` (and `export`) found damage; `mnp check`: the number is not in the list.
    process.stderr.write(`${formatCliError(e)}\n`);
    // stopped by a signal while starting: the signal's exit code (128 + its number), as Node's default gave
    process.exit(e instanceof StartInterrupted ? 128 + osConstants.signals[e.signal] : 1);
  });

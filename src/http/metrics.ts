/** Prometheus metrics (prom-client). Labels carry codes and types, never numbers or text. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { App } from '../app/app.js';
import type { DecisionEvent } from '../app/context.js';
import { LabelTally, SEP } from './label-tally.js';
import type { UpstreamLinkSource } from '../ports/upstream-links.js';
import { upstreamLinkMetrics } from './upstream-link-metrics.js';

export interface Metrics {
  registry: Registry;
}

/** Figures that live outside the app's events, read when /metrics is scraped. */
export interface MetricSources {
  /** deliver_sm (receipts, MO) dropped undelivered past their maximum age, since start. */
  smppDeliveriesExpired?: () => number;
  /** This process's carrier links (the SMPP client): per-link metrics (upstream-link-metrics.ts). Absent: no egress here. */
  upstreamLinks?: UpstreamLinkSource;
  /** Per SMPP credential with live binds here, the processes its throughput is split by (SmppServer.credentialShares). Absent: no SMPP server here. */
  smppCredentialProcesses?: () => { systemId: string; processes: number }[];
}

export function createMetrics(app: App, pending?: () => Promise<number>, sources: MetricSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Per-message counters are tallied in plain numbers and handed over when scraped (label-tally.ts).
  const decided = new LabelTally(['decision', 'code', 'type', 'channel'] as const);
  const moved = new LabelTally(['status'] as const);
  new Counter({ name: 'smsguard_decisions_total', help: 'Messages judged by the pipeline', labelNames: decided.names, registers: [registry], collect() { decided.flushTo(this); } });
  new Counter({ name: 'smsguard_message_status_total', help: 'Status changes of accepted messages', labelNames: moved.names, registers: [registry], collect() { moved.flushTo(this); } });
  const mo = new Counter({ name: 'smsguard_mo_total', help: 'MO messages forwarded to content providers', registers: [registry] });
  // A replacement (PATCH /v1/messages/{id}, SMPP replace_sm) is a decision but no new message: its
  // own counter, same labels, so that smsguard_decisions_total stays the count of messages judged.
  const replaced = new LabelTally(['decision', 'code', 'type', 'channel'] as const);
  new Counter({ name: 'smsguard_replacements_total', help: 'Replacements of waiting messages judged by the pipeline (no new message: not in smsguard_decisions_total)', labelNames: replaced.names, registers: [registry], collect() { replaced.flushTo(this); } });
  app.events.on('decision', (d) => decided.add(decisionKey(d)));
  app.events.on('replacementDecided', (d) => replaced.add(decisionKey(d)));
  app.events.on('messageStatus', (s) => moved.add(s.status));
  app.events.on('moForward', () => mo.inc());
  const callbacks = new Counter({ name: 'smsguard_callbacks_total', help: 'HTTP callback attempts to content providers: sent (2xx), retried later, failed (given up)', labelNames: ['kind', 'outcome'], registers: [registry] });
  app.events.on('callback', (c) => callbacks.inc({ kind: c.kind, outcome: c.outcome }));
  if (pending) {
    // A store that does not answer keeps the last reading rather than failing the scrape: a failed
    // scrape would hide smsguard_ready 0, the figure that says why (GET /readyz).
    new Gauge({
      name: 'smsguard_outbox_pending', help: 'Accepted messages not yet submitted upstream (the last reading while the store does not answer: smsguard_ready_check{check="store"} 0)', registers: [registry],
      async collect() {
        try {
          this.set(await pending());
        } catch {
          // kept as last read
        }
      },
    });
  }
  // The number each provider's HTTP throughput is split by here (app/http-processes.ts; 1 on SQLite).
  new Gauge({ name: 'smsguard_http_throughput_processes', help: 'Gateway processes serving HTTP message requests, this one included, that share each content provider\'s HTTP throughput', registers: [registry], collect() { this.set(app.httpThroughput.processCount); } });
  const expired = sources.smppDeliveriesExpired;
  if (expired) {
    let seen = 0;
    new Counter({
      name: 'smsguard_smpp_deliveries_expired_total', help: 'Receipts and MO for content providers dropped undelivered past their maximum age (no receiver bound)', registers: [registry],
      collect() {
        const n = expired();
        if (n > seen) this.inc(n - seen);
        seen = n;
      },
    });
  }
  // The SMPP door's counterpart (smpp/server/shared-binds.ts): only credentials bound here, so a
  // credential whose binds all left drops out rather than keeping its last share.
  const shares = sources.smppCredentialProcesses;
  if (shares) {
    new Gauge({
      name: 'smsguard_smpp_credential_processes', help: 'Gateway processes holding live SMPP binds of each credential, this one included, that share its throughput (credentials with binds here only)',
      labelNames: ['system_id'], registers: [registry],
      collect() {
        this.reset();
        for (const c of shares()) this.set({ system_id: c.systemId }, c.processes);
      },
    });
  }
  if (sources.upstreamLinks) upstreamLinkMetrics(registry, sources.upstreamLinks);
  // GET /readyz as a scrape sees it (the same cached probe: a scrape adds no query of its own)
  new Gauge({
    name: 'smsguard_ready', help: 'Whether this process can take and keep messages (GET /readyz): 1 ready, 0 not ready or stopping', registers: [registry],
    async collect() { this.set((await app.readiness.probe()).status === 'ready' ? 1 : 0); },
  });
  new Gauge({
    name: 'smsguard_ready_check', help: 'Each readiness check of GET /readyz: 1 passing, 0 failing (upstreamLinks: 1 when a link is bound; reported only)', labelNames: ['check'], registers: [registry],
    async collect() {
      const r = await app.readiness.probe();
      this.reset();
      for (const [check, c] of Object.entries(r.checks)) this.set({ check }, c.ok ? 1 : 0);
    },
  });
  return { registry };
}

/** A decision's labels (decision, code, type, channel): held for review is `rejected` with code `held_for_review`. */
function decisionKey(d: DecisionEvent): string {
  return `${d.accepted ? 'accepted' : 'rejected'}${SEP}${d.code ?? ''}${SEP}${d.type}${SEP}${d.channel}`;
}

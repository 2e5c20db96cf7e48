/**
 * Per-link Prometheus metrics (label `link`), read from the SMPP client's own counters when /metrics
 * is scraped: one status request per scrape (to the client's thread when it runs on one, bounded by
 * LINK_STATUS_WAIT_MS), nothing per message.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { UpstreamLinkSource, UpstreamLinksSnapshot } from '../ports/upstream-links.js';
import { LINK_STATUS_WAIT_MS } from '../app/upstream-links.js';

export function upstreamLinkMetrics(registry: Registry, source: UpstreamLinkSource): void {
  // Every metric's collect runs in the same scrape: they share one request to the client.
  let asking: Promise<UpstreamLinksSnapshot> | null = null;
  const snapshot = () => (asking ??= source.linkStatus(LINK_STATUS_WAIT_MS).finally(() => { asking = null; }));
  const registers = [registry];
  const gauge = (name: string, help: string, read: (s: UpstreamLinksSnapshot['links'][number]) => number) => new Gauge({
    name, help, labelNames: ['link'], registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      for (const l of s.links) this.set({ link: l.name }, read(l));
    },
  });
  gauge('smsguard_upstream_link_bound', 'Whether the carrier link is bound (1) or not (0)', (l) => (l.state === 'bound' ? 1 : 0));
  gauge('smsguard_upstream_link_stopped', 'Whether an operator stopped the carrier link (1: POST /v1/upstream-links/{name}/stop) or not (0)', (l) => (l.state === 'stopped' ? 1 : 0));
  gauge('smsguard_upstream_link_in_flight', 'submit_sm written to the carrier link and not answered yet', (l) => l.inFlight);
  gauge('smsguard_upstream_link_queued', 'Submits waiting in the carrier link\'s queue (for the window, a throttling pause or the throughput cap)', (l) => l.queued);
  new Gauge({
    name: 'smsguard_upstream_links_stale', help: 'The SMPP client\'s thread did not answer the scrape in time: the link figures are its last (1), or current (0)', registers,
    async collect() { this.set((await snapshot()).stale ? 1 : 0); },
  });
  /*
   * Counters from the client's running totals: what grew since the last scrape is added. A total
   * that went down means the client's thread restarted and counts from zero again: all of it is new.
   */
  const counter = (name: string, help: string, extra: readonly string[], read: (s: UpstreamLinksSnapshot['links'][number]) => [Record<string, string>, number][]) => {
    const seen = new Map<string, number>();
    return new Counter({
      name, help, labelNames: ['link', ...extra], registers,
      async collect() {
        const s = await snapshot();
        for (const l of s.links) {
          for (const [labels, n] of read(l)) {
            const key = JSON.stringify([l.name, labels]);
            const before = seen.get(key) ?? 0;
            this.inc({ link: l.name, ...labels }, n >= before ? n - before : n);
            seen.set(key, n);
          }
        }
      },
    });
  };
  counter('smsguard_upstream_submits_total', 'submit_sm answers from the carrier link by outcome: submitted (ESME_ROK), throttled (ESME_RTHROTTLED), failed (another status, or none: timeout, dropped connection)', ['outcome'], (l) => [
    [{ outcome: 'submitted' }, l.counters.submitted], [{ outcome: 'throttled' }, l.counters.throttled], [{ outcome: 'failed' }, l.counters.submitFailed],
  ]);
  counter('smsguard_upstream_receipts_total', 'Delivery receipts the carrier sent on the link', [], (l) => [[{}, l.counters.receipts]]);
  counter('smsguard_upstream_mo_total', 'MO the carrier sent on the link', [], (l) => [[{}, l.counters.mo]]);
  counter('smsguard_upstream_reconnects_total', 'Connect attempts to the carrier after the first (after a failed connect or a dropped connection)', [], (l) => [[{}, l.reconnects]]);
}

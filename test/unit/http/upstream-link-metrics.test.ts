/**
 * The per-link metrics from running totals (src/http/upstream-link-metrics.ts): one status request
 * per scrape, counters that add what grew since the last scrape and never go back, all of a total
 * that went down (the client's thread restarted and counts from zero), the stale gauge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { upstreamLinkMetrics } from '../../../src/http/upstream-link-metrics.js';
import type { UpstreamLinkStatus, UpstreamLinksSnapshot } from '../../../src/ports/upstream-links.js';

function link(submitted: number, reconnects: number, state: UpstreamLinkStatus['state'] = 'bound'): UpstreamLinkStatus {
  return {
    name: 'cmcc', host: 'smsc.example', port: 2775, systemId: 'sg', tls: false, bind: 'trx', state, sessions: [], boundSince: state === 'bound' ? 1 : null, stoppedAt: null, stoppedBy: null, window: 10, inFlight: 3, queued: 4,
    throughput: 0, prefixes: [], weight: 1, carrier: null, throttledUntil: null, reconnects, lastError: null, counters: { submitted, submitFailed: 0, throttled: 0, receipts: 0, mo: 0 },
  };
}

test('counters add what grew, a restarted count whole; gauges as read; one request per scrape', async () => {
  const registry = new Registry();
  let next: UpstreamLinksSnapshot = { links: [link(5, 0)], at: 1, stale: false };
  let asked = 0;
  upstreamLinkMetrics(registry, { linkStatus: async () => { asked++; return next; } });
  const scrape = async () => {
    const text = await registry.metrics();
    const v = (k: string) => Number(new RegExp(`^${k.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    return {
      submitted: v('smsguard_upstream_submits_total{link="cmcc",outcome="submitted"}'), reconnects: v('smsguard_upstream_reconnects_total{link="cmcc"}'),
      bound: v('smsguard_upstream_link_bound{link="cmcc"}'), inFlight: v('smsguard_upstream_link_in_flight{link="cmcc"}'), queued: v('smsguard_upstream_link_queued{link="cmcc"}'), stale: v('smsguard_upstream_links_stale'),
    };
  };
  assert.deepEqual(await scrape(), { submitted: 5, reconnects: 0, bound: 1, inFlight: 3, queued: 4, stale: 0 });
  assert.equal(asked, 1, 'one status request for every metric of a scrape');
  next = { links: [link(9, 2, 'down')], at: 2, stale: false };
  assert.deepEqual(await scrape(), { submitted: 9, reconnects: 2, bound: 0, inFlight: 3, queued: 4, stale: 0 });
  // the thread restarted: its totals start again from zero; 3 more happened
  next = { links: [link(3, 0)], at: 3, stale: true };
  assert.deepEqual(await scrape(), { submitted: 12, reconnects: 2, bound: 1, inFlight: 3, queued: 4, stale: 1 });
  assert.equal(asked, 3);
});

/**
 * Every metric `/metrics` can serve is in README's "Metrics" table, and every metric the table names
 * is served: an operator builds dashboards and alerts from that table. Also Prometheus's naming
 * conventions (counters end in `_total`) and a HELP text for each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetrics } from '../../../src/http/metrics.js';
import { contentMetrics } from '../../../src/http/content-metrics.js';
import type { App } from '../../../src/app/app.js';
import type { ActionBook } from '../../../src/content/early-warning.js';

/** The metric names in README's "### Metrics" table (first column, each name in backticks). */
function documented(): Set<string> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = /\n### Metrics\n([\s\S]*?)\n#+ /.exec(readme)?.[1] ?? '';
  const names = new Set<string>();
  for (const row of section.split('\n').filter((l) => l.startsWith('| `smsguard_'))) {
    for (const m of row.split('|')[1].matchAll(/`(smsguard_[a-z_]+)`/g)) names.add(m[1]);
  }
  return names;
}

test('the metrics served and README\'s Metrics table name the same metrics, each with HELP and a conventional name', async () => {
  // every source present: what the fullest process (role all, SMPP server, a carrier link, content governance) serves
  const app = {
    events: { on: () => undefined },
    httpThroughput: { processCount: 1 },
    readiness: { probe: async () => ({ status: 'ready', checks: { store: { ok: true, required: true } } }) },
  } as unknown as App;
  const { registry } = createMetrics(app, async () => 0, {
    smppDeliveriesExpired: () => 0,
    smppCredentialProcesses: () => [],
    upstreamLinks: { linkStatus: async () => ({ links: [], at: 0, stale: false }) },
  });
  contentMetrics(registry, { list: () => [] } as unknown as ActionBook);
  const served = (await registry.getMetricsAsJSON()).filter((m) => m.name.startsWith('smsguard_'));
  const names = new Set(served.map((m) => m.name));
  const docs = documented();
  assert.ok(docs.size > 0, 'README has a "### Metrics" table');
  assert.deepEqual([...names].filter((n) => !docs.has(n)).sort(), [], 'served but not in README "Metrics"');
  assert.deepEqual([...docs].filter((n) => !names.has(n)).sort(), [], 'in README "Metrics" but not served');
  for (const m of served) {
    assert.ok(m.help.length > 10, `${m.name} has a HELP text`);
    assert.equal(String(m.type) === 'counter', m.name.endsWith('_total'), `${m.name}: a counter, and only a counter, ends in _total`);
  }
});

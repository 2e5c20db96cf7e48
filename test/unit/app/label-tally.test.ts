/** Per-message counters tallied in plain numbers reach /metrics as prom-client would have counted them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { LabelTally, SEP } from '../../../src/http/label-tally.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { createMetrics } from '../../../src/http/metrics.js';

test('a tally hands each label set\'s count to its counter once, and only what is new at the next scrape', async () => {
  const registry = new Registry();
  const t = new LabelTally(['decision', 'code'] as const);
  new Counter({ name: 't_total', help: 't', labelNames: ['decision', 'code'], registers: [registry], collect() { t.flushTo(this); } });
  const read = async () => (await registry.metrics()).split('\n').filter((l) => l.startsWith('t_total{')).sort();
  for (let i = 0; i < 3; i++) t.add(`accepted${SEP}`);
  t.add(`rejected${SEP}frequency_exceeded`);
  assert.deepEqual(await read(), ['t_total{decision="accepted",code=""} 3', 't_total{decision="rejected",code="frequency_exceeded"} 1']);
  assert.deepEqual(await read(), ['t_total{decision="accepted",code=""} 3', 't_total{decision="rejected",code="frequency_exceeded"} 1'], 'a second scrape adds nothing');
  t.add(`accepted${SEP}`);
  assert.deepEqual(await read(), ['t_total{decision="accepted",code=""} 4', 't_total{decision="rejected",code="frequency_exceeded"} 1']);
});

test('decisions and status moves are counted by their labels', async () => {
  const g = await startTestGateway();
  try {
    const m = createMetrics(g.app);
    const before = await m.registry.metrics();
    assert.doesNotMatch(before, /smsguard_decisions_total\{/);
    g.app.events.emit('decision', { accepted: true, from: '10690001', code: null, type: 'notification', channel: 'http', contentProviderId: 'cp_1' });
    g.app.events.emit('decision', { accepted: false, from: '10690001', code: 'signature_missing', type: 'notification', channel: 'smpp', contentProviderId: 'cp_1' });
    g.app.events.emit('decision', { accepted: true, from: '10690001', code: null, type: 'notification', channel: 'http', contentProviderId: 'cp_1' });
    const text = await m.registry.metrics();
    assert.match(text, /^smsguard_decisions_total\{decision="accepted",code="",type="notification",channel="http"\} 2$/m);
    assert.match(text, /^smsguard_decisions_total\{decision="rejected",code="signature_missing",type="notification",channel="smpp"\} 1$/m);
  } finally {
    await g.close();
  }
});

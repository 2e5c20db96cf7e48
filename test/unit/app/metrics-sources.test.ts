/** /metrics figures read from outside the app's events when scraped (SMPP deliveries dropped past their age). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway } from '../../helpers/gateway.js';
import { createMetrics } from '../../../src/http/metrics.js';

test('smsguard_smpp_deliveries_expired_total follows the server\'s count and never goes back', async () => {
  const g = await startTestGateway();
  try {
    let expired = 0;
    const m = createMetrics(g.app, undefined, { smppDeliveriesExpired: () => expired });
    const read = async () => Number(/^smsguard_smpp_deliveries_expired_total (\d+)$/m.exec(await m.registry.metrics())?.[1]);
    assert.equal(await read(), 0);
    expired = 3;
    assert.equal(await read(), 3);
    expired = 5;
    assert.equal(await read(), 5);
    assert.equal(await read(), 5, 'a second scrape adds nothing');
  } finally {
    await g.close();
  }
});

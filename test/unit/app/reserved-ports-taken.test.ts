/**
 * A port on a reserved number (the report port) that a provider registered before ports.reserved
 * existed: the gateway cannot refuse it any more, so reservedPortsTaken names it for the start-up
 * warning (src/main.ts), with the provider and what to do; nothing when no provider holds one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../../helpers/gateway.js';
import { reservedPortsTaken } from '../../../src/app/complaint-service.js';

test('a reserved number a provider holds is named, with the provider and what to do; none otherwise', async () => {
  await withGateway(async (clean) => {
    assert.deepEqual(await reservedPortsTaken(clean.app), []);
  });
  await withGateway(async (g, cp) => {
    // as a database from before the reservation has it (POST /v1/ports refuses it now)
    g.store.db.prepare("INSERT INTO ports (number, content_provider_id, kind, created_at) VALUES ('12321', ?, 'service', 0)").run(cp.id);
    const taken = await reservedPortsTaken(g.app);
    assert.equal(taken.length, 1);
    assert.equal(taken[0].number, '12321');
    assert.equal(taken[0].contentProviderId, cp.id);
    assert.match(taken[0].message, new RegExp(`^port 12321 is registered to content provider ${cp.id} but is the report port .*never reaches ${cp.id}.*Register another number .*or set SMSGUARD_REPORT_PORT`));
  });
});

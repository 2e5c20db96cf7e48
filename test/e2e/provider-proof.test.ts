/**
 * One provider's inspection export proven complete on SQLite (docs/RECORDS.md "Completeness of one
 * provider's export"); the scenario and its tests are test/helpers/provider-proof.ts, which
 * test/integration/pg/provider-proof.test.ts runs on PostgreSQL.
 */
import { describe } from 'node:test';
import { onboard, OTHER_PROVIDER, startTestGateway } from '../helpers/gateway.js';
import { NOV_10_NOON, providerProofTests } from '../helpers/provider-proof.js';

describe('the completeness proof of one provider\'s export (SQLite)', () => {
  providerProofTests(async () => {
    const g = await startTestGateway({ now: NOV_10_NOON });
    const mine = await onboard(g);
    const theirs = await onboard(g, OTHER_PROVIDER);
    return { g, mine, theirs, close: () => g.close() };
  });
});

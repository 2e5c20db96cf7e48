/**
 * One provider's inspection export proven complete on PostgreSQL (docs/RECORDS.md "Completeness of
 * one provider's export"), as test/e2e/provider-proof.test.ts on SQLite: the provider digests are
 * advanced over what the linker has linked, the proof read from the month's links partition.
 */
import { describe } from 'node:test';
import { startPgTestGateway } from '../../helpers/pg-gateway.js';
import { onboard, OTHER_PROVIDER } from '../../helpers/gateway.js';
import { NOV_10_NOON, providerProofTests } from '../../helpers/provider-proof.js';

describe('the completeness proof of one provider\'s export (PostgreSQL)', { timeout: 120_000 }, () => {
  providerProofTests(async () => {
    const { g } = await startPgTestGateway({ now: NOV_10_NOON });
    const mine = await onboard(g);
    const theirs = await onboard(g, OTHER_PROVIDER);
    return { g, mine, theirs, close: () => g.close() };
  });
});

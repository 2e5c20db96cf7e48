/** The SmppDeliveryStore contract against the SMPP server's in-memory fallback. */
import { describe, beforeEach } from 'node:test';
import { smppDeliveriesContract } from './smpp-deliveries-contract.js';
import { MemorySmppDeliveries } from '../../src/smpp/server/memory-deliveries.js';

describe('smpp deliveries contract: memory', () => {
  let d: MemorySmppDeliveries;
  beforeEach(() => {
    d = new MemorySmppDeliveries();
  });
  smppDeliveriesContract(() => d);
});

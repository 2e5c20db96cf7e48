/** The SmppCredentialStore contract against the in-memory fake the SMPP tests use. */
import { describe, beforeEach } from 'node:test';
import { smppCredentialsContract } from './smpp-credentials-contract.js';
import { MemoryCredentials } from '../fakes/smpp/memory-credentials.js';

describe('smpp credentials contract: memory', () => {
  let c: MemoryCredentials;
  beforeEach(() => {
    c = new MemoryCredentials();
  });
  smppCredentialsContract(() => c);
});

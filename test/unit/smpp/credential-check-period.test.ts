/**
 * The SMPP server's credential check period (docs/SMPP.md "Revoking a credential") is the bound a
 * revoked API key has on other processes (README "Revoking keys"): both doors stop honouring a
 * revoked secret elsewhere within the same 10 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDENTIAL_CHECK_MS } from '../../../src/smpp/server/server.js';
import { TOKEN_CACHE_MS } from '../../../src/app/auth.js';

test('the default credential check period is TOKEN_CACHE_MS, 10 s', () => {
  assert.equal(CREDENTIAL_CHECK_MS, TOKEN_CACHE_MS);
  assert.equal(CREDENTIAL_CHECK_MS, 10_000);
});

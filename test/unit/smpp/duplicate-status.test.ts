/**
 * duplicate_content (rule content.duplicate) on SMPP: the next free vendor code of the rules block,
 * 0x416 (after charged_already_subscribed 0x415), read back to its code, and a status a sending
 * client gives up on (a copy is refused for good, as frequency_exceeded), not one it retries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMPP_STATUS, errorCodeForVendorStatus, smppStatusFor } from '../../../src/smpp/status-map.js';
import { verdictFor } from '../../../src/smpp/client/retry-policy.js';

test('duplicate_content is vendor command_status 0x416, read back as duplicate_content, and given up on like frequency_exceeded', () => {
  assert.equal(SMPP_STATUS.duplicate_content, 0x416);
  assert.equal(smppStatusFor('duplicate_content'), 0x416);
  assert.equal(errorCodeForVendorStatus(0x416), 'duplicate_content');
  // no other code shares it
  assert.deepEqual(Object.entries(SMPP_STATUS).filter(([, s]) => s === 0x416).map(([c]) => c), ['duplicate_content']);
  assert.equal(verdictFor(SMPP_STATUS.duplicate_content, 0).kind, 'reject');
  assert.equal(verdictFor(SMPP_STATUS.duplicate_content, 0).kind, verdictFor(SMPP_STATUS.frequency_exceeded, 0).kind);
});

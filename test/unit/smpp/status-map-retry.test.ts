/**
 * What an SMPP peer does with the command_status of an error code must agree with what the HTTP
 * answer tells a client (README "Retrying safely", "Errors"): a code that says "retry shortly" is a
 * status a sending client waits on and sends again, and one that says "this request will never be
 * taken" is one it gives up on. Judged by smsguard's own SMPP client (retry-policy.ts `verdictFor`),
 * which treats statuses as Kannel does (docs/SMPP.md). Before, `idempotency_key_in_flight` (HTTP 409,
 * "retry shortly") was ESME_RSUBMITFAIL: a peer would drop the message for good.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SMPP_STATUS } from '../../../src/smpp/status-map.js';
import { verdictFor } from '../../../src/smpp/client/retry-policy.js';
import type { ErrorCode } from '../../../src/domain/errors.js';

const kind = (code: ErrorCode) => verdictFor(SMPP_STATUS[code], 0).kind;

test('a key still in flight is a status a client backs off on and sends again; a key reused for another request is one it gives up on', () => {
  assert.equal(kind('idempotency_key_in_flight'), 'backoff');
  // the same as the other "try again later" answer of a submit that was not taken in
  assert.equal(kind('idempotency_key_in_flight'), kind('upstream_unavailable'));
  assert.equal(kind('idempotency_key_reused'), 'reject');
});

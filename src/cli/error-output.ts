/**
 * What the `smsguard` command prints when a command fails. A mistake of the person at the terminal
 * (a bad flag value, a database that is not there, a port already taken) is one line they can act
 * on, with no stack: a stack reads as a crash and hides the message. Only what smsguard did not
 * expect (a bug, an I/O failure) keeps its stack, which is what a bug report needs.
 */
import { ConfigError } from '../config/schema.js';
import { SmsguardError, type ErrorCode } from '../domain/errors.js';
import { GatewayLockedError } from '../store/sqlite/gateway-lock.js';
import { DatabaseUnreachableError } from '../store/open.js';

/** Codes that report something wrong inside smsguard or beyond it, not in what the user gave. */
const INTERNAL: ReadonlySet<ErrorCode> = new Set(['internal_error', 'upstream_unavailable']);

/** True for a failure the user caused and can fix from its message alone. */
export function isUserError(e: unknown): boolean {
  return e instanceof ConfigError || e instanceof GatewayLockedError || e instanceof DatabaseUnreachableError || (e instanceof SmsguardError && !INTERNAL.has(e.code));
}

/**
 * The text for stderr: `invalid configuration:` and its problems, the lock refusal as it is,
 * `smsguard: <message>` for another user error, else the stack.
 */
export function formatCliError(e: unknown): string {
  if (e instanceof ConfigError || e instanceof GatewayLockedError) return e.message;
  if (isUserError(e)) return `smsguard: ${(e as Error).message}`;
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

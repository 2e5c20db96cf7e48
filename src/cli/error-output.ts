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
import { MonthFileError } from '../store/sqlite/month-files.js';
import { BusClaimedError, BusUnreachableError } from '../queue/nats.js';
import { StartInterrupted } from '../runtime/start-signals.js';

/** Codes that report something wrong inside smsguard or beyond it, not in what the user gave. */
const INTERNAL: ReadonlySet<ErrorCode> = new Set(['internal_error', 'upstream_unavailable']);

/**
 * File-system refusals on a path: a path the user gave (`--db` under a file, `--out` naming a file,
 * a folder without write permission) is theirs to fix from the path and the reason. Not ENOENT or
 * ENOSPC: a file smsguard expected and did not find is a bug, a full disk an I/O failure.
 */
const PATH_PROBLEMS: Readonly<Record<string, string>> = {
  EEXIST: 'a file is in the way where a folder is needed',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};

function pathProblem(e: unknown): string | null {
  const x = e as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof x.path !== 'string' || typeof x.code !== 'string' || !(x.code in PATH_PROBLEMS)) return null;
  return `cannot ${x.syscall ?? 'use'} ${x.path}: ${PATH_PROBLEMS[x.code]} (${x.code})`;
}

/** True for a failure the user caused and can fix from its message alone. */
export function isUserError(e: unknown): boolean {
  return e instanceof ConfigError || e instanceof GatewayLockedError || e instanceof DatabaseUnreachableError || e instanceof BusUnreachableError || e instanceof BusClaimedError || e instanceof MonthFileError || e instanceof StartInterrupted
    || (e instanceof SmsguardError && !INTERNAL.has(e.code)) || pathProblem(e) !== null;
}

/**
 * The text for stderr: `invalid configuration:` and its problems, `smsguard: <message>` for another
 * user error (the lock refusal too, as README "Running it" says every mistake reads), else the stack.
 */
export function formatCliError(e: unknown): string {
  if (e instanceof ConfigError) return e.message;
  const path = pathProblem(e);
  if (path) return `smsguard: ${path}`;
  if (isUserError(e)) return `smsguard: ${(e as Error).message}`;
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

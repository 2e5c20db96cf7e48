import type { ChildProcess } from 'node:child_process';

/** Stops a spawned process: SIGTERM, up to 15 s for a graceful exit, then SIGKILL. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

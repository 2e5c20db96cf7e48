/**
 * Waits for `p` to settle, or `ms` to pass, whichever comes first; never throws. For shutdown paths
 * that must not hang on work that waits for a peer (an upstream link that is down), where leaving
 * the work unfinished is safe because it is still queued durably.
 */
export async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => { t = setTimeout(r, Math.max(0, ms)); })]);
  clearTimeout(t);
}

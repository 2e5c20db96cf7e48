/**
 * One process's share of a content provider's agreed HTTP throughput when several gateway processes
 * serve HTTP against one store (README "HTTP throughput", docs/SCALING.md). Pure: the number of
 * processes is passed in (src/app/http-processes.ts learns it from the store).
 */

/** The least a process is given, messages a second: a share below it would refuse a provider who sends slowly everywhere. */
export const MIN_SHARE_PER_SECOND = 1;

/** A token bucket's parameters for one process (src/domain/rate-limiter.ts). */
export interface ThroughputShare {
  /** Sustained messages a second this process admits for the provider. */
  ratePerSecond: number;
  /** Bucket size: the largest request (a batch counts its messages) this process can ever admit. */
  burst: number;
}

/**
 * `rate` (messages a second, burst one second's worth) split evenly over `processes` live HTTP
 * processes: `rate / processes` a second, at least {@link MIN_SHARE_PER_SECOND}; the burst split the
 * same way, rounded down so that the shares' bursts never add up to more than the agreed one (at
 * least 1, so a single message always fits). One process (or a count not yet known, ≤ 1) keeps the
 * whole rate and burst, exactly as a single process always had. With more processes than
 * messages a second the minimum wins and the sum exceeds the rate (`processes` a second at most).
 */
export function throughputShare(rate: number, processes: number): ThroughputShare {
  const n = Number.isFinite(processes) && processes > 1 ? Math.floor(processes) : 1;
  if (n === 1) return { ratePerSecond: rate, burst: Math.max(1, Math.ceil(rate)) };
  return { ratePerSecond: Math.max(MIN_SHARE_PER_SECOND, rate / n), burst: Math.max(1, Math.floor(rate / n)) };
}

/**
 * How many gateway processes serve HTTP message requests, learnt from the store and told to the HTTP
 * door's throughput (http-throughput.ts), which splits each provider's rate between them (README
 * "HTTP throughput", docs/SCALING.md). Off the request path: one round every {@link HTTP_PROCESS_BEAT_MS}
 * marks this process live for {@link HTTP_PROCESS_LEASE_MS} if it served a message request within
 * the lease, and reads how many others are marked live, on the same timer.
 *
 * A process counts only while it serves message requests, not merely while it runs: an egress
 * process listens on HTTP too (health, metrics), and counting it would cut every provider's rate for
 * a process no provider reaches. A process that starts serving counts itself at once (its share is
 * computed from the others it last read, plus itself); the others learn of it at their next round.
 *
 * A round that fails (the store unreachable) keeps the last count: the process holds providers to the
 * share it last knew, never silently to the whole rate (which, on every process at once, would let a
 * provider send the rate times the number of processes). `onError` hears the first failure of each
 * outage, `onChange` each new count.
 */
import type { HttpProcessRegistry } from '../ports/http-processes.js';
import type { HttpThroughput } from './http-throughput.js';
import { Heartbeat } from '../runtime/heartbeat.js';

/** How often a process marks itself live and reads the others' count (wall clock). */
export const HTTP_PROCESS_BEAT_MS = 2000;
/**
 * How long a mark holds: three beats, so one slow round does not drop a live process, and a process
 * killed with -9 stops being counted (the others take back its share) within 6 s.
 */
export const HTTP_PROCESS_LEASE_MS = 6000;

export interface HttpProcessesOptions {
  /** This process's id in the registry (unique per process). */
  member: string;
  beatMs?: number;
  leaseMs?: number;
  /** Wall-clock ms (leases are wall-clock, shared between machines; never the simulated app clock). */
  wallNow?: () => number;
  onChange?: (processes: number) => void;
  onError?: (e: unknown) => void;
}

export class HttpProcesses {
  private readonly heart: Heartbeat;
  private readonly leaseMs: number;
  private readonly wallNow: () => number;

  constructor(private readonly registry: HttpProcessRegistry, private readonly throughput: HttpThroughput, private readonly o: HttpProcessesOptions) {
    this.leaseMs = o.leaseMs ?? HTTP_PROCESS_LEASE_MS;
    this.wallNow = o.wallNow ?? Date.now;
    // A round that fails keeps the last count: fail open to the last known share only (see the file's comment).
    this.heart = new Heartbeat(o.beatMs ?? HTTP_PROCESS_BEAT_MS, () => this.run(), (e) => this.o.onError?.(e));
  }

  /** Reads the count once (before the door opens), then keeps it fresh every beat. */
  async start(): Promise<void> {
    await this.heart.beat();
    this.heart.start();
  }

  /** One round: mark (if serving), count, tell the door. Never throws; rounds never overlap. */
  beat(): Promise<void> {
    return this.heart.beat();
  }

  private async run(): Promise<void> {
    const now = this.wallNow();
    const others = await this.registry.beat(this.o.member, now, this.leaseMs, this.throughput.servedSince(now - this.leaseMs));
    const n = others + 1;
    if (n !== this.throughput.processCount) {
      this.throughput.setProcesses(n);
      this.o.onChange?.(n);
    }
  }

  /** Stops the rounds and removes this process's mark, so the others take its share at their next round. */
  async stop(): Promise<void> {
    await this.heart.stop();
    await this.registry.leave(this.o.member).catch((e) => this.o.onError?.(e));
  }
}

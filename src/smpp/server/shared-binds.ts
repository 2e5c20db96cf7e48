/**
 * This process's side of the binds every gateway process sharing the store holds (a PostgreSQL
 * deployment, ports/smpp-binds.ts), so a credential's `maxBinds` and `throughput` hold for the
 * deployment (docs/SMPP.md "Binds and throughput across processes"). The design of the HTTP door's
 * (src/app/http-processes.ts), per credential:
 *
 * - a bind is rare, so it costs one store round trip: `claim` counts the credential's live binds of
 *   every process and registers this one, or refuses it;
 * - a submit costs none: every {@link SMPP_BIND_BEAT_MS} one round renews the leases of the binds held
 *   here and reads, per credential, how many other processes hold live binds of it; the server holds
 *   each credential to `throughput / (those processes + 1)` (domain/throughput-share.ts);
 * - a process killed with -9 stops renewing: its binds lapse within {@link SMPP_BIND_LEASE_MS} and
 *   free their slots; a clean unbind (or a dropped socket) deletes its row at once.
 *
 * The store unreachable: a claim fails open to the last count known for the credential (the other
 * processes' binds as the last round read them, plus this process's own), as the HTTP door keeps its
 * last share; a round that fails keeps the last counts, so the share never silently grows back to
 * the whole rate. A bind accepted then is written at the next round that reaches the store.
 */
import type { HeldBind, SmppBindRegistry, SmppBindsElsewhere } from '../../ports/smpp-binds.js';
import { Heartbeat } from '../../runtime/heartbeat.js';

/** How often a process renews its binds' leases and reads the others' counts (wall clock). */
export const SMPP_BIND_BEAT_MS = 2000;
/**
 * How long a bind's lease holds: three beats, so one slow round does not drop a live bind, and the
 * binds of a process killed with -9 lapse (their slots and throughput shares freed) within 6 s.
 */
export const SMPP_BIND_LEASE_MS = 6000;

export interface SharedBindsOptions {
  /** This process's id in the registry (unique per process). */
  member: string;
  /** The binds this process holds now (the server's). */
  held(): HeldBind[];
  /** Some credential's count of other processes changed: the server resizes its buckets. */
  onChange(): void;
  /** The first failure of each outage, and each failed release. */
  onError?(what: string, e: unknown): void;
  beatMs?: number;
  leaseMs?: number;
  /** Wall-clock ms (leases are shared between machines; never the simulated app clock). */
  wallNow?: () => number;
}

const NONE: SmppBindsElsewhere = Object.freeze({ binds: 0, processes: 0 });

export class SharedBinds {
  /** Per credential, what other processes held live at the last claim or round that read it. */
  private readonly elsewhere = new Map<string, SmppBindsElsewhere>();
  private seq = 0;
  private readonly heart: Heartbeat;
  private readonly leaseMs: number;
  private readonly wallNow: () => number;

  constructor(private readonly registry: SmppBindRegistry, private readonly o: SharedBindsOptions) {
    this.leaseMs = o.leaseMs ?? SMPP_BIND_LEASE_MS;
    this.wallNow = o.wallNow ?? Date.now;
    // a round that fails keeps the last counts (see the file's comment)
    this.heart = new Heartbeat(o.beatMs ?? SMPP_BIND_BEAT_MS, () => this.run(), (e) => this.o.onError?.('smpp binds: cannot reach the store; keeping the last counts', e));
  }

  /** A fresh bind id, unique in the deployment (the member is). */
  nextBindId(): string {
    return `${this.o.member}.${(++this.seq).toString(36)}`;
  }

  /** Processes holding live binds of the credential, this one included (it holds or is taking one). */
  processesOf(credentialId: string): number {
    return 1 + (this.elsewhere.get(credentialId) ?? NONE).processes;
  }

  /**
   * Registers a bind unless the credential has `maxBinds` live binds in the deployment. `localBinds`:
   * this process's binds of it, for the fail-open count when the store cannot be reached.
   */
  async claim(bindId: string, credentialId: string, maxBinds: number | null, localBinds: number): Promise<boolean> {
    try {
      const r = await this.registry.claim({ member: this.o.member, bindId, credentialId }, maxBinds, this.wallNow(), this.leaseMs);
      this.learn(credentialId, r.elsewhere);
      return r.ok;
    } catch (e) {
      this.o.onError?.('smpp bind not registered in the store; counted against the last known binds', e);
      const known = (this.elsewhere.get(credentialId) ?? NONE).binds;
      return maxBinds === null || known + localBinds < maxBinds;
    }
  }

  /** Deletes a bind's row, after a round in flight (which may still be renewing it) is done. */
  release(bindId: string): void {
    void this.heart.idle()
      .then(() => this.registry.release(bindId))
      .catch((e) => this.o.onError?.('smpp bind not removed from the store; it lapses with its lease', e));
  }

  /** Starts the rounds (no round is needed before the first bind: its claim reads the count). */
  start(): void {
    this.heart.start();
  }

  /** One round: renew the binds held here, read the others' counts. Never throws; rounds never overlap. */
  beat(): Promise<void> {
    return this.heart.beat();
  }

  private async run(): Promise<void> {
    const held = this.o.held();
    // nothing held now nor known of before: no row to renew, no share to size
    if (!held.length && !this.elsewhere.size) return;
    const counts = await this.registry.beat(this.o.member, held, this.wallNow(), this.leaseMs);
    let changed = false;
    for (const id of this.elsewhere.keys()) if (!counts.has(id) && !held.some((b) => b.credentialId === id)) this.elsewhere.delete(id);
    for (const b of held) changed = this.learn(b.credentialId, counts.get(b.credentialId) ?? NONE, false) || changed;
    if (changed) this.o.onChange();
  }

  /** Records what the store said of a credential; true (and onChange, if `notify`) when its process count changed. */
  private learn(credentialId: string, e: SmppBindsElsewhere, notify = true): boolean {
    const before = this.elsewhere.get(credentialId)?.processes ?? 0;
    this.elsewhere.set(credentialId, { binds: e.binds, processes: e.processes });
    const changed = before !== e.processes;
    if (changed && notify) this.o.onChange();
    return changed;
  }

  /** Stops the rounds and removes this process's rows, so the others take its slots and shares at once. */
  async stop(): Promise<void> {
    await this.heart.stop();
    await this.registry.leave(this.o.member).catch((e) => this.o.onError?.('smpp binds not removed from the store; they lapse with their leases', e));
  }
}

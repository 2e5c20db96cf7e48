/**
 * A round run every `beatMs` of wall-clock time, never two at once, whose failures are reported
 * once per outage: the loop under the processes' heartbeats in a deployment sharing PostgreSQL
 * (src/app/http-processes.ts for the HTTP door's throughput, src/smpp/server/shared-binds.ts for SMPP
 * binds). The round itself says what it marks and reads; this keeps the timer, the overlap and the
 * outage bookkeeping in one place.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private failing = false;

  /**
   * `round` may throw: the first failure after a success (or the start) goes to `onOutage`, the
   * following ones of the same outage are silent, and a round that succeeds ends the outage.
   */
  constructor(private readonly beatMs: number, private readonly roundFn: () => Promise<void>, private readonly onOutage: (e: unknown) => void) {}

  /** Starts the rounds; the timer never keeps the process alive. */
  start(): void {
    this.timer = setInterval(() => void this.beat(), this.beatMs);
    this.timer.unref();
  }

  /** Runs a round now, or joins the one in flight. Never throws. */
  beat(): Promise<void> {
    if (!this.round) this.round = this.run().finally(() => (this.round = null));
    return this.round;
  }

  /** Settles once no round is in flight (at once when none is). */
  idle(): Promise<void> {
    return this.round ?? Promise.resolve();
  }

  /** Stops the rounds and waits for the one in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }

  private async run(): Promise<void> {
    try {
      await this.roundFn();
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.onOutage(e);
      this.failing = true;
    }
  }
}

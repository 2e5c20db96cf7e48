/**
 * One background task that many events ask for: runs it one at a time, and a request that arrives
 * while it runs asks for exactly one more run after it (a burst of requests costs two runs, not one
 * per request, and none is lost: work that arrived mid-run is picked up by the run after). Used by the
 * delivery worker and the NATS outbox relay, whose pumps are kicked by every submission and a timer.
 */
export class CoalescedTask {
  /** The run in progress, if any (await it to let that run finish). */
  running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  /** `task` runs until it has nothing left; its failure goes to `onError`, never to the event loop. */
  constructor(private readonly task: () => Promise<void>, private readonly onError: (e: Error) => void) {}

  /** Runs the task now, or once more after the run in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.task().catch((e: Error) => this.onError(e)).finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** No more runs start; the one in progress (see `running`) is left to finish. */
  stop(): void {
    this.stopped = true;
  }
}

/**
 * `smsguard start` stopped by SIGTERM or SIGINT before it was running (StartSignals, below):
 * what had opened is closed. Not a failure of the input: the CLI prints its one line and exits with
 * the signal's code (128 + its number), as a process ended by the signal does.
 */
export class StartInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal} while starting: what had opened is closed; start again when ready`);
    this.name = 'StartInterrupted';
  }
}

/**
 * SIGTERM or SIGINT while `start` is still loading (migrations, content files, the ported-numbers
 * list, binds): before 2026-12-08 Node's default ended the process on the spot, silently, with
 * whatever was half open left to the exit (and a migration cut in the middle). Now the step in
 * progress finishes, the start stops at the next piece it opens, closes what had opened and exits
 * with the signal's code; a second signal exits at once (as a second one does after the start).
 */
export class StartSignals {
  signal: NodeJS.Signals | null = null;
  private readonly onSignal = (sig: NodeJS.Signals): void => {
    if (this.signal) {
      process.stderr.write(`smsguard: a second ${sig} while starting: exiting now\n`);
      process.exit(1);
    }
    this.signal = sig;
    process.stderr.write(`smsguard: ${sig} while starting: stopping once the step in progress is done (a second signal exits at once)\n`);
  };
  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }
  /** Throws StartInterrupted if a signal came. */
  check(): void {
    if (this.signal) throw new StartInterrupted(this.signal);
  }
  /** The start is over (running, or failed): the running gateway's own handlers take over. */
  release(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

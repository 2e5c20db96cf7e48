/**
 * `smsguard start` stopped by SIGTERM or SIGINT before it was running (src/main.ts, StartSignals):
 * what had opened is closed. Not a failure of the input: the CLI prints its one line and exits with
 * the signal's code (128 + its number), as a process ended by the signal does.
 */
export class StartInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal} while starting: what had opened is closed; start again when ready`);
    this.name = 'StartInterrupted';
  }
}

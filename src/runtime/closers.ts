/**
 * What a process opened, to be closed in reverse: each piece registers how to close it as soon as
 * it is open, so a start that fails part-way and a graceful stop close the same things in the same
 * order (newest first: the doors taking input, then the workers, the store last). Two lists kept
 * by hand (before 2026-12-06 in src/main.ts) had drifted apart in what they closed and when.
 */

/** Closes one piece. `graceful`: a stop (drain what can be drained), not a failed start. */
export type Closer = (graceful: boolean) => unknown;

export class Closers {
  private readonly stack: { what: string; close: Closer }[] = [];
  private closing: Promise<void> | null = null;

  /** Registers `close` for a piece now open; `what` names it in the error report. */
  add(what: string, close: Closer): void {
    if (this.closing) throw new Error(`closers: ${what} opened while closing`);
    this.stack.push({ what, close });
  }

  /** What is registered, in the order it will be closed (newest first). */
  get order(): string[] {
    return this.stack.map((c) => c.what).reverse();
  }

  /**
   * Closes everything registered, newest first, each after the one before has finished; a piece that
   * fails to close is reported (`onError`) and the next is closed all the same. Once: a second call
   * gets the first's promise.
   */
  close(graceful: boolean, onError: (what: string, e: Error) => void = () => undefined): Promise<void> {
    this.closing ??= (async () => {
      for (const { what, close } of [...this.stack].reverse()) {
        try {
          await close(graceful);
        } catch (e) {
          onError(what, e as Error);
        }
      }
    })();
    return this.closing;
  }
}

/**
 * Keeps the early-warning baselines across restarts (docs/CONTENT.md "Baselines kept across
 * restarts"): every {@link BASELINE_SAVE_MS} of wall-clock time, and once more when the gateway
 * stops, the baselines that changed since the last save go to the store (`ContentGovernance.saveBaselines`);
 * `ContentGovernance.init` takes them back at start.
 * A minute's loss at a crash is a minute of EWMA, not the baseline: the restored one is what the
 * detector had learned over hours.
 */
import type { ContentGovernance } from './content-governance.js';
import { Heartbeat } from '../runtime/heartbeat.js';

/** How often the baselines are saved (wall clock). */
export const BASELINE_SAVE_MS = 60_000;

export class BaselineKeeper {
  private readonly heart: Heartbeat;

  constructor(gov: ContentGovernance, o: { beatMs?: number; onError?: (e: unknown) => void } = {}) {
    this.heart = new Heartbeat(o.beatMs ?? BASELINE_SAVE_MS, () => gov.saveBaselines(), (e) => o.onError?.(e));
  }

  start(): void {
    this.heart.start();
  }

  /** Saves now (or joins a save in flight). Never throws; a failure goes to `onError`. */
  save(): Promise<void> {
    return this.heart.beat();
  }

  /** Stops the timer and saves the last baselines. */
  async stop(): Promise<void> {
    await this.heart.stop();
    await this.heart.beat();
  }
}

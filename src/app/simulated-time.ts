/**
 * The simulated clock's time kept across restarts (`--clock simulated`). Messages queued, consents
 * granted and deadlines set at a simulated time later than the system's would otherwise wait, after
 * a restart put the clock back to system time, until someone moved it past them again. The time is
 * saved in the settings store whenever it is moved (POST /v1/simulator/clock) and `start` resumes
 * from it, so a restart never moves simulated time, backwards or forwards: only an explicit move does.
 */
import type { SettingsStore } from '../ports/store.js';
import { isSimulatableTime, type SimulatedClock } from '../simulator/clock.js';

/** The settings key: epoch milliseconds as decimal text. */
export const SIMULATED_TIME_SETTING = 'simulator.clock';

/**
 * The saved simulated time, or null when none was saved (the clock was never moved) or the saved
 * value is not a time the simulated clock may show (an edited row): then the clock starts at system time.
 */
export async function savedSimulatedTime(settings: SettingsStore): Promise<number | null> {
  const raw = await settings.getSetting(SIMULATED_TIME_SETTING);
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const t = Number(raw);
  return isSimulatableTime(t) ? t : null;
}

/**
 * A function that saves `clock`'s current time, resolving once it is stored (rejecting if storing
 * failed). Saves run one after another and each stores the time as it is when it runs, so moves that
 * overlap (on PostgreSQL two writes from a pool may land in either order) still leave the latest time.
 */
export function simulatedTimeSaver(settings: SettingsStore, clock: SimulatedClock): () => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const mine = last.catch(() => undefined).then(() => settings.putSetting(SIMULATED_TIME_SETTING, String(clock.now())));
    last = mine;
    return mine;
  };
}

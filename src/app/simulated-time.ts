/**
 * The simulated clock's time kept across restarts (`--clock simulated`). Messages queued, consents
 * granted and deadlines set at a simulated time later than the system's would otherwise wait, after
 * a restart put the clock back to system time, until someone moved it past them again. The time is
 * saved in the settings store whenever it is moved (POST /v1/simulator/clock), before the clock moves,
 * and `start` resumes from it, so a restart never moves simulated time, backwards or forwards: only an
 * explicit move does.
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
 * A function that moves `clock` to the time `target` computes from the clock's time, saving the new
 * time in the settings store **before** the clock shows it, and resolving with it. If the save fails
 * (rejecting with its error) the clock has not moved: memory and the database never disagree, and
 * nothing time-driven (consent deadlines, held messages, SimulatedClock.onChange listeners) ran at a
 * time that then was not kept. Before, the clock moved first and the save came after: a failed save
 * answered 500 with the clock already moved, and the next start resumed elsewhere than the gateway
 * had run. Moves run one after another, each computing its target when its turn comes (two advances
 * of a minute make two minutes; on PostgreSQL two writes from a pool may otherwise land in either
 * order), and a failed one does not stop the next. `target` may throw to refuse the move; a target
 * that is not a whole millisecond in the clock's range is refused (RangeError) before anything is saved.
 */
export function simulatedTimeMover(settings: SettingsStore, clock: SimulatedClock): (target: (now: number) => number) => Promise<number> {
  let last: Promise<unknown> = Promise.resolve();
  return (target) => {
    const mine = last.catch(() => undefined).then(async () => {
      const t = target(clock.now());
      // Whole milliseconds only: savedSimulatedTime reads back digits, so a fraction saved is no time saved.
      if (!Number.isInteger(t) || !isSimulatableTime(t)) throw new RangeError('the simulated clock shows whole milliseconds in the years 2000–2199');
      await settings.putSetting(SIMULATED_TIME_SETTING, String(t));
      return clock.set(t);
    });
    last = mine;
    return mine;
  };
}

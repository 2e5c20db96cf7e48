/** Verification codes per content provider per number: per minute, hour and rolling day (vendor practice). */
import type { Stage } from '../types.js';

export const verificationFrequency: Stage = {
  rule: 'verification.frequency',
  codes: ['frequency_exceeded'],
  run: ({ candidate, facts, profile }) => {
    if (candidate.type !== 'verification') return { outcome: 'skip' };
    const lim = profile.params.verificationLimits.value;
    const s = facts.verificationSends;
    if (s.minute >= lim.perMinute) return { outcome: 'fail', code: 'frequency_exceeded', message: `at most ${lim.perMinute} verification message(s) per minute to one number` };
    if (s.hour >= lim.perHour) return { outcome: 'fail', code: 'frequency_exceeded', message: `at most ${lim.perHour} verification messages per hour to one number` };
    if (s.day >= lim.perDay) return { outcome: 'fail', code: 'frequency_exceeded', message: `at most ${lim.perDay} verification messages per rolling day to one number` };
    return { outcome: 'pass' };
  },
};

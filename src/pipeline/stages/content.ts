/** Content stages: length and advertising in non-commercial messages. */
import { measure } from '../../domain/segments.js';
import type { Stage } from '../types.js';

/** At most `maxLength` characters including the signature (vendor practice: 500). */
export const lengthWithinLimit: Stage = {
  rule: 'content.length',
  codes: ['message_too_long'],
  run: ({ text, profile }) => {
    const max = profile.params.maxLength.value;
    const { chars } = measure(text);
    return chars <= max
      ? { outcome: 'pass' }
      : { outcome: 'fail', code: 'message_too_long', message: `${chars} characters exceed the limit of ${max} (signature and refusal notice included)` };
  },
};

/** Art. 18 (cn-2015) / no advertising in non-commercial messages (cn-2026). */
export const noAdvertisingInNonCommercial: Stage = {
  rule: 'content.no-advertising',
  codes: ['commercial_content_in_non_commercial'],
  run: ({ candidate, text, detectors, profile }) => {
    if (candidate.type !== 'verification' && candidate.type !== 'notification') return { outcome: 'skip' };
    if (!profile.params.noAdvertisingInNonCommercial.value) return { outcome: 'skip', note: 'rule off in profile' };
    const r = detectors.advertising(text);
    if (!r.advertising) return { outcome: 'pass', note: `score ${r.score.toFixed(2)}` };
    return {
      outcome: 'fail',
      code: 'commercial_content_in_non_commercial',
      message: `a ${candidate.type} message must not advertise (score ${r.score.toFixed(2)}; phrases: ${r.phrases.slice(0, 5).join('、')}); send it as commercial with consent`,
    };
  },
};

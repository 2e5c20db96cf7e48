/**
 * Identical content to one number (vendor practice, Tencent Cloud: at most once per 30 s): a content
 * provider's same final text to the same number within the profile's window either side of this
 * send's time is refused `duplicate_content`, whatever the message's type — a retry loop resending a
 * code or a notice. "The same" is the text as it would go out, after `commercial.refusal-notice`
 * appended the way to refuse: the stage runs after it, so it compares what the number would receive.
 * Only messages accepted or held count (the store feeds `facts.recentTexts` in the decision's
 * transaction); a refused one does not.
 */
import { countsAround } from '../../domain/send-window.js';
import { textHash } from '../../domain/text-hash.js';
import type { Stage } from '../types.js';

export const duplicateContent: Stage = {
  rule: 'content.duplicate',
  codes: ['duplicate_content'],
  run: ({ text, facts, profile, now }) => {
    const seconds = profile.params.duplicateContentWindowSeconds.value;
    const recent = facts.recentTexts;
    if (seconds <= 0 || !recent || recent.length === 0) return { outcome: 'skip' };
    const windowMs = seconds * 1000;
    // the stores keep each text as its hash (text-hash.ts): the candidate's is taken only when some are kept
    const hash = textHash(text);
    for (const r of recent) {
      // No retryAfterMs (as frequency_exceeded): the copy is refused for good, never "send it again later".
      if (r.hash === hash && countsAround(r.at, now, windowMs)) return { outcome: 'fail', code: 'duplicate_content', message: `the same text to this number within ${seconds} s of another accepted one: at most once per ${seconds} s` };
    }
    return { outcome: 'pass' };
  },
};

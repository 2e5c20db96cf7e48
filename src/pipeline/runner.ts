/**
 * Runs the ordered stages over one candidate. Stops at the first failure; keeps every verdict so the
 * record shows what was checked and why it passed.
 */
import { measure } from '../domain/segments.js';
import type { Candidate, Decision, Detectors, Facts, Stage, Verdict } from './types.js';
import type { Profile } from '../profiles/types.js';

const ruleLists = new WeakMap<readonly Stage[], readonly string[]>();
function rulesOf(stages: readonly Stage[]): readonly string[] {
  let r = ruleLists.get(stages);
  if (!r) {
    r = Object.freeze(stages.map((s) => s.rule));
    ruleLists.set(stages, r);
  }
  return r;
}

export function decide(
  stages: readonly Stage[],
  candidate: Candidate,
  facts: Facts,
  profile: Profile,
  detectors: Detectors,
  now: number,
): Decision {
  const verdicts: Verdict[] = [];
  let text = candidate.text;
  const ctx = { candidate, text, facts, profile, detectors, now };
  let hold: (Verdict & { code: 'held_for_review'; message: string }) | undefined;
  for (const stage of stages) {
    ctx.text = text;
    const r = stage.run(ctx);
    const article = profile.rules[stage.rule]?.article ?? 'unspecified';
    if (r.outcome === 'fail') {
      const v = { rule: stage.rule, article, profile: profile.id, outcome: 'fail' as const, code: r.code, message: r.message };
      verdicts.push(v);
      const m = measure(text);
      return { accepted: false, pipeline: rulesOf(stages), rejection: v, verdicts, text, segments: m.segments, chars: m.chars };
    }
    // Built whole, never extended: adding `note` to a verdict already made was most of decide's own
    // time in the gateway (a map transition on every verdict with a note).
    const v: Verdict = r.note ? { rule: stage.rule, article, profile: profile.id, outcome: r.outcome, note: r.note } : { rule: stage.rule, article, profile: profile.id, outcome: r.outcome };
    if (r.outcome === 'pass' && r.text !== undefined) text = r.text;
    // The first hold wins; the message still has to pass every later stage to be held at all.
    if (r.outcome === 'pass' && r.hold !== undefined) {
      v.note = v.note ? `${v.note}; held: ${r.hold}` : `held: ${r.hold}`;
      hold ??= { ...v, code: 'held_for_review', message: r.hold };
    }
    verdicts.push(v);
  }
  const m = measure(text);
  if (hold) return { accepted: false, held: true, pipeline: rulesOf(stages), rejection: hold, verdicts, text, segments: m.segments, chars: m.chars };
  return { accepted: true, pipeline: rulesOf(stages), verdicts, text, segments: m.segments, chars: m.chars };
}

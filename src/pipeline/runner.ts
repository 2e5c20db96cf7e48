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

/** A stage's verdict when it passes or skips without a note: the same for every message (frozen, shared). */
interface PlainVerdicts {
  pass: Verdict;
  skip: Verdict;
}

/**
 * Plain verdicts per stage list and profile. Built once, not per message: 15–17 small objects per
 * decision, each living until its group commit is recorded, made V8 pretenure their allocation site
 * in some runs (the objects survive scavenges mid-group); allocating in the old generation then cost
 * decide ~10 % of the gateway's event loop and garbage collection ~10 % more (docs/PERFORMANCE.md).
 */
const plainVerdicts = new WeakMap<readonly Stage[], WeakMap<Profile, readonly PlainVerdicts[]>>();
function plainOf(stages: readonly Stage[], profile: Profile): readonly PlainVerdicts[] {
  let byProfile = plainVerdicts.get(stages);
  if (!byProfile) plainVerdicts.set(stages, (byProfile = new WeakMap()));
  let plain = byProfile.get(profile);
  // (a list changed in place since: built again)
  if (!plain || plain.length !== stages.length || plain.some((p, i) => p.pass.rule !== stages[i].rule)) {
    plain = stages.map((stage) => {
      const article = profile.rules[stage.rule]?.article ?? 'unspecified';
      const v = (outcome: 'pass' | 'skip'): Verdict => Object.freeze({ rule: stage.rule, article, profile: profile.id, outcome });
      return { pass: v('pass'), skip: v('skip') };
    });
    byProfile.set(profile, plain);
  }
  return plain;
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
  const plain = plainOf(stages, profile);
  let hold: (Verdict & { code: 'held_for_review'; message: string }) | undefined;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i];
    ctx.text = text;
    const r = stage.run(ctx);
    if (r.outcome === 'fail') {
      const v = { rule: stage.rule, article: plain[i].pass.article, profile: profile.id, outcome: 'fail' as const, code: r.code, message: r.message };
      verdicts.push(v);
      const m = measure(text);
      const d: Decision = { accepted: false, pipeline: rulesOf(stages), rejection: v, verdicts, text, segments: m.segments, chars: m.chars };
      if (r.retryAfterMs !== undefined) d.retryAfterMs = r.retryAfterMs;
      return d;
    }
    if (r.outcome === 'pass' && r.text !== undefined) text = r.text;
    // The first hold wins; the message still has to pass every later stage to be held at all.
    if (r.outcome === 'pass' && r.hold !== undefined) {
      const base = plain[i].pass;
      const v: Verdict = { rule: base.rule, article: base.article, profile: base.profile, outcome: 'pass', note: r.note ? `${r.note}; held: ${r.hold}` : `held: ${r.hold}` };
      hold ??= { ...v, code: 'held_for_review', message: r.hold };
      verdicts.push(v);
      continue;
    }
    if (r.note) {
      const base = plain[i][r.outcome];
      verdicts.push({ rule: base.rule, article: base.article, profile: base.profile, outcome: r.outcome, note: r.note });
    } else verdicts.push(plain[i][r.outcome]);
  }
  const m = measure(text);
  if (hold) return { accepted: false, held: true, pipeline: rulesOf(stages), rejection: hold, verdicts, text, segments: m.segments, chars: m.chars };
  return { accepted: true, pipeline: rulesOf(stages), verdicts, text, segments: m.segments, chars: m.chars };
}

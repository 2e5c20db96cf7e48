/**
 * Compact storage of pipeline verdicts. A decision's verdicts repeat the same rule ids for every
 * message; stored as objects they tripled the size of each record (and record size is most of the
 * write cost). A record stores instead the id of the ordered rule list (registered once), one letter
 * per stage (P pass, S skip, F fail) and only the notes, code and message that are specific to the
 * message. Decoding gives back the full verdict list. Shared by every store adapter.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../pipeline/types.js';

export interface EncodedVerdicts {
  /** Id of the ordered rule list (`pl_` + 12 hex of its SHA-256). */
  pipeline: string;
  /** One letter per stage that ran: P, S or F. */
  outcomes: string;
  /** Stage index → note, only where a stage left one. */
  notes?: Record<string, string>;
  /** The failing stage's message (its code is on the record). */
  message?: string;
}

export interface StoredVerdict {
  rule: string;
  outcome: 'pass' | 'skip' | 'fail';
  code?: string;
  message?: string;
  note?: string;
}

const LETTER = { pass: 'P', skip: 'S', fail: 'F' } as const;
const OUTCOME = { P: 'pass', S: 'skip', F: 'fail' } as const;
const idCache = new WeakMap<readonly string[], string>();

/** The id of an ordered rule list; stable across processes and restarts. */
export function pipelineId(rules: readonly string[]): string {
  let id = idCache.get(rules);
  if (!id) {
    id = `pl_${createHash('sha256').update(rules.join('\n')).digest('hex').slice(0, 12)}`;
    idCache.set(rules, id);
  }
  return id;
}

const DIGIT = { pass: 1, skip: 2, fail: 3 } as const;
/** Stages up to which a pattern fits in a double exactly (4^26 < 2^53). */
const MAX_PATTERN_STAGES = 26;
/**
 * Outcome strings by pattern (one base-4 digit per stage): the decisions of one pipeline fall into a
 * handful of patterns, so most take a string already made instead of building one a letter at a
 * time (one of the larger allocations per message). Bounded; past the bound new patterns are built.
 */
const patterns = new Map<number, string>();
const MAX_PATTERNS = 4096;

export function encodeVerdicts(d: Decision): EncodedVerdicts {
  let pattern = 0;
  let notes: Record<string, string> | undefined;
  let message: string | undefined;
  const vs = d.verdicts;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    pattern = pattern * 4 + DIGIT[v.outcome];
    if (v.note) (notes ??= {})[i] = v.note;
    if (v.outcome === 'fail') message = v.message;
  }
  let outcomes = vs.length <= MAX_PATTERN_STAGES ? patterns.get(pattern) : undefined;
  if (outcomes === undefined) {
    outcomes = '';
    for (const v of vs) outcomes += LETTER[v.outcome];
    if (vs.length <= MAX_PATTERN_STAGES && patterns.size < MAX_PATTERNS) patterns.set(pattern, outcomes);
  }
  const e: EncodedVerdicts = { pipeline: pipelineId(d.pipeline), outcomes };
  if (notes) e.notes = notes;
  if (message !== undefined) e.message = message;
  return e;
}

/** Expands stored verdicts given the pipeline's rule list (null when unknown: rules shown as `#i`). */
export function decodeVerdicts(e: EncodedVerdicts, rules: readonly string[] | null, code: string | null): StoredVerdict[] {
  const out: StoredVerdict[] = [];
  for (let i = 0; i < e.outcomes.length; i++) {
    const outcome = OUTCOME[e.outcomes[i] as keyof typeof OUTCOME] ?? 'pass';
    const v: StoredVerdict = { rule: rules?.[i] ?? `#${i}`, outcome };
    const note = e.notes?.[i];
    if (note) v.note = note;
    if (outcome === 'fail') {
      if (code) v.code = code;
      if (e.message) v.message = e.message;
    }
    out.push(v);
  }
  return out;
}

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

export function encodeVerdicts(d: Decision): EncodedVerdicts {
  let outcomes = '';
  let notes: Record<string, string> | undefined;
  let message: string | undefined;
  for (let i = 0; i < d.verdicts.length; i++) {
    const v = d.verdicts[i];
    outcomes += LETTER[v.outcome];
    if (v.note) (notes ??= {})[i] = v.note;
    if (v.outcome === 'fail') message = v.message;
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

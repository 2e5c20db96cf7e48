/**
 * Operator files for content governance, read once at start-up (the only file reading in
 * src/content besides the shipped data): lexicon extensions merged into the shipped lexicon, and an
 * early-warning policy replacing the shipped one. Every problem is reported at once.
 */
import { readFileSync } from 'node:fs';
import { compileLexicon, mergeLexicons, validateLexicon, type CompiledLexicon, type LexiconData } from './lexicon.js';
import { DEFAULT_LEXICON_DATA } from './default-lexicon.js';
import { validatePolicy, type EarlyWarningPolicy } from './early-warning.js';

export interface ContentFiles {
  /** Lexicon extension files (same shape as data/content/lexicon.json). */
  lexiconFiles?: string[];
  /** Early-warning policy file (same shape as data/content/early-warning-policy.json). */
  policyFile?: string;
  /** Commercial-score threshold (0–1). */
  threshold?: string;
}

export interface LoadedContentOptions {
  lexicon?: CompiledLexicon;
  policy?: EarlyWarningPolicy;
  threshold?: number;
}

/** Which of the inputs a problem is in, so that the caller can name the setting that gave it. */
/** A plain decimal number (`0.5`, `.35`, `1`), spaces around it allowed. */
const DECIMAL = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

export type ContentFileSource = 'lexicon' | 'policy' | 'threshold';

/** Every problem of the operator's content files, each with the input it is in. */
export class ContentFilesError extends Error {
  constructor(readonly problems: { source: ContentFileSource; message: string }[]) {
    super(`content governance configuration: ${problems.map((p) => p.message).join('; ')}`);
  }
}

function readJson(path: string, errors: string[]): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    errors.push(`${path}: ${(e as Error).message}`);
    return undefined;
  }
}

/** Load and validate operator files; throws one ContentFilesError listing every problem. */
export function loadContentFiles(f: ContentFiles): LoadedContentOptions {
  const problems: { source: ContentFileSource; message: string }[] = [];
  const from = (source: ContentFileSource, errors: string[]) => { for (const message of errors.splice(0)) problems.push({ source, message }); };
  const errors: string[] = [];
  const out: LoadedContentOptions = {};
  const exts: LexiconData[] = [];
  for (const path of f.lexiconFiles ?? []) {
    const d = readJson(path, errors) as LexiconData | undefined;
    if (d === undefined) continue;
    const e = validateLexicon(d);
    if (e.length) errors.push(...e.map((x) => `${path}: ${x}`));
    else exts.push(d);
  }
  from('lexicon', errors);
  if (f.policyFile) {
    const p = readJson(f.policyFile, errors) as EarlyWarningPolicy | undefined;
    if (p !== undefined) {
      const e = Array.isArray(p.rules) ? validatePolicy(p) : ['rules: required array'];
      if (e.length) errors.push(...e.map((x) => `${f.policyFile}: ${x}`));
      else out.policy = p;
    }
  }
  from('policy', errors);
  if (f.threshold !== undefined && f.threshold !== '') {
    // decimal only: Number() also reads `0x1` (1: every message passes) and `5e-1`, which an operator
    // who mistyped would not recognise in the threshold taken
    const t = DECIMAL.test(f.threshold) ? Number(f.threshold) : NaN;
    if (!(t > 0 && t <= 1)) errors.push(`threshold: a decimal number in (0, 1], got ${JSON.stringify(f.threshold)}`);
    else out.threshold = t;
  }
  from('threshold', errors);
  if (problems.length) throw new ContentFilesError(problems);
  if (exts.length) out.lexicon = compileLexicon(mergeLexicons(DEFAULT_LEXICON_DATA, ...exts));
  return out;
}

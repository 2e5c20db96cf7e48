/**
 * The content stage's one entry point: normalise once, scan the prohibited-content lexicon, score the
 * commercial classifier, and explain only when a decision needs explaining. Pure: the lexicon and
 * model are given; nothing here reads a clock, a file or the environment.
 */
import type { MessageType } from '../domain/message-type.js';
import { explainCommercial, scoreCommercialText, type ClassifierModel, type PhraseContribution } from './classifier.js';
import { worstSeverity, type CompiledLexicon, type ContentFinding, type Severity } from './lexicon.js';

export interface InspectorOptions {
  lexicon: CompiledLexicon;
  model: ClassifierModel;
  /** Commercial-score threshold; defaults to the model's cross-validated one. */
  threshold?: number;
  /** How many phrases explain a commercial verdict (default 3). */
  explainPhrases?: number;
}

/** What the content stage learns about one text. */
export interface Inspection {
  /** Prohibited categories (never the matched terms). */
  prohibited: readonly ContentFinding[];
  /** Most severe prohibited severity, if any. */
  severity?: Severity;
  /** Classifier probability that the text advertises (its most commercial sentence's, if higher: scoreCommercialText). */
  commercialScore: number;
  /** Score at or above the threshold. */
  commercial: boolean;
  threshold: number;
}

export interface ContentInspector {
  inspect(text: string, type: MessageType): Inspection;
  /** Phrases that drove the commercial score (computed on demand: rejections only). */
  explain(text: string): PhraseContribution[];
  /** The commercial score alone (no lexicon scan): for parts of a text, such as a template's free-text value in its clause. */
  score(text: string): number;
  readonly threshold: number;
}

export function createContentInspector(opts: InspectorOptions): ContentInspector {
  const threshold = opts.threshold ?? opts.model.threshold;
  const k = opts.explainPhrases ?? 3;
  return {
    threshold,
    inspect(text, type) {
      // Negation (警惕…, 远离…) only for the message types that legitimately warn about such content.
      const prohibited = opts.lexicon.scan(text, { allowNegation: type === 'public_welfare' || type === 'notification' });
      const commercialScore = scoreCommercialText(opts.model, text);
      const out: Inspection = { prohibited, commercialScore, commercial: commercialScore >= threshold, threshold };
      const sev = worstSeverity(prohibited);
      if (sev) out.severity = sev;
      return out;
    },
    explain: (text) => explainCommercial(opts.model, text, k),
    score: (text) => scoreCommercialText(opts.model, text),
  };
}

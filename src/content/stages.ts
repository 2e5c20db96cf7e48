/**
 * The content-governance pipeline stages and the classifier-based advertising detector, built around
 * a {@link ContentInspector}. They follow the pipeline's contract (src/pipeline/types.ts): pure given
 * their inputs; the only outward effect is an optional observation sink the early-warning monitor
 * listens on (what the content stage saw for a provider and port), which never changes a verdict.
 *
 * - `content.prohibited` → `prohibited_content`: the lexicon found a category of severity `block`;
 *   `review` passes with a hold request (the message is parked in the review queue, `held_for_review`);
 *   `flag` passes with a note. The message names categories, never the matched terms.
 * - `content.template` → `template_mismatch`: with the provider's setting `required`, the message must
 *   match one of its approved templates; `preferred` notes a miss; `off` skips.
 * - `monitor.early-warning` → `throttled` / `sender_suspended` / `held_for_review`: an automatic action
 *   in force for the provider or port (throttle N msgs/s, hold, suspend) applies before content is
 *   judged; a hold passes with a hold request, so a message that passes every stage is parked.
 * - {@link classifierDetectors}: the spine's `content.no-advertising` stage calls `detectors.advertising`;
 *   this implementation scores with the trained classifier and names the phrases that drove the score.
 */
import type { Detectors, Stage, StageResult } from '../pipeline/types.js';
import type { ContentInspector, Inspection } from './inspector.js';
import type { TemplateRegistry } from './template-registry.js';
import type { FreeTextClause } from './templates.js';
import type { ActionBook, MonitorEvent } from './early-warning.js';

/** Where stage observations go (the early-warning monitor), if anywhere. */
export type ObservationSink = (ev: MonitorEvent) => void;

/** Remembers the last inspection so the advertising detector does not score the same text twice. */
class InspectionMemo {
  private text: string | undefined;
  private type: string | undefined;
  private result: Inspection | undefined;
  constructor(private readonly inspector: ContentInspector) {}
  inspect(text: string, type: Parameters<ContentInspector['inspect']>[1]): Inspection {
    if (this.text === text && this.type === type && this.result) return this.result;
    this.result = this.inspector.inspect(text, type);
    this.text = text;
    this.type = type;
    return this.result;
  }
  /** The last inspection of `text` whatever its type (the commercial score does not depend on it). */
  anyType(text: string): Inspection {
    if (this.text === text && this.result) return this.result;
    return this.inspect(text, 'notification');
  }
}

export interface ContentStages {
  prohibited: Stage;
  template: Stage;
  admission: Stage;
  detectors: Detectors;
}

export interface ContentStageDeps {
  inspector: ContentInspector;
  templates: TemplateRegistry;
  actions: ActionBook;
  observe?: ObservationSink;
}

export function createContentStages(deps: ContentStageDeps): ContentStages {
  const memo = new InspectionMemo(deps.inspector);
  /**
   * The free-text values of the template the message being decided matched (set by the template stage,
   * which runs before `content.no-advertising`, and cleared at its every run), for the advertising check.
   */
  let templated: { text: string; freeText: readonly FreeTextClause[] } | undefined;

  const prohibited: Stage = {
    rule: 'content.prohibited',
    codes: ['prohibited_content', 'held_for_review'],
    run: ({ candidate, text, now }): StageResult => {
      const r = memo.inspect(text, candidate.type);
      deps.observe?.({ kind: 'content', at: now, contentProviderId: candidate.contentProviderId, port: candidate.from, prohibited: r.severity === 'block' || r.severity === 'review', commercialScore: r.commercialScore });
      if (r.prohibited.length === 0) return { outcome: 'pass' };
      const cats = r.prohibited.map((f) => `${f.category} (${f.label})`).join(', ');
      if (r.severity === 'flag') return { outcome: 'pass', note: `flagged: ${cats}` };
      // `review`: not refused but parked in the review queue for an operator (held_for_review)
      if (r.severity === 'review') return { outcome: 'pass', hold: `content needs operator review: ${cats}` };
      return { outcome: 'fail', code: 'prohibited_content', message: `prohibited content: ${cats}` };
    },
  };

  const template: Stage = {
    rule: 'content.template',
    codes: ['template_mismatch'],
    run: ({ candidate }): StageResult => {
      templated = undefined;
      const { mode, matcher, withdrawn } = deps.templates.get(candidate.contentProviderId);
      if (mode === 'off') return { outcome: 'skip', note: 'templates off for this content provider' };
      // the provider's own text, before the gateway appended anything (templates never include it)
      const m = matcher.match(candidate.text, candidate.type);
      if (m) {
        if (m.freeText?.length) templated = { text: candidate.text.trim(), freeText: m.freeText };
        return { outcome: 'pass', note: `template ${m.templateId}` };
      }
      // only on a miss: does the text fit a template approved for another type? (say so: the fix is the type)
      const other = matcher.match(candidate.text);
      const otherNote = other?.type ? `; it fits approved template ${other.templateId}, which is for ${other.type} messages` : '';
      if (mode === 'preferred') return { outcome: 'pass', note: `no approved template matched for ${candidate.type} messages (templates preferred)${otherNote}` };
      return {
        outcome: 'fail',
        code: 'template_mismatch',
        message: `the text matches none of this content provider's approved templates for ${candidate.type} messages (templates required)${otherNote}${withdrawnNote(withdrawn)}`,
      };
    },
  };

  const admission: Stage = {
    rule: 'monitor.early-warning',
    codes: ['throttled', 'sender_suspended', 'held_for_review'],
    run: ({ candidate, now }): StageResult => {
      const a = deps.actions.admit(candidate.contentProviderId, candidate.from, now);
      switch (a.outcome) {
        case 'pass':
          return { outcome: 'pass' };
        case 'throttled':
          return { outcome: 'fail', code: 'throttled', message: `early-warning throttle ${a.actionId}: at most ${a.perSecond} messages a second until an operator lifts it`, retryAfterMs: a.retryAfterMs };
        case 'held':
          // Not a rejection: the message is judged by every later stage and, if it passes, parked in
          // the review queue (src/app/review-queue.ts) until an operator releases or rejects it.
          return { outcome: 'pass', hold: `early-warning hold ${a.actionId}: held for operator review (released messages are sent, others rejected)` };
        case 'suspended':
          return { outcome: 'fail', code: 'sender_suspended', message: `early-warning suspension ${a.actionId}: sending is suspended until an operator lifts it` };
      }
    },
  };

  const detectors: Detectors = {
    advertising(text: string) {
      // The spine's stage does not pass the type; the score does not depend on it anyway.
      const r = memo.anyType(text);
      if (r.commercial) return { advertising: true, score: r.commercialScore, phrases: deps.inspector.explain(text).map((p) => p.phrase) };
      // A template's free-text value is judged in its clause as well: scored with the whole message, an
      // offer in a greeting's slot was outweighed by the approved notice around it. It counts only when it
      // is what makes the clause commercial (the clause without it scores lower): the fixed text was reviewed.
      if (templated !== undefined && templated.text === text.trim()) {
        for (const f of templated.freeText) {
          const s = deps.inspector.score(f.clause);
          if (s < r.threshold || !(s > deps.inspector.score(f.fixed))) continue;
          return { advertising: true, score: s, phrases: deps.inspector.explain(f.clause).map((p) => p.phrase) };
        }
      }
      return { advertising: false, score: r.commercialScore, phrases: [] };
    },
  };

  return { prohibited, template, admission, detectors };
}

/** Why approved templates are not counted: their link domains left the allow-list (named, so the sender knows what to fix). */
function withdrawnNote(withdrawn: ReadonlyArray<{ hosts: readonly string[] }>): string {
  if (withdrawn.length === 0) return '';
  const hosts = [...new Set(withdrawn.flatMap((w) => w.hosts))];
  return `; ${withdrawn.length} more approved template${withdrawn.length > 1 ? 's' : ''} link to ${hosts.join(', ')}, no longer on its link allow-list`;
}

/**
 * The stage list with the content stages inserted: admission right after `sender.active` (an action
 * in force stops a sender before anything else is judged), prohibited content and templates right
 * before `content.no-advertising`. Stages not found are appended, so a custom list still gets them.
 */
export function withContentStages(base: readonly Stage[], s: Pick<ContentStages, 'prohibited' | 'template' | 'admission'>): readonly Stage[] {
  const out = [...base];
  const insertAt = (rule: string, after: boolean, ...stages: Stage[]): void => {
    const i = out.findIndex((x) => x.rule === rule);
    if (i < 0) out.push(...stages);
    else out.splice(after ? i + 1 : i, 0, ...stages);
  };
  insertAt('sender.active', true, s.admission);
  insertAt('content.no-advertising', false, s.prohibited, s.template);
  return Object.freeze(out);
}

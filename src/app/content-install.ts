/**
 * Installs content governance into an App (one call from the composition root, like
 * installComplaints): the prohibited-content, template and early-warning stages go into the app's
 * stage list, the trained classifier replaces the rule-based advertising detector, opt-out replies are
 * observed for the early-warning monitor, and the service behind the content routes is returned.
 */
import type { App } from './app.js';
import { ContentGovernance, registerContentGovernance } from './content-governance.js';
import type { ContentStore } from '../ports/content.js';
import { createContentInspector } from '../content/inspector.js';
import { defaultLexicon } from '../content/default-lexicon.js';
import { defaultClassifier } from '../content/default-classifier.js';
import { DEFAULT_EARLY_WARNING_POLICY } from '../content/default-policy.js';
import { TemplateRegistry } from '../content/template-registry.js';
import { ActionBook, type EarlyWarningPolicy } from '../content/early-warning.js';
import { createContentStages, withContentStages } from '../content/stages.js';
import type { CompiledLexicon } from '../content/lexicon.js';
import type { ClassifierModel } from '../content/classifier.js';

export interface InstallContentOptions {
  /** Defaults to the shipped lexicon (data/content/lexicon.json); pass a merged one to extend it. */
  lexicon?: CompiledLexicon;
  /** Defaults to the classifier trained on the shipped corpus. */
  model?: ClassifierModel;
  /** Commercial-score threshold; defaults to the model's cross-validated one. */
  threshold?: number;
  /** Early-warning thresholds; defaults to data/content/early-warning-policy.json. */
  policy?: EarlyWarningPolicy;
}

export async function installContentGovernance(app: App, store: ContentStore, opts: InstallContentOptions = {}): Promise<ContentGovernance> {
  const inspector = createContentInspector({ lexicon: opts.lexicon ?? defaultLexicon(), model: opts.model ?? defaultClassifier(), threshold: opts.threshold });
  const templates = new TemplateRegistry();
  // `act_…`: an action's id must not read as its alert's (`alert_…`), which the lift would not take
  const actions = new ActionBook(() => app.ctx.ids.next('act'));
  const gov = new ContentGovernance(app.ctx, { store, templates, actions, policy: opts.policy ?? DEFAULT_EARLY_WARNING_POLICY });
  const stages = createContentStages({ inspector, templates, actions, observe: gov.observe });
  app.ctx.stages = withContentStages(app.ctx.stages, stages);
  app.ctx.detectors = stages.detectors;
  app.moHandlers.unshift(gov.optOutObserver);
  registerContentGovernance(app.ctx, gov);
  await gov.init();
  return gov;
}

/**
 * In-memory view of every content provider's template setting and approved templates, compiled, for
 * the message path (the template stage must not query a store per message). The app refreshes a
 * provider's entry whenever a template is reviewed or the setting changes.
 */
import { compileTemplates, type ApprovedTemplate, type TemplateMatcher } from './templates.js';

/** Operator setting per content provider: must a message match an approved template? */
export type TemplateMode = 'required' | 'preferred' | 'off';

export interface ProviderTemplates {
  mode: TemplateMode;
  matcher: TemplateMatcher;
}

const EMPTY = compileTemplates([]);

export class TemplateRegistry {
  private readonly byProvider = new Map<string, ProviderTemplates>();

  /** Replace a provider's entry: its mode and all its approved templates (compiled once here). */
  set(contentProviderId: string, mode: TemplateMode, approved: readonly ApprovedTemplate[]): void {
    this.byProvider.set(contentProviderId, { mode, matcher: approved.length ? compileTemplates(approved) : EMPTY });
  }

  /** A provider's entry; providers never configured have mode `off`. */
  get(contentProviderId: string): ProviderTemplates {
    return this.byProvider.get(contentProviderId) ?? { mode: 'off', matcher: EMPTY };
  }
}

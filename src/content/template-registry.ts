/**
 * In-memory view of every content provider's template setting and approved templates, compiled, for
 * the message path (the template stage must not query a store per message). The app refreshes a
 * provider's entry whenever a template is reviewed or the setting changes.
 */
import { compileTemplates, disallowedLinkHosts, type ApprovedTemplate, type TemplateMatcher } from './templates.js';

/** Operator setting per content provider: must a message match an approved template? */
export type TemplateMode = 'required' | 'preferred' | 'off';

export interface ProviderTemplates {
  mode: TemplateMode;
  /** The approved templates a message may match: those whose links the allow-list still allows. */
  matcher: TemplateMatcher;
  /** Approved templates left out of `matcher` because a link's domain left the allow-list, with those hosts. */
  withdrawn: ReadonlyArray<{ id: string; hosts: readonly string[] }>;
}

const EMPTY = compileTemplates([]);

export class TemplateRegistry {
  private readonly byProvider = new Map<string, ProviderTemplates>();

  /**
   * Replace a provider's entry: its mode and all its approved templates (compiled once here). Given
   * the provider's link allow-list, a template linking to a domain no longer on it is left out (it
   * stays approved: put the domain back and it matches again).
   */
  set(contentProviderId: string, mode: TemplateMode, approved: readonly ApprovedTemplate[], linkDomains?: readonly string[]): void {
    const usable: ApprovedTemplate[] = [];
    const withdrawn: Array<{ id: string; hosts: string[] }> = [];
    for (const t of approved) {
      const hosts = linkDomains ? disallowedLinkHosts(t.body, linkDomains) : [];
      if (hosts.length) withdrawn.push({ id: t.id, hosts });
      else usable.push(t);
    }
    this.byProvider.set(contentProviderId, { mode, matcher: usable.length ? compileTemplates(usable) : EMPTY, withdrawn });
  }

  /** A provider's entry; providers never configured have mode `off`. */
  get(contentProviderId: string): ProviderTemplates {
    return this.byProvider.get(contentProviderId) ?? { mode: 'off', matcher: EMPTY, withdrawn: [] };
  }
}

/** The content-governance service the review and templates pages act through. */
import type { App } from '../../app/app.js';
import { contentGovernanceOf, type ContentGovernance } from '../../app/content-governance.js';
import { SmsguardError } from '../../domain/errors.js';

/**
 * The content-governance service the page acts through, or the stable `governance_off` refusal
 * (not_found, shown in the page's words) naming what there is none of, where this gateway was
 * started without it.
 */
export const governance = (app: App, noneOf: 'actions to lift' | 'baselines to reset' | 'templates'): ContentGovernance => {
  const gov = contentGovernanceOf(app.ctx);
  if (!gov) throw new SmsguardError('not_found', `content governance is not installed: there are no ${noneOf}`, {}, undefined, { id: 'governance_off' });
  return gov;
};

/** Role checks shared by use cases: who may do what. Providers see only their own data. */
import { SmsguardError } from '../domain/errors.js';
import type { Principal } from './types.js';

/**
 * The roles each use case admits, where that depends on the caller alone (not on the resource or the
 * action asked). One table for two checks: the use case's own (`requireRoleIn(p, ROLES.importDnd)`,
 * for every door) and the HTTP route's guard before the body is read (src/http/auth.ts
 * `requireRoles`), so a caller without the right is told so rather than what the body should hold.
 */
export const ROLES = {
  createContentProvider: ['admin'],
  updateContentProvider: ['admin'],
  addSignature: ['admin'],
  addPort: ['admin'],
  revokeSignature: ['admin'],
  retirePort: ['admin'],
  importDnd: ['admin'],
  setRefusalPhrases: ['admin'],
  liftOptOut: ['admin'],
  rejectHeld: ['admin'],
  releaseHeld: ['admin'],
  grantConsent: ['content-provider'],
  withdrawConsent: ['content-provider'],
  requestConsent: ['content-provider'],
  submitMessages: ['content-provider'],
  addRegulatorEntry: ['regulator'],
  createHold: ['admin', 'regulator'],
  fileReports: ['report-centre', 'admin'],
  releaseHold: ['admin', 'regulator'],
  publishCreditEntry: ['regulator'],
  setCallbacks: ['admin'],
  createApiKey: ['admin'],
  revokeApiKey: ['admin'],
  // content governance (src/app/content-governance.ts)
  submitTemplate: ['content-provider', 'admin'],
  reviewTemplate: ['admin'],
  setContentSettings: ['admin'],
  submitSignature: ['content-provider'],
  reviewSignature: ['admin'],
  liftAction: ['admin'],
  resetBaseline: ['admin'],
  cancelMessage: ['admin', 'content-provider'],
  // only its sender replaces a message's text: an operator's replacement would put words in its mouth
  replaceMessage: ['content-provider'],
  controlUpstreamLink: ['admin'],
  // cases (src/app/case-workflow.ts); a transition's roles are its action's row of the table (actionActors)
  rematchEvidence: ['report-centre', 'admin', 'regulator'],
} as const satisfies Record<string, readonly Principal['role'][]>;

export function requireRole<R extends Principal['role']>(p: Principal, ...roles: R[]): asserts p is Extract<Principal, { role: R }> {
  requireRoleIn(p, roles);
}

/**
 * {@link requireRole} for a list already made (a `ROLES` entry): nothing is allocated when the role
 * is admitted, where spreading the list into `requireRole` built an array on every call, on the
 * submit hot path (HTTP and SMPP) twice per request.
 */
export function requireRoleIn<R extends Principal['role']>(p: Principal, roles: readonly R[]): asserts p is Extract<Principal, { role: R }> {
  if (!(roles as readonly string[]).includes(p.role)) {
    throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'forbidden', `this action needs role ${roles.join(' or ')}`, {}, undefined, { id: 'role_required', params: { roles: roles.join(',') } });
  }
}

/** A provider acting on another provider's resource gets `forbidden`; admins pass. */
export function requireOwnerOrAdmin(p: Principal, contentProviderId: string): void {
  if (p.role === 'admin') return;
  if (p.role === 'content-provider' && p.contentProviderId === contentProviderId) return;
  throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'forbidden', 'not your resource');
}

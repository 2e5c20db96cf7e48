/** Role checks shared by use cases: who may do what. Providers see only their own data. */
import { SmsguardError, type RuleRef } from '../domain/errors.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import type { Principal } from './types.js';

/** The rule a refusal by role names (`forbidden`, or `unauthorized` without a token): this table. */
export const ACCESS_ROLE_RULE = 'access.role';
/** The rule a refusal for another provider's data names: a content provider acts on its own only. */
export const ACCESS_OWN_DATA_RULE = 'access.own-data';

/**
 * The `{rule, article}` of a refusal by role, for the error body as every other rejection has them:
 * a 403 carried neither, so a client could not tell a role it lacks from a scope or a workflow step.
 * The article is the gateway's own (no article of the Regulations says who operates the gateway).
 */
export const ROLE_REF: Readonly<RuleRef> = Object.freeze({ rule: ACCESS_ROLE_RULE, article: GATEWAY_ARTICLES.access.en });
/** The `{rule, article}` of a refusal for another content provider's data (see {@link ROLE_REF}). */
export const OWN_DATA_REF: Readonly<RuleRef> = Object.freeze({ rule: ACCESS_OWN_DATA_RULE, article: GATEWAY_ARTICLES.access.en });

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
  // the list's other acts are for those who import to it (src/app/consent-dnd.ts)
  readDnd: ['admin'],
  removeDnd: ['admin'],
  setRefusalPhrases: ['admin'],
  liftOptOut: ['admin'],
  rejectHeld: ['admin'],
  releaseHeld: ['admin'],
  grantConsent: ['content-provider'],
  withdrawConsent: ['content-provider'],
  requestConsent: ['content-provider'],
  // charged services (src/app/charged-services.ts): the operator registers, the provider subscribes
  createChargedService: ['admin'],
  subscribeChargedService: ['content-provider'],
  submitMessages: ['content-provider'],
  addRegulatorEntry: ['regulator'],
  createHold: ['admin', 'regulator'],
  fileReports: ['report-centre', 'admin'],
  releaseHold: ['admin', 'regulator'],
  publishCreditEntry: ['regulator'],
  // the regulator that keeps the file, and the operator running the gateway (an entry the gateway
  // made in error; not a regulator's entry nor one about the operator: credit.ts withdrawEntry)
  withdrawCreditEntry: ['regulator', 'admin'],
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
    throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'forbidden', `this action needs role ${roles.join(' or ')}`, ROLE_REF, undefined, { id: 'role_required', params: { roles: roles.join(',') } });
  }
}

/** A provider acting on another provider's resource gets `forbidden`; admins pass. */
export function requireOwnerOrAdmin(p: Principal, contentProviderId: string): void {
  if (p.role === 'admin') return;
  if (p.role === 'content-provider' && p.contentProviderId === contentProviderId) return;
  throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'forbidden', 'not your resource', OWN_DATA_REF);
}

/**
 * The provider a list selects by, from its `contentProviderId` filter: a content provider's own
 * (naming another provider, or an id that is none, is `forbidden` with {@link OWN_DATA_REF} and field
 * `contentProviderId`, before anything is looked up, so no other id is confirmed to exist); anyone
 * else's filter as given (their role and scope rules are the list's own). An empty filter is none.
 * One rule for every list, where some answered the caller's own list as if it were the other's.
 */
export function ownFilter(p: Principal, contentProviderId: string | undefined): string | undefined {
  const asked = contentProviderId === '' ? undefined : contentProviderId;
  if (p.role !== 'content-provider') return asked;
  if (asked !== undefined && asked !== p.contentProviderId) {
    throw new SmsguardError('forbidden', 'not your resource', OWN_DATA_REF, 'contentProviderId', { id: 'provider_filter_own_only' });
  }
  return p.contentProviderId;
}

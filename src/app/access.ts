/** Role checks shared by use cases: who may do what. Providers see only their own data. */
import { SmsguardError } from '../domain/errors.js';
import type { Principal } from './types.js';

export function requireRole<R extends Principal['role']>(p: Principal, ...roles: R[]): asserts p is Extract<Principal, { role: R }> {
  if (!(roles as string[]).includes(p.role)) {
    throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'forbidden', `this action needs role ${roles.join(' or ')}`, {}, undefined, { id: 'role_required', params: { roles: roles.join(',') } });
  }
}

/** A provider acting on another provider's resource gets `forbidden`; admins pass. */
export function requireOwnerOrAdmin(p: Principal, contentProviderId: string): void {
  if (p.role === 'admin') return;
  if (p.role === 'content-provider' && p.contentProviderId === contentProviderId) return;
  throw new SmsguardError(p.role === 'public' ? 'unauthorized' : 'forbidden', 'not your resource');
}

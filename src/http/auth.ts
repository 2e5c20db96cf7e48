/** Bearer token → principal on every request (the app decides what each role may do). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../app/app.js';
import type { Principal } from '../app/types.js';
import { SmsguardError } from '../domain/errors.js';
import { requireRoleIn } from '../app/access.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** What bearer() gives for an Authorization header that is not `Bearer <token>`: never a token. */
const MALFORMED = '\u0000invalid';

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : MALFORMED;
}

export function registerAuth(f: FastifyInstance, app: App): void {
  f.decorateRequest('principal', null as never);
  f.addHook('onRequest', async (req) => {
    const token = bearer(req);
    // A header without the Bearer scheme (`authorization: sgk_…`, `Basic …`) is not a wrong key:
    // "unknown or revoked token" sent its sender looking for a fault in a key that was fine.
    if (token === MALFORMED) throw new SmsguardError('unauthorized', 'Authorization: must be "Bearer <token>" (the scheme Bearer, a space, then the token)');
    req.principal = await app.auth.principalFor(token);
    if (token && req.principal.role === 'public') throw new SmsguardError('unauthorized', 'unknown or revoked token');
  });
}

/**
 * Route guard: any authenticated principal. Role checks happen in the use cases. Routes run it as
 * an onRequest hook (after the principal's), so a request without a token is 401 before its body is
 * read or validated: a 400 about the body told a caller without a token the wrong thing to fix.
 */
export async function requireAuth(req: FastifyRequest): Promise<void> {
  refuseAnonymous(req);
}

function refuseAnonymous(req: FastifyRequest): void {
  if (req.principal.role === 'public') throw new SmsguardError('unauthorized', 'Authorization: Bearer <token> required');
}

/**
 * Route guard for a route whose use case admits fixed roles (src/app/access.ts `ROLES`): a token
 * ({@link requireAuth}), then the use case's own role check, as an onRequest hook, so a caller without
 * the right is refused 403 before the body is parsed or validated. A 400 listing the fields a lift or
 * an import takes told a caller who may not use the route how to shape a request for it. The use case
 * checks again (the same table): the other doors (web, CLI, SMPP) reach it without this hook.
 */
export function requireRoles(roles: readonly Principal['role'][]): (req: FastifyRequest) => Promise<void> {
  // One promise per request, as requireAuth alone was: no await of it, no spread of the list.
  return async (req) => {
    refuseAnonymous(req);
    requireRoleIn(req.principal, roles);
  };
}

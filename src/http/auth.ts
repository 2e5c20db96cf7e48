/** Bearer token → principal on every request (the app decides what each role may do). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../app/app.js';
import type { Principal } from '../app/types.js';
import { SmsguardError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : '\u0000invalid';
}

export function registerAuth(f: FastifyInstance, app: App): void {
  f.decorateRequest('principal', null as never);
  f.addHook('onRequest', async (req) => {
    const token = bearer(req);
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
  if (req.principal.role === 'public') throw new SmsguardError('unauthorized', 'Authorization: Bearer <token> required');
}

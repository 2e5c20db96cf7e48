/** GET /v1/records/heads: the signed head of every month's hash chain (published, any token). */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody } from '../schemas.js';
import { recordsFor } from '../../app/records-service.js';

const head = {
  type: 'object',
  properties: {
    chain: { type: 'string', description: 'YYYY-MM (Asia/Shanghai), or "retained"' },
    firstSeq: { type: 'integer' }, lastSeq: { type: 'integer' }, count: { type: 'integer' },
    hash: { type: 'string', description: 'hex SHA-256 of the last record' },
    signedAt: { type: 'integer' }, keyId: { type: 'string' }, publicKey: { type: 'string' },
    signature: { type: 'string', description: 'base64 Ed25519 over the canonical JSON {v:1, chain, firstSeq, lastSeq, count, hash, signedAt}' },
  },
} as const;

export async function recordHeadRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/records/heads', {
    onRequest: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity, summary: 'Signed hash-chain heads, one per month (signs new heads for chains that grew, at most once a minute)',
      response: { 200: { type: 'object', properties: { keyId: { type: 'string' }, publicKey: { type: 'string' }, heads: { type: 'array', items: head } } }, '4xx': errorBody },
    },
  }, async () => {
    const svc = recordsFor(app.ctx);
    return { keyId: svc.signer.keyId, publicKey: svc.signer.publicKey, heads: await svc.publishHeads({ minIntervalMs: 60_000 }) };
  });
}

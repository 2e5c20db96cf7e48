/**
 * GET /v1/records/heads: the signed head of every month's hash chain (published, any token); with
 * `contentProviderId`, also that provider's signed provider heads (src/app/provider-heads.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, errorResponse } from '../schemas.js';
import { recordsFor } from '../../app/records-service.js';
import { providerHeadsFor } from '../../app/provider-heads.js';

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

const providerHead = {
  type: 'object',
  properties: {
    month: { type: 'string', description: 'YYYY-MM (Asia/Shanghai)' },
    contentProviderId: { type: 'string' },
    lastSeq: { type: 'integer', description: 'Seq of the provider\'s last record of the month covered' },
    count: { type: 'integer', description: 'The provider\'s records of the month covered' },
    digest: { type: 'string', description: 'hex D_count: D_0 = SHA-256("smsguard-provider-chain\\n" + month + "\\n" + contentProviderId), D_k = SHA-256(D_{k-1} ‖ chain hash of the provider\'s k-th record)' },
    signedAt: { type: 'integer' }, keyId: { type: 'string' }, publicKey: { type: 'string' },
    signature: { type: 'string', description: 'base64 Ed25519 over the canonical JSON {v:1, head:"provider", month, contentProviderId, lastSeq, count, digest, signedAt}' },
  },
} as const;

export async function recordHeadRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/records/heads', {
    onRequest: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity, summary: 'Signed hash-chain heads, one per month (signs new heads for chains that grew, at most once a minute)',
      description: 'With contentProviderId, also providerHeads: the newest signed provider head of each month of that provider (docs/RECORDS.md, "Completeness of one provider\'s export"): the operator and regulators (a regulator limited to a province for its providers), a content provider its own.',
      querystring: { type: 'object', additionalProperties: false, properties: { contentProviderId: { type: 'string', minLength: 1, maxLength: 64 } } },
      response: {
        200: { type: 'object', properties: { keyId: { type: 'string' }, publicKey: { type: 'string' }, heads: { type: 'array', items: head }, providerHeads: { type: 'array', items: providerHead } } },
        403: errorResponse('contentProviderId: another provider\'s (a provider), one outside a regulator token\'s province (rule supervision.province-scope, with its article), or a role that reads no records'),
        404: errorResponse('contentProviderId: no content provider registered under it (nor the operator\'s own account): a misspelt id, not a provider without records'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const svc = recordsFor(app.ctx);
    const cp = (req.query as { contentProviderId?: string }).contentProviderId;
    // Refused before anything is signed; the provider heads are read after the publication signed them.
    if (cp !== undefined) await providerHeadsFor(app.ctx, req.principal, cp);
    const heads = await svc.publishHeads({ minIntervalMs: 60_000 });
    return { keyId: svc.signer.keyId, publicKey: svc.signer.publicKey, heads, ...(cp !== undefined ? { providerHeads: await providerHeadsFor(app.ctx, req.principal, cp) } : {}) };
  });
}

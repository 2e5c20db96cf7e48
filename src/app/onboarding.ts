/** Registry use cases (rule 1: licence and access registry): content providers, signatures, ports. */
import { SmsguardError } from '../domain/errors.js';
import { isValidCreditCode } from '../domain/credit-code.js';
import { signatureFault } from '../domain/signature.js';
import { refuseLookalike } from './signature-lookalike.js';
import { isPortKind } from '../domain/message-type.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRoleIn, ROLES } from './access.js';
import { hashSecret, newSecret } from './secrets.js';
import { str } from './validate.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import { mustExist } from './known-provider.js';
import { HTTP_THROUGHPUT_MAX, type HttpThroughput } from './http-throughput.js';
import type { ContentProviderRow } from '../ports/store.js';

/**
 * The bounds of the registry's text fields, in characters (as `str` counts): one table for these use
 * cases, registry-lifecycle.ts and the HTTP schemas (src/http/routes/content-providers.ts), so the
 * OpenAPI document states the limits that are checked.
 */
export const REGISTRY_LIMITS = {
  name: { min: 1, max: 200 },
  creditCode: { min: 1, max: 32 },
  licenseNumber: { min: 1, max: 64 },
  signature: { min: 1, max: 40 },
  /** A port's number (digits). */
  number: { min: 3, max: 21 },
  contentProviderId: { min: 1, max: 64 },
  /** PATCH's optional reason (status changes). */
  statusReason: { max: 500 },
  /** A revocation's or retirement's required reason. */
  reason: { min: 1, max: 500 },
} as const;

export async function createContentProvider(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<{ id: string; apiKey: string }> {
  requireRoleIn(p, ROLES.createContentProvider);
  const name = str(body.name, 'name', { ...REGISTRY_LIMITS.name, shape: 'line' }).trim();
  if (!name) throw new SmsguardError('invalid_request', 'name: must not be blank', {}, 'name');
  const creditCode = str(body.creditCode, 'creditCode', REGISTRY_LIMITS.creditCode);
  if (!isValidCreditCode(creditCode)) {
    throw new SmsguardError('invalid_credit_code', 'creditCode is not a valid unified social credit code (GB 32100-2015 check character)', { rule: 'registry.credit-code', article: ctx.profile.rules['registry.credit-code']?.article, profile: ctx.profile.id }, 'creditCode');
  }
  const licenseNumber = body.licenseNumber === undefined || body.licenseNumber === null ? null : str(body.licenseNumber, 'licenseNumber', { ...REGISTRY_LIMITS.licenseNumber, shape: 'line' });
  const id = ctx.ids.next('cp');
  const apiKey = newSecret('sgk');
  await ctx.store.directory.createContentProvider(
    { id, name, creditCode, licenseNumber, status: 'active', createdAt: ctx.clock.now(), httpThroughput: null },
    { id: ctx.ids.next('tok'), hash: hashSecret(apiKey) },
    // recorded (content_provider.create) in the creation's transaction: a crash cannot leave one without the other
    p.actorId,
  );
  return { id, apiKey };
}

/**
 * Registers a signature for a content provider (admin; approved at once, as an admin's registration
 * is the review), recorded as `signature.register` in the registration's transaction. A revoked text may be registered again, to its former holder or another, as a new
 * registration (audit `signature.reassign` names the earlier holder and tenure); one that stands is
 * `409 conflict`.
 */
export async function addSignature(ctx: AppContext, p: Principal, contentProviderId: string, body: Record<string, unknown>): Promise<{ id: string; signature: string; status: string }> {
  requireRoleIn(p, ROLES.addSignature);
  await mustExist(ctx, contentProviderId);
  const signature = str(body.signature, 'signature', { ...REGISTRY_LIMITS.signature, shape: 'line' }).trim();
  const fault = signatureFault(signature);
  if (fault !== null) throw new SmsguardError('invalid_request', `signature: ${fault}`, {}, 'signature');
  await refuseLookalike(ctx, contentProviderId, signature);
  const id = ctx.ids.next('sig');
  const at = ctx.clock.now();
  // Registered by an admin means reviewed; the template/signature review workflow can add 'pending' ones.
  // A revoked text registered again (the brand's rightful owner, or its holder once cleared): a new
  // registration beside the revoked one, which stays listed and keeps stopping what was queued
  // before it was revoked. The store records the registration (who, when, what) and whose the text was
  // and for how long, in the same transaction.
  await ctx.store.directory.addSignature({ id, contentProviderId, signature, status: 'approved', createdAt: at }, p.actorId);
  return { id, signature, status: 'approved' };
}

/**
 * Registers a port for a content provider, recorded as `port.register` in the registration's
 * transaction. A retired number may be registered again, to its former
 * holder or another (audit `port.reassign` names the earlier tenure); one in use is `409 conflict`. `reserved`: numbers the gateway's own MO handlers claim
 * (the report port), each with what it is for; they are refused with `409 conflict`, because an MO
 * to them never reaches the port lookup (a user's `TD` there would open a case, not opt out). Ports
 * match MO destinations exactly, so a longer number that starts with a reserved one is allowed. The
 * refusal cites rule 10: the report port is the users' channel for complaints and reports.
 */
export async function addPort(ctx: AppContext, p: Principal, body: Record<string, unknown>, reserved: ReadonlyMap<string, string> = new Map()): Promise<{ number: string; contentProviderId: string; kind: string }> {
  requireRoleIn(p, ROLES.addPort);
  const number = str(body.number, 'number', { ...REGISTRY_LIMITS.number, pattern: /^\d+$/ });
  const claimedBy = reserved.get(number);
  if (claimedBy) {
    throw new SmsguardError('conflict', `number: ${number} is reserved for ${claimedBy}; messages to it never reach a content provider, so choose another number`, { rule: 'ports.reserved', article: GATEWAY_ARTICLES.complaints.en }, 'number');
  }
  const contentProviderId = str(body.contentProviderId, 'contentProviderId', REGISTRY_LIMITS.contentProviderId);
  if (!isPortKind(body.kind)) throw new SmsguardError('invalid_request', 'kind: must be service, commercial or public_welfare', {}, 'kind');
  await mustExist(ctx, contentProviderId);
  const at = ctx.clock.now();
  // A retired number allocated again (MIIT reallocates withdrawn numbers): the row is the new
  // holder's from now on, so the store records whose it was and until when, in the same transaction.
  await ctx.store.directory.addPort({ number, ownerId: contentProviderId, kind: body.kind, createdAt: at }, p.actorId);
  return { number, contentProviderId, kind: body.kind };
}

/**
 * `PATCH /v1/content-providers/{id}` (admin): the provider's status (suspend or reactivate, with a
 * reason) and/or its HTTP throughput (messages a second, 1–100000; null: no limit). Everything is
 * checked before anything is written; each change is recorded in the audit trail. A throughput change
 * binds this process's HTTP door at once (`throughput.forget`) and others within the directory
 * refresh bound (http-throughput.ts).
 */
export async function updateContentProvider(ctx: AppContext, throughput: HttpThroughput | undefined, p: Principal, id: string, body: Record<string, unknown>): Promise<{ id: string; status: ContentProviderRow['status']; httpThroughput: number | null }> {
  requireRoleIn(p, ROLES.updateContentProvider);
  const status = body.status;
  if (status !== undefined && status !== 'active' && status !== 'suspended') throw new SmsguardError('invalid_request', 'status: must be active or suspended', {}, 'status');
  const hasRate = body.httpThroughput !== undefined;
  const rate = body.httpThroughput;
  if (hasRate && rate !== null && !(Number.isInteger(rate) && (rate as number) >= 1 && (rate as number) <= HTTP_THROUGHPUT_MAX)) {
    throw new SmsguardError('invalid_request', `httpThroughput: must be a whole number of messages a second from 1 to ${HTTP_THROUGHPUT_MAX}, or null for no limit`, {}, 'httpThroughput');
  }
  if (status === undefined && !hasRate) throw new SmsguardError('invalid_request', 'give status or httpThroughput (or both)', {}, 'status');
  const reason = body.reason === undefined ? undefined : str(body.reason, 'reason', { ...REGISTRY_LIMITS.statusReason, shape: 'text' });
  const at = ctx.clock.now();
  if (status !== undefined) {
    if (!(await ctx.store.directory.setContentProviderStatus(id, status, at, p.actorId, reason))) throw new SmsguardError('not_found', `no content provider ${id}`);
    if (status === 'suspended') ctx.events.emit('refusal', { contentProviderId: id });
  }
  if (hasRate) {
    if (!(await ctx.store.directory.setContentProviderHttpThroughput(id, rate as number | null, at, p.actorId))) throw new SmsguardError('not_found', `no content provider ${id}`);
    throughput?.forget(id);
  }
  const row = await ctx.store.directory.getContentProvider(id);
  if (!row) throw new SmsguardError('not_found', `no content provider ${id}`);
  return { id, status: row.status, httpThroughput: row.httpThroughput };
}

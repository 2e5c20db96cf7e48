/**
 * Registry reads (rule 1: licence and access registry): who is set up, with which signatures and
 * ports. The writes are onboarding.ts; these answer with the same field names the writes take, never
 * an API key or its hash (the store keeps those apart from the provider row anyway).
 *
 * Who reads what:
 * - the operator (admin): everything;
 * - a content provider: itself, its signatures and its ports; another provider is `forbidden`
 *   (checked before the id is looked up, so a provider cannot probe which ids exist);
 * - a regulator: every provider, or, with a token limited to a province, those registered there
 *   (providersVisibleTo, as the credit page lists them); naming a provider of another province is a
 *   scope refusal (`forbidden`, rule supervision.province-scope), as the complaint rate and
 *   `/v1/records?contentProviderId=` are. A token's dates do not limit these reads: the registry says
 *   who is set up now, not what came about in a period, and the credit page lists the same providers
 *   to a token limited to dates.
 */
import { SmsguardError } from '../domain/errors.js';
import type { PortKind } from '../domain/message-type.js';
import type { ContentProviderRow, PortRow, SignatureRow } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { ownFilter, requireOwnerOrAdmin, requireRole, OWN_DATA_REF } from './access.js';
import { inProvince, providersVisibleTo, scopeRefusal } from './records-scope.js';
import { str } from './validate.js';
import { mustBeFilterAccount } from './known-provider.js';

/** A content provider as the registry shows it: the fields `POST /v1/content-providers` takes, its status and when it was registered. */
export interface ContentProviderView {
  id: string;
  name: string;
  creditCode: string;
  licenseNumber: string | null;
  status: ContentProviderRow['status'];
  /** ISO-8601, UTC. */
  createdAt: string;
}

/** A signature of a provider, as `POST /v1/content-providers/{id}/signatures` answers it, with when. */
export interface SignatureView {
  id: string;
  signature: string;
  status: SignatureRow['status'];
  /** ISO-8601, UTC. */
  createdAt: string;
  /** When an operator revoked it (ISO-8601, UTC), null while it stands. */
  revokedAt: string | null;
  /** Why it was revoked; null while it stands. */
  revokedReason: string | null;
}

/** A port, with the field names `POST /v1/ports` takes (`contentProviderId`, not the store's `ownerId`). */
export interface PortView {
  number: string;
  contentProviderId: string;
  kind: PortKind;
  /** ISO-8601, UTC. */
  createdAt: string;
  /** When an operator retired it (ISO-8601, UTC), null while in use. */
  retiredAt: string | null;
  /** Why it was retired; null while in use. */
  retiredReason: string | null;
}

/** `GET /v1/content-providers/{id}`: the provider with its HTTP throughput, its signatures and ports. */
export interface ContentProviderDetail extends ContentProviderView {
  /** Messages a second over HTTP, as `PATCH /v1/content-providers/{id}` set it; null: no limit. */
  httpThroughput: number | null;
  signatures: SignatureView[];
  ports: PortView[];
}

const iso = (t: number) => new Date(t).toISOString();

function providerView(r: ContentProviderRow): ContentProviderView {
  return { id: r.id, name: r.name, creditCode: r.creditCode, licenseNumber: r.licenseNumber, status: r.status, createdAt: iso(r.createdAt) };
}

/** A signature as the API and pages show it (also the answer of its revocation). */
export function signatureView(r: SignatureRow): SignatureView {
  return { id: r.id, signature: r.signature, status: r.status, createdAt: iso(r.createdAt), revokedAt: r.revokedAt == null ? null : iso(r.revokedAt), revokedReason: r.revokedReason ?? null };
}

/** A port as the API and pages show it (also the answer of its retirement). */
export function portView(r: PortRow): PortView {
  return { number: r.number, contentProviderId: r.ownerId, kind: r.kind, createdAt: iso(r.createdAt), retiredAt: r.retiredAt == null ? null : iso(r.retiredAt), retiredReason: r.retiredReason ?? null };
}

/** A provider's id from a path or query: a text of at most 64 characters, as the writes take it. */
const providerIdField = (v: unknown, field: string) => str(v, field, { min: 1, max: 64 });

/**
 * The content providers a principal may list (admin, regulator), oldest first, optionally only those
 * of one `status`.
 */
export async function listContentProviders(ctx: AppContext, p: Principal, q: { status?: unknown } = {}): Promise<ContentProviderView[]> {
  requireRole(p, 'admin', 'regulator');
  const status = q.status;
  if (status !== undefined && status !== 'active' && status !== 'suspended') throw new SmsguardError('invalid_request', 'status: must be active or suspended', {}, 'status', { id: 'provider_status_unknown' });
  const rows = providersVisibleTo(p, await ctx.store.directory.listContentProviders());
  return rows.filter((r) => status === undefined || r.status === status).map(providerView);
}

/**
 * The provider `id` names, after the access checks every per-provider read shares: a provider only
 * itself (`forbidden`, before looking, so no id is confirmed to another provider), an unknown id
 * `not_found`, a regulator limited to a province only providers registered there.
 */
async function readableProvider(ctx: AppContext, p: Principal, rawId: unknown): Promise<ContentProviderRow> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  const id = providerIdField(rawId, 'id');
  // The API's message as requireOwnerOrAdmin words it; the why lets the pages say it in their language.
  if (p.role === 'content-provider' && p.contentProviderId !== id) throw new SmsguardError('forbidden', 'not your resource', OWN_DATA_REF, undefined, { id: 'provider_own_only' });
  const cp = await ctx.store.directory.getContentProvider(id);
  if (!cp) throw new SmsguardError('not_found', `no content provider ${id}`, {}, undefined, { id: 'provider_not_found', params: { id } });
  if (!(await inProvince(ctx, p, id))) throw scopeRefusal(ctx, 'province', `content provider ${id} is outside this token's province`, { id: 'provider_other_province', params: { id } });
  return cp;
}

/** One provider with its signatures and ports (admin, the provider itself, a regulator within its province). */
export async function getContentProviderDetail(ctx: AppContext, p: Principal, id: unknown): Promise<ContentProviderDetail> {
  const cp = await readableProvider(ctx, p, id);
  const [signatures, ports] = await Promise.all([ctx.store.directory.listSignatures(cp.id), ctx.store.directory.listPorts(cp.id)]);
  return { ...providerView(cp), httpThroughput: cp.httpThroughput, signatures: signatures.map(signatureView), ports: ports.map(portView) };
}

/** A provider's signatures, oldest first, whatever their review state; same access as the detail. */
export async function listProviderSignatures(ctx: AppContext, p: Principal, id: unknown): Promise<SignatureView[]> {
  const cp = await readableProvider(ctx, p, id);
  return (await ctx.store.directory.listSignatures(cp.id)).map(signatureView);
}

/**
 * Registered ports by number: the operator all of them or one provider's (`contentProviderId`); a
 * provider its own (naming another is `forbidden`); a regulator those of the providers it may list,
 * or one of them. An id no provider has is `not_found` (a misspelt id, not a provider without
 * ports), after those rules: a province-limited regulator is refused it as another province's.
 */
export async function listPorts(ctx: AppContext, p: Principal, q: { contentProviderId?: unknown } = {}): Promise<PortView[]> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  let cpId = q.contentProviderId === undefined ? undefined : providerIdField(q.contentProviderId, 'contentProviderId');
  cpId = ownFilter(p, cpId);
  if (p.role === 'regulator' && p.province) {
    if (cpId !== undefined) {
      if (!(await inProvince(ctx, p, cpId))) throw scopeRefusal(ctx, 'province', `content provider ${cpId} is outside this token's province`, { id: 'provider_other_province', params: { id: cpId } }, 'contentProviderId');
    } else {
      const visible = new Set(providersVisibleTo(p, await ctx.store.directory.listContentProviders()).map((c) => c.id));
      return (await ctx.store.directory.listPorts()).filter((r) => visible.has(r.ownerId)).map(portView);
    }
  }
  await mustBeFilterAccount(ctx, p, cpId, 'providers');
  return (await ctx.store.directory.listPorts(cpId)).map(portView);
}

/**
 * The check the per-provider use cases share: the content provider a path names must be registered
 * (`not_found` otherwise), before anything is read or written under its id.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import { OPERATOR_ACCOUNT_ID } from '../domain/case.js';

/** `not_found` unless content provider `id` is registered. */
export async function mustExist(ctx: AppContext, id: string): Promise<void> {
  if (!(await ctx.store.directory.getContentProvider(id))) throw new SmsguardError('not_found', `no content provider ${id}`);
}

/**
 * `not_found` (field `contentProviderId`) unless `id` names an account records are kept under: a
 * registered content provider or the operator's own account ({@link OPERATOR_ACCOUNT_ID}: its
 * complaint receipts and answers), for the record reads that name one (`GET /v1/records`,
 * `/v1/records/heads`, `/v1/messages`, the export). An empty page for a misspelt id read as "this
 * provider has no records" to an inspector, while the export of the same id was 404.
 */
export async function mustBeRecordAccount(ctx: AppContext, id: string): Promise<void> {
  if (id === OPERATOR_ACCOUNT_ID || (await ctx.store.directory.getContentProvider(id))) return;
  throw new SmsguardError('not_found', `no content provider ${id}`, {}, 'contentProviderId', { id: 'provider_not_found', params: { id } });
}

/**
 * The checks the per-provider use cases share: the content provider a path names must be registered
 * (`not_found` otherwise), before anything is read or written under its id; and the provider a list's
 * `contentProviderId` filter names must be one too, so that a misspelt id is 404 rather than an
 * empty list.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { OPERATOR_ACCOUNT_ID } from '../domain/case.js';

/** `not_found` unless content provider `id` is registered. */
export async function mustExist(ctx: AppContext, id: string): Promise<void> {
  if (!(await ctx.store.directory.getContentProvider(id))) throw new SmsguardError('not_found', `no content provider ${id}`);
}

/**
 * What a list's filter may name: a registered content provider, or also the operator's own account
 * ({@link OPERATOR_ACCOUNT_ID}) where the list holds things kept under it (records and messages: its
 * complaint receipts and answers; cases about its own messages; credit-file entries about it).
 */
export type FilterAccounts = 'providers' | 'providers-and-operator';

/**
 * `not_found` (field `contentProviderId`) when a list's `contentProviderId` filter names no account
 * `accounts` allows: an empty page for a misspelt id read as "this provider has nothing here" (no
 * records, no ports, no complaints), while the provider's own pages of the same id were 404.
 *
 * Called with the id the list will select by, after the route's own role and scope rules, which
 * therefore answer first: a content provider naming another's id is refused it (403 `access.own-data`,
 * access.ts `ownFilter`), and its own id is registered, so it is not looked up. A regulator token limited
 * to a province is never told which ids exist: it gets for an unknown id what its route answers for
 * another province's provider (403 where the route refuses one, as `GET /v1/records`; the list
 * narrowed to its province, hence empty, where the route selects), so it is passed here.
 */
export async function mustBeFilterAccount(ctx: AppContext, p: Principal, id: string | undefined, accounts: FilterAccounts): Promise<void> {
  if (id === undefined || id === '' || p.role === 'content-provider' || (p.role === 'regulator' && p.province)) return;
  if (accounts === 'providers-and-operator' && id === OPERATOR_ACCOUNT_ID) return;
  if (await ctx.store.directory.getContentProvider(id)) return;
  throw new SmsguardError('not_found', `no content provider ${id}`, {}, 'contentProviderId', { id: 'provider_not_found', params: { id } });
}

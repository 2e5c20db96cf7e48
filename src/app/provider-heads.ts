/**
 * One content provider's signed provider heads (`GET /v1/records/heads?contentProviderId=`): the
 * newest of each month, which an inspector compares with the heads an export of the provider carries
 * (docs/RECORDS.md "Completeness of one provider's export"). Signed when heads are signed.
 *
 * Who may: the operator and regulators, a regulator limited to a province for that province's
 * providers only (a head tells how many records a provider has in a month, which such a token reads of
 * no other province), and a content provider its own (another's is 403, as its records are). An id
 * the registry does not know is 404, as on `GET /v1/records` and the export (after the scope).
 */
import type { StoredProviderHead } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { ownFilter, requireRole } from './access.js';
import { inProvince, scopeRefusal } from './records-scope.js';
import { recordsFor } from './records-service.js';
import { mustBeFilterAccount } from './known-provider.js';

export async function providerHeadsFor(ctx: AppContext, p: Principal, contentProviderId: string): Promise<StoredProviderHead[]> {
  requireRole(p, 'admin', 'regulator', 'content-provider');
  ownFilter(p, contentProviderId);
  if (!(await inProvince(ctx, p, contentProviderId))) throw scopeRefusal(ctx, 'province', `content provider ${contentProviderId} is outside this token's province`, { id: 'provider_other_province', params: { id: contentProviderId } }, 'contentProviderId');
  await mustBeFilterAccount(ctx, p, contentProviderId, 'providers-and-operator');
  return recordsFor(ctx).providerHeads(contentProviderId);
}

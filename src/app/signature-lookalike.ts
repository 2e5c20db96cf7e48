/**
 * A signature that reads as another provider's: the true-sender rule (docs/REGULATION.md, rule 2)
 * asks that the 【name】 a handset shows be the sender's own, and `【好運銀行】`, `【好运·银行】` or
 * `【Ｈａｏｙｕｎ】` read as `【好运银行】` / `【HAOYUN】` to anyone who receives them. A new registration
 * (an admin's, or a provider's application) is compared, in the content normaliser's match form
 * (traditional → simplified, full-width, case, homoglyphs, numerals, separators dropped:
 * src/content/normalize.ts), with every text that stands; one of another provider that reads the same
 * refuses it `409 conflict`, naming it. A provider's own variants (its brand in traditional
 * characters) are its own. Registrations are rare: the standing texts are read whole each time.
 */
import { normalizeText } from '../content/normalize.js';
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';

export async function refuseLookalike(ctx: AppContext, contentProviderId: string, signature: string): Promise<void> {
  const key = normalizeText(signature);
  // an exact copy is the store's own conflict (already registered), with its own message
  for (const s of await ctx.store.directory.standingSignatures()) {
    if (s.contentProviderId === contentProviderId || s.signature === signature) continue;
    if (normalizeText(s.signature) === key) {
      throw new SmsguardError('conflict', `signature ${signature} reads as ${s.signature}, registered to another content provider: a handset shows them alike, so it would not state the true sender`, {}, 'signature');
    }
  }
}

/**
 * The check the per-provider use cases share: the content provider a path names must be registered
 * (`not_found` otherwise), before anything is read or written under its id.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';

/** `not_found` unless content provider `id` is registered. */
export async function mustExist(ctx: AppContext, id: string): Promise<void> {
  if (!(await ctx.store.directory.getContentProvider(id))) throw new SmsguardError('not_found', `no content provider ${id}`);
}

/**
 * Deleting from an lru-cache without ever emptying it. lru-cache (11.x) runs `clear()` when `delete()`
 * takes its last entry, and `clear()` refills both of its arrays of `max` slots: with `max` 200,000
 * that is 400,000 stores each time a table of messages in flight drains, which on the SMPP path it
 * does often as receipts catch up (the receipt book's: ~1 % of the SMPP gateway's samples in
 * `perf`, docs/PERFORMANCE.md). When the key is the last entry a placeholder goes in first, under a
 * key no message or SMSC id can be (a NUL: SMPP ids are C-octet strings), so the delete leaves one
 * entry and takes lru-cache's O(1) path; the placeholder then ages like any entry and is evicted
 * first once the table fills.
 */
import type { LRUCache } from 'lru-cache';

/** The placeholder's key. */
export const PLACEHOLDER_KEY = '\u0000';

export function deleteKeepingSlots<V extends object>(cache: LRUCache<string, V>, key: string, placeholder: V): boolean {
  // With room for two (a cache of one would evict the key itself to make room; its clear costs nothing).
  if (cache.size === 1 && cache.max > 1 && cache.has(key)) cache.set(PLACEHOLDER_KEY, placeholder);
  return cache.delete(key);
}

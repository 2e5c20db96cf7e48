/**
 * `message_status.partial` as both stores keep it: a long message's parts already taken by the SMSC
 * (src/ports/egress.ts PartialSubmit) as JSON, or null. Read defensively: a value that does not parse
 * as one is treated as absent (the retry then sends every part again, as before the column existed),
 * never as an error that would stop the queue.
 */
import type { PartialSubmit } from '../ports/egress.js';

export function partialColumn(p: PartialSubmit | undefined): string | null {
  return p ? JSON.stringify({ ref: p.ref, partIds: p.partIds }) : null;
}

export function partialFromColumn(v: string | null | undefined): PartialSubmit | undefined {
  if (!v) return undefined;
  let x: unknown;
  try {
    x = JSON.parse(v);
  } catch {
    return undefined;
  }
  const o = x as Partial<PartialSubmit> | null;
  if (!o || !Number.isInteger(o.ref) || (o.ref as number) < 0 || (o.ref as number) > 0xffff) return undefined;
  if (!Array.isArray(o.partIds) || o.partIds.length < 2 || o.partIds.length > 255) return undefined;
  if (!o.partIds.every((id) => id === null || typeof id === 'string')) return undefined;
  return { ref: o.ref as number, partIds: o.partIds as (string | null)[] };
}

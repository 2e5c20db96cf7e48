/**
 * Matches the message id in a delivery receipt to the one the SMSC gave in submit_sm_resp, through
 * the classic traps: the receipt's id in decimal where the response was hex (or the reverse), in
 * another case, with or without leading zeros. Pure and bounded (oldest entries go first).
 *
 * `get` is the id as written (case and leading zeros aside); `find` also tries the other numeric
 * readings, which can name a different message ("10" read as decimal is hex "a"): a caller must
 * prefer `get` and treat a `find`-only match as a guess (SmppUpstream waits before settling on it).
 */
import { SlotMap } from '../../runtime/slot-map.js';

const HEX = /^[0-9a-f]+$/;
const DEC = /^[0-9]+$/;

/** Decimal string of a hex number; Number arithmetic while exact (≤ 13 hex digits), BigInt beyond. */
function hexToDec(s: string): string {
  return s.length <= 13 ? String(parseInt(s, 16)) : BigInt('0x' + s).toString();
}
/** Hex string (lower case) of a decimal number; Number arithmetic while exact (≤ 15 digits), BigInt beyond. */
function decToHex(s: string): string {
  return s.length <= 15 ? parseInt(s, 10).toString(16) : BigInt(s).toString(16);
}

/** An id as filed: trimmed, lower case, without leading zeros. */
function strip(s: string): string {
  const t = s.trim().toLowerCase().replace(/^0+/, '');
  return t === '' ? '0' : t;
}

/**
 * Filed forms to try, in order, for an id read from a receipt: as written, then (when it reads as
 * a decimal number) the hex spelling of that number, then (when it reads as hex) the decimal one.
 * A response id is filed once, as written; the other readings are worked out here, once per
 * receipt, rather than filed for every submit (three map entries per message cost more than the
 * conversions, docs/PERFORMANCE.md).
 */
function formsForReceiptId(id: string): string[] {
  const s = strip(id);
  const forms = [s];
  if (s.length <= 30) {
    if (DEC.test(s)) forms.push(decToHex(s));
    if (HEX.test(s)) {
      const d = hexToDec(s);
      if (d.length <= 30) forms.push(d);
    }
  }
  return forms;
}

/** Widest zero-padded spelling tried for a receipt id (SMSCs pad to 8, 10, 16 or 20 digits). */
const MAX_PADDED = 20;

/**
 * Spellings under which an SMSC may have given, in its submit_sm_resp, the id a receipt names, for
 * a store to try when this process no longer holds the filed ids (submitted before a restart): the
 * same classic traps as `IdIndex.find`, spelled out because the store matches ids exactly. For each
 * reading of `id` (and of `alt`, the receipt text's id when it differs) in `find`'s order: lower and
 * upper case, without leading zeros and zero-padded up to 20 characters. The ids as written come
 * first; `id` itself is left out (it was tried). Mixed-case spellings other than as written are not
 * guessed. At most a few hundred strings, worked out only for receipts nothing in memory matched.
 */
export function otherSpellings(id: string, alt?: string): string[] {
  const out = new Set<string>();
  for (const raw of alt && alt !== id ? [id, alt] : [id]) {
    if (!raw.trim()) continue;
    out.add(raw.trim());
    for (const f of formsForReceiptId(raw)) {
      for (const c of [f, f.toUpperCase()]) {
        out.add(c);
        for (let w = c.length + 1; w <= MAX_PADDED; w++) out.add(c.padStart(w, '0'));
      }
    }
  }
  out.delete(id);
  return [...out];
}

export class IdIndex<V> {
  private readonly map = new SlotMap<string, V>();
  /**
   * The filed ids, oldest first, as a ring once full, so the oldest goes in O(1). An array with
   * shift() was O(n) once full: at 500k entries each add moved megabytes, and the client fell to a
   * few thousand receipts a second after half a million messages.
   */
  private readonly ring: { key: string; value: V }[] = [];
  private head = 0;
  constructor(readonly capacity = 500_000) {}

  get size(): number {
    return this.ring.length;
  }

  /** Files `value` under the response id (found later by any of its readings). */
  add(responseId: string, value: V): void {
    const key = strip(responseId);
    this.map.set(key, value);
    if (this.ring.length < this.capacity) this.ring.push({ key, value });
    else {
      // Full: the oldest entry's slot takes the new one. Its key goes unless the same id was filed
      // again since.
      const old = this.ring[this.head];
      if (this.map.get(old.key) === old.value) this.map.delete(old.key);
      old.key = key;
      old.value = value;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** The value filed under exactly this id (trimmed, any case, leading zeros aside), or undefined. */
  get(receiptId: string): V | undefined {
    if (!receiptId) return undefined;
    return this.map.get(strip(receiptId));
  }

  /** The value filed for the id a receipt carries, as written or in another reading, or undefined. */
  find(receiptId: string): V | undefined {
    if (!receiptId) return undefined;
    for (const k of formsForReceiptId(receiptId)) {
      const v = this.map.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

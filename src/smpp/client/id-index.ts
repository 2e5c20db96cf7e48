/**
 * Matches the message id in a delivery receipt to the one the SMSC gave in submit_sm_resp, through
 * the classic traps: the receipt's id in decimal where the response was hex (or the reverse), in
 * another case, with or without leading zeros. Pure and bounded (oldest entries go first).
 */

const HEX = /^[0-9a-f]+$/;
const DEC = /^[0-9]+$/;

/** Decimal string of a hex/decimal number; Number arithmetic while exact (≤ 13 hex / 15 decimal digits), BigInt beyond. */
function numHex(s: string): string {
  return s.length <= 13 ? String(parseInt(s, 16)) : BigInt('0x' + s).toString();
}
function numDec(s: string): string {
  return s.length <= 15 ? String(parseInt(s, 10)) : BigInt(s).toString();
}

function strip(s: string): string {
  const t = s.trim().toLowerCase().replace(/^0+/, '');
  return t === '' ? '0' : t;
}

/** Keys under which an id from submit_sm_resp is filed. */
function keysForResponseId(id: string): string[] {
  const s = strip(id);
  const keys = [`s:${s}`];
  // A response id may be hex (most SMSCs) or decimal; file both numeric readings.
  if (HEX.test(s) && s.length <= 30) keys.push(`n:${numHex(s)}`);
  if (DEC.test(s) && s.length <= 30) keys.push(`n:${numDec(s)}`);
  return keys;
}

/** Keys to try, in order, for an id read from a receipt. */
function keysForReceiptId(id: string): string[] {
  const s = strip(id);
  const keys = [`s:${s}`];
  if (DEC.test(s) && s.length <= 30) keys.push(`n:${numDec(s)}`);
  if (HEX.test(s) && s.length <= 30) keys.push(`n:${numHex(s)}`);
  return keys;
}

export class IdIndex<V> {
  private readonly map = new Map<string, V>();
  /**
   * The keys of every filed id, oldest first, as a ring once full, so the oldest goes in O(1). An
   * array with shift() was O(n) once full: at 500k entries each add moved megabytes, and the client
   * fell to a few thousand receipts a second after half a million messages.
   */
  private readonly ring: { keys: string[]; value: V }[] = [];
  private head = 0;
  constructor(readonly capacity = 500_000) {}

  get size(): number {
    return this.ring.length;
  }

  /** Files `value` under every reading of the response id. */
  add(responseId: string, value: V): void {
    const keys = keysForResponseId(responseId);
    for (const k of keys) this.map.set(k, value);
    if (this.ring.length < this.capacity) this.ring.push({ keys, value });
    else {
      // Full: the oldest entry's slot takes the new one. Its keys go unless a newer id was filed
      // under them since (hex "10" and decimal "16" both read as 16).
      const old = this.ring[this.head];
      for (const k of old.keys) if (this.map.get(k) === old.value) this.map.delete(k);
      this.ring[this.head] = { keys, value };
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** The value filed for the id a receipt carries, or undefined. */
  find(receiptId: string): V | undefined {
    if (!receiptId) return undefined;
    for (const k of keysForReceiptId(receiptId)) {
      const v = this.map.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

/**
 * The number-portability (MNP, 携号转网) list as the SMPP client routes by it: which carrier each
 * ported mainland mobile number belongs to now. Millions of numbers must fit, and the list must reach
 * the upstream's worker thread without copying: it lives in two SharedArrayBuffers, a sorted
 * Float64Array of national numbers (11 digits, exact in a double) and a Uint8Array of carrier indexes
 * beside it: 9 bytes a number (scripts/mnp-memory.ts measures it). A lookup is a binary search over
 * digits read in place: no allocation per message.
 */

/**
 * The list as plain data: what crosses to the worker thread (structured clone shares a
 * SharedArrayBuffer, it does not copy it). `carriers[i]` indexes `names`.
 */
export interface PortedNumbersData {
  /** Float64Array memory: national numbers (`13800138000` as a number), ascending, each once. */
  numbers: SharedArrayBuffer;
  /** Uint8Array memory: the carrier index of each number, same order. */
  carriers: SharedArrayBuffer;
  /** Carrier names as links name them (`cmcc`, `ctcc`, …), lower case; at most 255. */
  names: string[];
}

/** Carrier names compare without case or surrounding space: `CMCC` in the list is link `cmcc`. */
export const carrierKey = (name: string): string => name.trim().toLowerCase();

/** Builds the shared form from [national number, carrier index] pairs already sorted and unique. */
export function portedData(numbers: Float64Array, carriers: Uint8Array, names: string[]): PortedNumbersData {
  const n = new SharedArrayBuffer(numbers.length * 8);
  new Float64Array(n).set(numbers);
  const c = new SharedArrayBuffer(carriers.length);
  new Uint8Array(c).set(carriers);
  return { numbers: n, carriers: c, names };
}

/** A read-only view of PortedNumbersData for lookups. */
export class PortedNumbers {
  private readonly numbers: Float64Array;
  private readonly carriers: Uint8Array;
  readonly names: readonly string[];

  constructor(data: PortedNumbersData) {
    this.numbers = new Float64Array(data.numbers);
    this.carriers = new Uint8Array(data.carriers);
    this.names = data.names;
  }

  get size(): number {
    return this.numbers.length;
  }

  /**
   * The carrier index (into `names`) of a recipient written as the client sees it (E.164 digits
   * without '+': `8613800138000`), or -1 when the number is not in the list or not a mainland mobile.
   */
  carrierIndexOf(digits: string): number {
    // 86 + 11 national digits starting with 1: the only numbers the list can hold
    if (digits.length !== 13 || digits.charCodeAt(0) !== 56 || digits.charCodeAt(1) !== 54) return -1;
    let key = 0;
    for (let i = 2; i < 13; i++) {
      const d = digits.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      key = key * 10 + d;
    }
    const a = this.numbers;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid];
      if (v < key) lo = mid + 1;
      else if (v > key) hi = mid - 1;
      else return this.carriers[mid];
    }
    return -1;
  }

  /** The carrier name of a recipient (as carrierIndexOf), or undefined: for the CLI and tests. */
  carrierOf(digits: string): string | undefined {
    const i = this.carrierIndexOf(digits);
    return i < 0 ? undefined : this.names[i];
  }
}

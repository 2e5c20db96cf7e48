/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from the 31-symbol
 * alphabet (digits and capitals without I, O, Z, S, V); the 18th is a check character computed
 * modulo 31 over the first 17 with fixed weights. No maintained npm library implements it, and the
 * algorithm is short and fully specified by the standard, so it lives here with its test vectors.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null if any is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  const c = (31 - (sum % 31)) % 31;
  return ALPHABET[c];
}

/** True when `code` is 18 characters of the GB 32100 alphabet with a correct check character. */
export function isValidCreditCode(code: unknown): code is string {
  if (typeof code !== 'string' || code.length !== 18) return false;
  const upper = code.toUpperCase();
  if (upper !== code) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

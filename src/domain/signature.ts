/**
 * Sender signatures `【name】`: the sender's real identity at the head of the text (true sender).
 * Inside the brackets 2–16 characters, no brackets; only the full-width 【】 count.
 */
const HEAD = /^【([^【】]{2,16})】/u;
const WHOLE = /^【[^【】]{2,16}】$/u;
/** Whitespace before the signature: ASCII, the ideographic space U+3000 and every other `\s`. */
const LEADING_SPACE = /^\s+/u;

/**
 * `text` without the whitespace before its first character (ASCII spaces, tabs, newlines, the
 * ideographic space U+3000…): signatures are registered trimmed, so ` 【示例】…` and `\u3000【示例】…`
 * start with the signature `【示例】` too. Returns `text` itself when there is nothing to trim.
 */
export function trimLeading(text: string): string {
  return LEADING_SPACE.test(text) ? text.replace(LEADING_SPACE, '') : text;
}

/** The leading signature including brackets (after any leading whitespace), or null when the text does not start with one. */
export function leadingSignature(text: string): string | null {
  const m = HEAD.exec(trimLeading(text));
  return m ? m[0] : null;
}

/** Any 【…】 pair with no bracket inside, whatever it holds (a brand, digits, nothing); global, for `lastIndex`. */
const PAIR = /【[^【】]*】/g;

/**
 * The first 【…】 pair after the leading signature `sig` (at the head of `text`, after any leading
 * whitespace) that is not `sig` itself, or null when there is none. Carriers refuse a message with
 * more than one bracketed signature (多签名): the handset and their filters read every 【…】 as a
 * sender's name, whatever it holds, so a code in brackets (`【123456】`) counts as much as another
 * brand. The sender's own signature repeated (a trailing `…【示例】`) names no one else and is not
 * one; a lone 【 or 】 is no pair.
 */
export function otherBracketed(text: string, sig: string): string | null {
  const t = trimLeading(text);
  // Every message passing the signature stage comes here: most hold no second 【, and for them a
  // native scan answers with nothing copied (no slice of the text, no match iterator).
  const from = t.indexOf('【', sig.length);
  if (from < 0) return null;
  PAIR.lastIndex = from;
  for (let m = PAIR.exec(t); m !== null; m = PAIR.exec(t)) if (m[0] !== sig) return m[0];
  return null;
}

/**
 * Characters that show nothing (or reorder what follows): format characters (zero-width space and
 * joiners, the BOM, the soft hyphen, bidi overrides such as U+202E), private-use and unassigned code
 * points, variation selectors, and the Hangul fillers, which are letters drawn as blanks.
 */
const INVISIBLE = /[\p{Cf}\p{Co}\p{Cn}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0]/u;

/**
 * Why `s` is not a signature to register, or null when it is one: `【…】` with 2–16 characters
 * inside, none of them a bracket, whitespace, or invisible. An invisible character makes a second
 * signature that reads on the handset exactly as the first (`【别\u200b家】` as `【别家】`): a
 * provider could ask for a lookalike of another's brand, which the true-sender rule forbids, and an
 * operator reviewing it would see the brand it imitates. Named by code point and place.
 */
export function signatureFault(s: string): string | null {
  const inner = WHOLE.test(s) ? [...s.slice(1, -1)] : [];
  const shape = 'must be 【…】 with 2–16 characters inside, full-width brackets only, no spaces';
  if (inner.length < 2 || inner.length > 16) return shape;
  // before the spaces: JavaScript's trim() also takes the BOM for one, which would hide its name
  const at = inner.findIndex((ch) => INVISIBLE.test(ch));
  if (at >= 0) {
    const cp = inner[at].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `must not contain an invisible character (U+${cp} at character ${at + 2}): it would read on the handset as another signature`;
  }
  return inner.some((ch) => ch.trim() === '') ? shape : null;
}

/** True when `s` is a well-formed signature `【…】` with 2–16 visible characters inside ({@link signatureFault}). */
export function isWellFormedSignature(s: unknown): s is string {
  return typeof s === 'string' && signatureFault(s) === null;
}

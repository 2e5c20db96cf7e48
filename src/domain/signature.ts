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

/** True when `s` is a well-formed signature `【…】` with 2–16 characters inside. */
export function isWellFormedSignature(s: unknown): s is string {
  if (typeof s !== 'string' || !WHOLE.test(s)) return false;
  const inner = [...s.slice(1, -1)];
  return inner.length >= 2 && inner.length <= 16 && inner.every((ch) => ch.trim() !== '');
}

/**
 * Sender signatures `【name】`: the sender's real identity at the head of the text (true sender).
 * Inside the brackets 2–16 characters, no brackets; only the full-width 【】 count.
 */
const HEAD = /^【([^【】]{2,16})】/u;
const WHOLE = /^【[^【】]{2,16}】$/u;

/** The leading signature including brackets, or null when the text does not start with one. */
export function leadingSignature(text: string): string | null {
  const m = HEAD.exec(text);
  return m ? m[0] : null;
}

/** True when `s` is a well-formed signature `【…】` with 2–16 characters inside. */
export function isWellFormedSignature(s: unknown): s is string {
  if (typeof s !== 'string' || !WHOLE.test(s)) return false;
  const inner = [...s.slice(1, -1)];
  return inner.length >= 2 && inner.length <= 16 && inner.every((ch) => ch.trim() !== '');
}

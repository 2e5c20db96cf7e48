/**
 * Whether a part of a message warns against what it names. Anti-fraud notices from banks, carriers,
 * police and platforms list the lures they warn of (`警惕刷单返利、加好友领福利、陌生链接领红包，这些都是诈骗！`),
 * so the words of an offer appear in them without any offer being made. Both advertising detectors
 * (the trained classifier's clause scoring in src/content/classifier.ts and the rule-based detector in
 * src/pipeline/ad-detector.ts) read such a part as a warning, never as an offer on its own, and the
 * prohibited-content lexicon (src/content/lexicon.ts) does not count a term after a warning word in its
 * clause (`…冒充客服退款等诈骗` third in such a list) where it honours negation.
 *
 * Both a warning word in the part and a word naming fraud somewhere in the text are required, so that
 * an offer cannot pass as a warning by a word alone: `谨防错过全场5折` names no fraud, and in `…谨防诈骗，
 * 加群领福利` the lure is a part of its own without a warning word. Words are read in traditional
 * characters too, and through what the evasion tests put between characters (spaces, asterisks, emoji,
 * zero-width characters, combining strokes, full-width forms): `警 惕`, `谨*防`, `诈\u200b骗` count. Without
 * that, a held-out anti-fraud notice written spaced out was scored by its lure clause again (0.87).
 */
const WARNING_WORD = /警惕|谨防|謹防|当心|當心|提防|小心|远离|遠離|防范|防範|不要相信|切勿相信|勿信/;
/**
 * Words that name fraud (`骗` of 诈骗, 骗局, 骗子, 骗取, 受骗), its agents (`冒充`, `不法分子`), its bait
 * (`陌生链接`, `陌生人`) or a false claim (`虚假宣传`), read anywhere in the message.
 */
const FRAUD_WORD = /骗|騙|上当|上當|反诈|反詐|套路|冒充|不法分子|陌生|虚假|虛假/;

/** Letters and digits only, after NFKC: what separates the characters of a word is dropped. */
const lettersOnly = (s: string): string => s.normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, '');
/**
 * One character of every {@link FRAUD_WORD}: a text without any of them names no fraud however it is
 * spaced, so the folded copy (NFKC and a replace) is made only for the texts that hold one. Made for
 * every text it cost 2 µs CPU a message (the rule-based detector 3.5 µs against 1.3 before the warnings);
 * gated, 0.2–0.3 µs (the detector 1.8–2.4 µs), measured over the corpus's 1,406 texts ×20 on this shared machine.
 */
const FRAUD_CHAR = /[骗騙当當诈詐套冒法陌虚虛]/;
/** `re` in `s` as written, or (when `s` holds a character `gate` asks for) with separators dropped. */
const holds = (re: RegExp, s: string, gate?: RegExp): boolean => re.test(s) || ((gate === undefined || gate.test(s)) && re.test(lettersOnly(s)));

/** Whether the message names fraud at all (a precondition of {@link isWarningPart}). */
export function namesFraud(text: string): boolean {
  return holds(FRAUD_WORD, text, FRAUD_CHAR);
}

/**
 * Whether `part` (a clause or sentence of `text`) is a warning against what it names: it holds a
 * warning word (警惕, 谨防, 当心, 不要相信…) and `text` names fraud (诈骗, 骗局, 陌生…).
 */
export function isWarningPart(part: string, text: string): boolean {
  return holds(WARNING_WORD, part) && namesFraud(text);
}

/**
 * Whether a part of a message warns against what it names. Anti-fraud notices from banks, carriers,
 * police and platforms list the lures they warn of (`警惕刷单返利、加好友领福利、陌生链接领红包，这些都是诈骗！`),
 * so the words of an offer appear in them without any offer being made. Both advertising detectors
 * (the trained classifier's clause scoring in src/content/classifier.ts and the rule-based detector in
 * src/pipeline/ad-detector.ts) read such a part as a warning, never as an offer on its own, and the
 * prohibited-content lexicon (src/content/lexicon.ts) does not count a term after a warning word in its
 * clause (`…冒充客服退款等诈骗` third in such a list) where it honours negation.
 *
 * Public-welfare texts against drugs and gambling list the substances and games they warn of over several
 * sentences, and often put the warning after the list (`冰毒、海洛因危害大，请远离毒品`), where no clause
 * rule reaches: {@link warnsOfCategory} reads such a text as a whole (see there for the conditions).
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

/**
 * Lexicon categories (data/content/lexicon.json keys) that a whole text may warn of, each with the words
 * that name it as a harm. Sellers name their goods (冰毒, 百家乐), never the category as a harm (毒品,
 * 赌博), which is what 禁毒办 and police notices write: `珍爱生命，远离毒品。冰毒、海洛因都是毒品`. 网赌
 * and 赌场 are left out because the gambling terms hold them (网赌平台, 澳门赌场). Fraud is not listed:
 * its terms are the pitch's own call to action (账户异常请点击链接) and fraud pitches borrow anti-fraud
 * wording (谨防诈骗。…), so fraud keeps the clause rule of {@link isWarningPart} and the lexicon's exceptions.
 */
const HARM_NAME: Readonly<Record<string, RegExp>> = {
  drugs: /毒品|禁毒|涉毒|吸毒|贩毒|黄赌毒/,
  gambling: /赌博|禁赌|涉赌|参赌|黄赌毒/,
};
/** Words that put the named harm in a warning sense: refuse it, beware of it, it is illegal, report it. */
const WARNING_SENSE = /远离|拒绝|警惕|谨防|防范|当心|提防|小心|严禁|禁止|切勿|请勿|不要|珍爱生命|违法|犯罪|危害|举报|打击/;
/**
 * A sales hook: contact for trade (加微信, 加V, QQ, 私聊, a mobile number, a link), terms of sale (货到付款,
 * 包邮, 现货, a price per unit, 送货) or the pitch of a job or a gambling site (日结, 招聘, 首存, 彩金, 提现, 进群).
 * A text with one anywhere is no warning as a whole, whatever it says: `远离毒品。冰毒、海洛因，货到付款`.
 * Checked over the whole text, not only the sentences with terms, because the contact of a pitch stands
 * in a sentence of its own (`…冰毒、海洛因都有。加V：…`). Words a notice may also use (注册, 链接, 充值)
 * are listed all the same: a hook only falls back to the clause rules, which refuse such a list.
 * Report lines are no hook (举报电话110).
 */
const SALES_HOOK =
  /加微|微信号|加v|vx|wx|加q|qq|私聊|私信|联系我|找我|货到付款|包邮|现货|到货|有货|日结|价格|价钱|优惠|出售|代购|批发|招聘|下单|首存|充值|开户|注册|彩金|返水|上分|下分|提现|秒到|代理|客服|扫码|进群|加群|入群|送货|上门|详询|私我|点击|链接|http|www|1[3-9]\d{9}|\d(?:元|块|克)/;

/**
 * Whether `text` as a whole warns of the lexicon category `category`, so that none of the category's
 * terms in it is offered, in whichever sentence they stand and before or after the warning: it names
 * the category as a harm ({@link HARM_NAME}: 毒品, 赌博…), says so in a warning sense (远离, 拒绝, 违法,
 * 危害, 举报…) and holds no sales hook ({@link SALES_HOOK}). False for categories without harm names.
 * `text` is best the lexicon's match form (simplified, lower-case), but is also read with separators dropped.
 */
export function warnsOfCategory(category: string, text: string): boolean {
  const harm = Object.hasOwn(HARM_NAME, category) ? HARM_NAME[category] : undefined;
  return harm !== undefined && holds(harm, text) && holds(WARNING_SENSE, text) && !holds(SALES_HOOK, text);
}

/**
 * A first, rule-based advertising detector for verification and notification texts. It looks for
 * promotional phrases (prices cut, coupons, limited offers, calls to buy); one strong phrase or two
 * weak ones flag a text. It is deliberately conservative: a notification wrongly blocked costs a
 * user their parcel or bill notice. The trained classifier of src/content replaces it.
 *
 * In a text that names fraud, the parts that warn (`isWarningPart`: a clause or sentence with 警惕, 谨防,
 * 不要相信…, or one that itself names the fraud) and quoted lures (`“免费领取礼品”`) are not read: an
 * anti-fraud notice lists the bait it warns of (`警惕“免费领取红包”“扫码领奖品”诈骗`), which scored as
 * an advert (`免费领`, `领取红包`) and refused bank and police notices sent as notifications.
 */
import type { Detectors } from './types.js';
import { isWarningPart, namesFraud } from '../domain/fraud-warning.js';

const STRONG = ['优惠券', '促销', '秒杀', '特价', '抢购', '限时优惠', '大促', '满减', '折起', '低至', '免费领', '领取红包', '红包雨', '清仓', '新品上市', '买一送一', '立减', '砸金蛋', '开业酬宾', '会员专享价', '抽奖'];
// Weak phrases exclude words common in service texts (送达, 点击查看, 活动 in account notices).
const WEAK = ['优惠', '折扣', '惊喜', '福利', '限时', '火爆', '爆款', '速来', '仅需', '元起', '回馈', '礼包', '包邮', '抢先'];

export const ruleBasedDetectors: Detectors = {
  advertising(raw: string) {
    const text = namesFraud(raw) ? withoutWarnings(raw) : raw;
    const phrases: string[] = [];
    let score = 0;
    for (const p of STRONG) if (text.includes(p)) { phrases.push(p); score += 1; }
    let weak = 0;
    for (const p of WEAK) if (text.includes(p)) { phrases.push(p); weak += 1; }
    score += weak * 0.4;
    return { advertising: score >= 0.8, score, phrases };
  },
};

/** Parts of a message: clauses and sentences, each with its end mark. */
const PART = /[^，,。！!？?；;\n]+[，,。！!？?；;\n]*/g;
/** Quoted spans: what an anti-fraud notice quotes is the bait it names. */
const QUOTED = /“[^”]*”|「[^」]*」|‘[^’]*’|"[^"]*"/g;

/**
 * `text` (which names fraud) without its warning parts and quoted spans, each replaced by a break so
 * no phrase is formed across the gap. Parts that neither warn nor name fraud are kept as they are:
 * `谨防诈骗，全场满减，快来抢购` still reads `全场满减` and `抢购`.
 */
function withoutWarnings(text: string): string {
  // quotes first: a quoted lure may hold a comma (`“免费领取学习资料，加微信入群”类信息多为诈骗`)
  return text.replace(QUOTED, '｜').replace(PART, (part) => (isWarningPart(part, text) || namesFraud(part) ? '｜' : part));
}

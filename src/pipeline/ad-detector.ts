/**
 * A first, rule-based advertising detector for verification and notification texts. It looks for
 * promotional phrases (prices cut, coupons, limited offers, calls to buy); one strong phrase or two
 * weak ones flag a text. It is deliberately conservative: a notification wrongly blocked costs a
 * user their parcel or bill notice. The trained classifier of src/content replaces it.
 */
import type { Detectors } from './types.js';

const STRONG = ['优惠券', '促销', '秒杀', '特价', '抢购', '限时优惠', '大促', '满减', '折起', '低至', '免费领', '领取红包', '红包雨', '清仓', '新品上市', '买一送一', '立减', '砸金蛋', '开业酬宾', '会员专享价', '抽奖'];
// Weak phrases exclude words common in service texts (送达, 点击查看, 活动 in account notices).
const WEAK = ['优惠', '折扣', '惊喜', '福利', '限时', '火爆', '爆款', '速来', '仅需', '元起', '回馈', '礼包', '包邮', '抢先'];

export const ruleBasedDetectors: Detectors = {
  advertising(text: string) {
    const phrases: string[] = [];
    let score = 0;
    for (const p of STRONG) if (text.includes(p)) { phrases.push(p); score += 1; }
    let weak = 0;
    for (const p of WEAK) if (text.includes(p)) { phrases.push(p); weak += 1; }
    score += weak * 0.4;
    return { advertising: score >= 0.8, score, phrases };
  },
};

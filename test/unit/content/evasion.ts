/**
 * Evasion transforms used by the content property tests: each turns a text into a form a spammer
 * might send to dodge a keyword filter. Shared by the lexicon and normaliser tests.
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

const s2t = OpenCC.Converter({ from: 'cn', to: 'hk' });
const chars = (s: string): string[] => Array.from(s);

const CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', k: 'к', y: 'у', i: 'і' };
const NUM_TO_HAN: Record<string, string> = { '0': '零', '1': '一', '2': '二', '3': '三', '4': '四', '5': '五', '6': '六', '7': '七', '8': '八', '9': '九' };
const HAN_TO_NUM: Record<string, string> = { 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

export interface Transform {
  name: string;
  apply(s: string): string;
}

/** Character-level transforms: they keep the text's meaning for a human reader. */
export const CHAR_TRANSFORMS: Transform[] = [
  { name: 'identity', apply: (s) => s },
  { name: 'spaces', apply: (s) => chars(s).join(' ') },
  { name: 'asterisks', apply: (s) => chars(s).join('*') },
  { name: 'mixed separators', apply: (s) => chars(s).map((c, i) => c + ['.', '-', '｜', '、', '~', '/', '_', '♥'][i % 8]).join('') },
  { name: 'emoji separators', apply: (s) => chars(s).join('😀') },
  { name: 'zero-width', apply: (s) => chars(s).join('\u200b\u200d') },
  { name: 'bom and soft hyphen', apply: (s) => chars(s).join('\ufeff\u00ad') },
  { name: 'full-width', apply: (s) => chars(s).map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('') },
  { name: 'upper case', apply: (s) => s.toUpperCase() },
  { name: 'traditional', apply: (s) => s2t(s) },
  { name: 'homoglyphs', apply: (s) => chars(s).map((c) => CYRILLIC[c] ?? (c === '力' ? 'カ' : c === '口' ? 'ロ' : c)).join('') },
  { name: 'digits as numerals', apply: (s) => chars(s).map((c) => NUM_TO_HAN[c] ?? c).join('') },
  { name: 'numerals as digits', apply: (s) => chars(s).map((c) => HAN_TO_NUM[c] ?? c).join('') },
  { name: 'circled digits', apply: (s) => chars(s).map((c) => (c >= '1' && c <= '9' ? String.fromCharCode(0x2460 + Number(c) - 1) : c)).join('') },
  { name: 'combining strokes', apply: (s) => chars(s).map((c) => c + '\u0336').join('') },
  { name: 'traditional + spaces + full-width', apply: (s) => chars(s2t(s)).map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('　') },
];

/** Pinyin transforms apply to all-hanzi terms of the lengths the lexicon indexes. */
export const PINYIN_TRANSFORMS: Array<Transform & { minLength: number }> = [
  { name: 'pinyin initials', minLength: 4, apply: (s) => pinyin(s, { pattern: 'first', toneType: 'none', type: 'array' }).join('') },
  { name: 'pinyin initials, upper, spaced', minLength: 4, apply: (s) => pinyin(s, { pattern: 'first', toneType: 'none', type: 'array' }).join(' ').toUpperCase() },
  { name: 'full pinyin', minLength: 3, apply: (s) => pinyin(s, { toneType: 'none', type: 'array', v: true }).join('') },
  { name: 'full pinyin with tones, spaced', minLength: 3, apply: (s) => pinyin(s, { type: 'array' }).join(' ') },
];

/** Ordinary sentences (bank, logistics, government, school, clinic…) that must never be flagged. */
export const ORDINARY = [
  '【招商银行】您尾号1234的信用卡本期账单金额3,256.80元，最后还款日12月8日。',
  '【顺丰速运】您的快件已到达北京朝阳区望京营业点，快递员李师傅将于今天下午派送，电话13800138000。',
  '【国家税务总局】2025年度个人所得税综合所得汇算已开始，请通过个人所得税APP办理。',
  '【中国电信】您本月套餐内流量已使用80%，剩余2.1GB。',
  '【协和医院】您预约的门诊号为内分泌科张医生，就诊时间周三上午9:30，请携带身份证。',
  '【XX小学】家长您好，明天上午八点举行开学典礼，请孩子穿校服按时到校。',
  '【国家反诈中心】公安机关不会通过电话要求转账，所谓安全账户都是诈骗，请下载国家反诈中心APP。',
  '【京东】您的订单已开具电子发票，可在我的订单中下载。',
  '【市应急管理局】今天夜间有大到暴雨，请减少外出，注意防范山洪和地质灾害。',
  '【支付宝】您的验证码是 836201，5分钟内有效，请勿告诉他人。',
  '【中国移动】尊敬的客户，您的话费余额为12.35元，为避免停机请及时充值。',
  '【美团】您点的外卖骑手已取餐，预计18:42送达。',
  'Your Apple ID verification code is 402917. Do not share it with anyone.',
  '【社保中心】您的社会保障卡已制作完成，请于工作日到所在街道社区服务中心领取。',
  '【12306】您购买的12月3日G101次列车，北京南08:00开，3车12F座，请提前到站检票。',
];

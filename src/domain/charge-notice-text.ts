/**
 * The notice a user gets before a charged service may charge them (docs/REGULATION.md rule 8: the
 * service, the tariff, the charging method and how to unsubscribe), written by smsguard itself so no
 * provider can leave a fact out. Pure: the caller passes the signature and the service.
 */

/** How a charged service charges: per message received, or per month subscribed. */
export type ChargePer = 'message' | 'month';
export const CHARGE_PERS: readonly ChargePer[] = ['message', 'month'];

/** An amount in fen (分) as yuan (元), exactly, without trailing zeros: 200 → "2", 150 → "1.5", 5 → "0.05". */
export function yuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

/** The tariff as the notice states it, e.g. `2元/月（包月，每月收取一次）`. */
export function tariffText(t: { amountFen: number; per: ChargePer }): string {
  return t.per === 'month' ? `${yuan(t.amountFen)}元/月（包月计费，每月收取一次）` : `${yuan(t.amountFen)}元/条（按条计费，每收到一条收取一次）`;
}

/** The words a user unsubscribes with, as the notice names them (the profile's opt-out keywords take more). */
export const UNSUBSCRIBE_WORD = 'TD';

/**
 * The notice: service name, tariff and method, how to confirm (Y), that silence charges nothing,
 * and how to unsubscribe (TD). `signature` leads it, as every message from a port.
 */
export function buildChargeNoticeText(f: { signature: string; name: string; tariff: { amountFen: number; per: ChargePer } }): string {
  return `${f.signature}您正在订购收费业务“${f.name}”，资费${tariffText(f.tariff)}。确认订购请回复Y；不回复或回复N则不订购、不收费。订购后可随时回复${UNSUBSCRIBE_WORD}退订。本条免费。`;
}

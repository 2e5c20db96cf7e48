/**
 * The `X-Smsguard-Signature` header of a callback: `sha256=` and the hex HMAC-SHA256 of the raw body
 * under the provider's secret, as GitHub signs its webhooks. A receiver computes the same over the
 * bytes it got and compares in constant time (README "HTTP callbacks").
 */
import { createHmac } from 'node:crypto';

export function callbackSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * A stand-in for the App's door-facing surface (submitMessage + events) so the SMPP server is tested
 * as a translator: it records what arrives and answers by rule (text containing REJECT:<code> is
 * refused with that code).
 */
import { Emitter } from '../../../src/app/events.js';
import type { AppEvents, Channel, Principal, SubmitOutcome } from '../../../src/app/types.js';
import type { ErrorCode } from '../../../src/domain/errors.js';

export class FakeApp {
  readonly events = new Emitter<AppEvents>();
  readonly submissions: { principal: Principal; input: Record<string, unknown>; channel: Channel }[] = [];
  private n = 0;
  async submitMessages(principal: Principal, inputs: readonly unknown[], channel: Channel): Promise<SubmitOutcome[]> {
    const out: SubmitOutcome[] = [];
    for (const i of inputs) out.push(await this.submitMessage(principal, i, channel));
    return out;
  }
  async submitMessage(principal: Principal, input: unknown, channel: Channel): Promise<SubmitOutcome> {
    const i = input as Record<string, unknown>;
    this.submissions.push({ principal, input: i, channel });
    const m = /REJECT:([a-z_]+)/.exec(String(i.text));
    if (m) return { ok: false, id: `rej_${++this.n}`, error: { code: m[1] as ErrorCode, message: 'refused', rule: 'test.rule', article: 'Art. X' } };
    return { ok: true, id: `msg_${++this.n}`, status: 'accepted', text: String(i.text), segments: 1 };
  }
}

/**
 * Delivery priority: which queued message goes to the carrier first when the upstream link is the
 * bottleneck. A provider may queue 100,000 commercial messages behind a link the carrier caps at
 * 100 a second; a one-time password submitted afterwards would otherwise wait ~1,000 s behind them
 * and be useless. Real gateways keep lanes for this (Kannel and Jasmin have message priority;
 * SMPP 3.4 §5.2.14 has priority_flag). Within a lane the queue stays first due, first out.
 *
 * The lane follows from the message's type, which the pipeline has already judged (a commercial
 * text sent as a "notification" is refused for that, so a type cannot be claimed to jump the queue
 * unless the rules accepted it):
 *
 * - 0 `verification`: a code is worth something only for the minutes its user waits for it, and a
 *   provider's codes are few and capped per number (verification.frequency).
 * - 1 `notification`, `public_welfare`: service messages a user expects (an order shipped, a bill)
 *   and notices in the public interest. Public welfare is not put above codes: a government notice
 *   or an anti-fraud campaign can be a bulk send to millions, which would then hold every code up
 *   exactly as a commercial backlog does; it still goes before any commercial message.
 * - 2 `commercial`: bulk by nature, wanted by nobody in the next second; what waits when the link
 *   is full.
 *
 * Lower numbers go first. A lane is a small integer so that the stores keep it in one column of
 * the queue row, set by the insert that queues the message (no extra statement).
 */
import type { MessageType } from './message-type.js';

/** A delivery lane: 0 goes first. */
export type Priority = 0 | 1 | 2;

/** Every lane, first first: the order in which a claim takes them. */
export const PRIORITIES: readonly Priority[] = [0, 1, 2];

/** The lowest lane (last to go): also the lane of a queued row whose type is not known. */
export const LOWEST_PRIORITY: Priority = 2;

const BY_TYPE: Readonly<Record<MessageType, Priority>> = {
  verification: 0,
  notification: 1,
  public_welfare: 1,
  commercial: 2,
};

/** The lane of a message of this type. */
export function priorityOf(type: MessageType): Priority {
  return BY_TYPE[type];
}

/**
 * The JSON bodies smsguard POSTs to a content provider's callback URLs (README "HTTP callbacks"),
 * built from the app's events. Pure: the caller passes the clientRef the status event carries beside these facts.
 */
import type { MessageStatus } from './message-status.js';

/** `message.status`: a status change of one of the provider's messages. */
export interface StatusCallback {
  event: 'message.status';
  /** `<messageId>:<status>`: the same for every repeat of this event, so a receiver can drop repeats. */
  eventId: string;
  id: string;
  clientRef?: string;
  status: MessageStatus;
  /** ISO 8601 (UTC) of the status change. */
  at: string;
  from: string;
  to: string;
  /** The carrier's or gateway's detail of a failure. */
  error?: string;
  /** With `rejected`: the stable code of the rule that stopped the message. */
  code?: string;
}

/**
 * `message.replaced`: the provider's message still waiting to be sent took a new text (and perhaps a
 * new schedule, validity or receipt request) by PATCH /v1/messages/{id} or SMPP replace_sm. Not a
 * `message.status`: its status stays `accepted` (or `held` when the new text needs review), which no
 * status callback announces, and one message may be replaced more than once. A refused replacement
 * changes nothing and queues nothing (its sender had the refusal as the answer).
 */
export interface ReplacedCallback {
  event: 'message.replaced';
  /** `<messageId>:replaced:<n>` (the replacement's record id): one per replacement, the same for every repeat. */
  eventId: string;
  id: string;
  clientRef?: string;
  /** `accepted` (waits to be sent with the new text) or `held` (the new text waits for review). */
  status: 'accepted' | 'held';
  /** ISO 8601 (UTC) of the replacement. */
  at: string;
  from: string;
  to: string;
  /** The new text as it will be sent (a refusal notice appended where the rules require it). */
  text: string;
  segments: number;
}

/** What of a replacement the body carries. */
export interface ReplacedFacts {
  eventId: string;
  id: string;
  status: 'accepted' | 'held';
  at: number;
  from: string;
  to: string;
  text: string;
  segments: number;
}

/**
 * What the gateway did with a reply it acted on itself, as the provider is told it (`mo` event's
 * `action`; absent: an ordinary reply, forwarded for the provider to answer):
 * - `opted_out`: a refusal (`R`, `TD`, `退订`, a refusal phrase, or `N` to a later promotion): the
 *   number's commercial messages from this provider stop (under `signature` only, when named);
 * - `resubscribed`: a re-subscribe keyword lifted the number's opt-out (no consent restored);
 * - `consent_granted` / `consent_refused`: the answer to the consent request `consentRequestId`;
 * - `consent_reply_late`: a yes or no to the consent request `consentRequestId` after it closed (its
 *   window over, or answered already): nothing changed, and the user was told so.
 */
export type MoAction = 'opted_out' | 'resubscribed' | 'consent_granted' | 'consent_refused' | 'consent_reply_late';

/** The action and its particulars, as an MO record and the moForward event carry them. */
export interface MoNotice {
  action: MoAction;
  /** A per-signature opt-out (profile `optOutScope: signature`): the one signature it covers. */
  signature?: string;
  /** The consent request the reply answered (granted, refused, or refused by an opt-out), or came too late for. */
  consentRequestId?: string;
}

/**
 * The MO record's `action` → what the provider is told. Exhaustive over the actions that tell:
 * `forwarded` is told as an ordinary reply (no `action`), the rest (`ignored`, a report…) not at all.
 */
export const MO_NOTICE_ACTION = {
  opt_out: 'opted_out',
  opt_in: 'resubscribed',
  consent_granted: 'consent_granted',
  consent_refused: 'consent_refused',
  consent_reply_late: 'consent_reply_late',
} as const satisfies Record<string, MoAction>;

/** `mo`: a user's message to one of the provider's ports (with `action` when the gateway acted on it). */
export interface MoCallback {
  event: 'mo';
  /** `mo:<moId>`. */
  eventId: string;
  id: string;
  from: string;
  to: string;
  text: string;
  at: string;
  action?: MoAction;
  signature?: string;
  consentRequestId?: string;
}

/** What of a status event the body carries (AppEvents messageStatus / heldRejected). */
export interface StatusFacts {
  id: string;
  status: MessageStatus;
  at: number;
  from: string;
  to: string;
  error?: string;
  code?: string;
}

export const statusEventId = (messageId: string, status: MessageStatus): string => `${messageId}:${status}`;
export const moEventId = (moId: string): string => `mo:${moId}`;

export function statusCallback(s: StatusFacts, clientRef?: string | null): StatusCallback {
  const body: StatusCallback = { event: 'message.status', eventId: statusEventId(s.id, s.status), id: s.id, status: s.status, at: new Date(s.at).toISOString(), from: s.from, to: s.to };
  if (clientRef) body.clientRef = clientRef;
  if (s.error !== undefined) body.error = s.error;
  if (s.code !== undefined) body.code = s.code;
  return body;
}

export function replacedCallback(r: ReplacedFacts, clientRef?: string | null): ReplacedCallback {
  const body: ReplacedCallback = { event: 'message.replaced', eventId: r.eventId, id: r.id, status: r.status, at: new Date(r.at).toISOString(), from: r.from, to: r.to, text: r.text, segments: r.segments };
  if (clientRef) body.clientRef = clientRef;
  return body;
}

/** An ordinary reply's body is as it always was; a reply the gateway acted on adds its notice's fields. */
export function moCallback(m: { id: string; from: string; to: string; text: string; at: number; notice?: MoNotice }): MoCallback {
  const body: MoCallback = { event: 'mo', eventId: moEventId(m.id), id: m.id, from: m.from, to: m.to, text: m.text, at: new Date(m.at).toISOString() };
  if (m.notice) {
    body.action = m.notice.action;
    if (m.notice.signature !== undefined) body.signature = m.notice.signature;
    if (m.notice.consentRequestId !== undefined) body.consentRequestId = m.notice.consentRequestId;
  }
  return body;
}

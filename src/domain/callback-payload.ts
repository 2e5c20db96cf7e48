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

/** `mo`: a user's message to one of the provider's ports. */
export interface MoCallback {
  event: 'mo';
  /** `mo:<moId>`. */
  eventId: string;
  id: string;
  from: string;
  to: string;
  text: string;
  at: string;
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

export function moCallback(m: { id: string; from: string; to: string; text: string; at: number }): MoCallback {
  return { event: 'mo', eventId: moEventId(m.id), id: m.id, from: m.from, to: m.to, text: m.text, at: new Date(m.at).toISOString() };
}

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

export function moCallback(m: { id: string; from: string; to: string; text: string; at: number }): MoCallback {
  return { event: 'mo', eventId: moEventId(m.id), id: m.id, from: m.from, to: m.to, text: m.text, at: new Date(m.at).toISOString() };
}

import type { KeysetPosition } from '../domain/page-cursor.js';

/** A service a content provider charges the user for (docs/REGULATION.md rule 8). */
export interface ChargedServiceRow {
  id: string;
  contentProviderId: string;
  name: string;
  /** The provider's port the notice is sent from; replies to it answer the notice. */
  port: string;
  /** In fen (分), charged per message sent or per month subscribed. */
  tariff: { amountFen: number; per: 'message' | 'month' };
  createdAt: number;
}

/** A page of a service's subscriptions (`ConsentStore.listChargedSubscriptions`, src/ports/consents.ts). */
export interface ChargedSubscriptionQuery {
  limit: number;
  /** The last row of the previous page: the page is the rows strictly past it (start, then id). */
  after?: KeysetPosition;
  /** Only subscriptions started at or after this (epoch ms). */
  from?: number;
  /** Only subscriptions started before this (epoch ms). */
  to?: number;
}

/** A number's confirmed subscription to a charged service; its id is the notice's (consent request's). */
export interface ChargedSubscriptionRow {
  id: string;
  serviceId: string;
  contentProviderId: string;
  msisdn: string;
  startedAt: number;
  endedAt: number | null;
  /** `unsubscribed` (the provider ended it), `opt_out` (the user opted out of the provider). */
  endReason: string | null;
  /** The user's confirmation: request id, notice text, MO id and reply. */
  proof: Record<string, unknown>;
}

/** Rows of the callback tables (migrations SQLite 104, PostgreSQL 095) as both adapters read them. */
import type { CallbackEvent, CallbackKind, CallbackSettings, FailedCallback } from '../ports/store.js';

export interface CallbackSettingsRow {
  content_provider_id: string;
  status_url: string | null;
  mo_url: string | null;
  secret: string | null;
  updated_at: number | string;
}

export interface CallbackQueueRow {
  event_id: string;
  content_provider_id: string;
  kind: CallbackKind;
  body: string;
  created_at: number | string;
  due_at: number | string;
  attempts: number;
  failed_at?: number | string | null;
  last_error?: string | null;
}

/** The queue's columns a claim and a listing read. */
export const CALLBACK_QUEUE_COLUMNS = 'event_id, content_provider_id, kind, body, created_at, due_at, attempts, failed_at, last_error';

// PostgreSQL returns bigint as a string unless the pool parses it: Number() takes both.
export const toCallbackSettings = (r: CallbackSettingsRow): CallbackSettings => ({
  contentProviderId: r.content_provider_id, statusUrl: r.status_url, moUrl: r.mo_url, secret: r.secret, updatedAt: Number(r.updated_at),
});

export const toCallbackEvent = (r: CallbackQueueRow): CallbackEvent => ({
  eventId: r.event_id, contentProviderId: r.content_provider_id, kind: r.kind, body: r.body,
  createdAt: Number(r.created_at), dueAt: Number(r.due_at), attempts: r.attempts,
});

export const toFailedCallback = (r: CallbackQueueRow): FailedCallback => ({
  ...toCallbackEvent(r), failedAt: Number(r.failed_at), lastError: r.last_error ?? '',
});

/**
 * message_status.client_ref (SQLite 105, PostgreSQL 096), shared by both adapters: the sender's
 * clientRef as the message's status events carry it (OutboundMessage.clientRef, HeldMessage.clientRef).
 * '' stands for "the sender gave none", so that NULL keeps meaning "not recorded" (a row queued
 * before the migration): a callback for such a message reads the submission record instead.
 */

/** What is written: the clientRef, or '' when the sender gave none. */
export const clientRefColumn = (clientRef: string | null | undefined): string => clientRef ?? '';

/** What is read: the clientRef, null when the sender gave none, undefined when the row predates the column. */
export function clientRefFromColumn(c: string | null | undefined): string | null | undefined {
  if (c === null || c === undefined) return undefined;
  return c === '' ? null : c;
}

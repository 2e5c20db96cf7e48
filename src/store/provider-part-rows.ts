/** Shared by the store adapters: a `provider_parts` row (SQLite 095 and 131, PostgreSQL 087 and 125) as a ProviderPart. */
import type { ProviderPart } from '../ports/smpp-deliveries.js';

/** The table's columns, in the order the SQLite adapter selects them (PostgreSQL's .sql files name the same). */
export const PROVIDER_PART_COLUMNS = 'set_key, seq, total, octets, data_coding, part_id, registered_delivery, at, message_type, category, charged_service_id';

/** A row as the drivers return it (PostgreSQL's bigint may come as a string). */
export interface ProviderPartRow { set_key: string; seq: number; total: number; octets: Uint8Array; data_coding: number; part_id: string; registered_delivery: number; at: number | string;
  message_type: string | null; category: string | null; charged_service_id: string | null }

export const toProviderPart = (r: ProviderPartRow): ProviderPart => ({
  setKey: r.set_key, seq: r.seq, total: r.total, octets: new Uint8Array(r.octets), dataCoding: r.data_coding, partId: r.part_id,
  registeredDelivery: r.registered_delivery, at: Number(r.at),
  ...(r.message_type !== null ? { messageType: r.message_type } : {}),
  ...(r.category !== null ? { category: r.category } : {}),
  ...(r.charged_service_id !== null ? { chargedServiceId: r.charged_service_id } : {}),
});

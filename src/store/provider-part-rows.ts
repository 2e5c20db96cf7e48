/** Shared by the store adapters: a `provider_parts` row (SQLite 095, PostgreSQL 087) as a ProviderPart. */
import type { ProviderPart } from '../ports/smpp-deliveries.js';

/** The table's columns, in the order the SQLite adapter selects them (PostgreSQL's .sql files name the same). */
export const PROVIDER_PART_COLUMNS = 'set_key, seq, total, octets, data_coding, part_id, registered_delivery, at';

/** A row as the drivers return it (PostgreSQL's bigint may come as a string). */
export interface ProviderPartRow { set_key: string; seq: number; total: number; octets: Uint8Array; data_coding: number; part_id: string; registered_delivery: number; at: number | string }

export const toProviderPart = (r: ProviderPartRow): ProviderPart => ({
  setKey: r.set_key, seq: r.seq, total: r.total, octets: new Uint8Array(r.octets), dataCoding: r.data_coding, partId: r.part_id,
  registeredDelivery: r.registered_delivery, at: Number(r.at),
});

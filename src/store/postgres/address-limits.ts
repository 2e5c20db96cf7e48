/**
 * The public doors' per-address window counts in PostgreSQL (migration 110; ports/address-limits.ts),
 * shared by every gateway process on the schema. One round trip per counted event: these doors take
 * no token and are limited, so they are low-volume.
 */
import type { AddressLimitStore } from '../../ports/address-limits.js';
import type { Pool } from './db.js';
import { queries } from './db.js';

const Q = queries('address-limits', ['hit', 'count', 'prune'] as const);

export class PgAddressLimits implements AddressLimitStore {
  constructor(private readonly pool: Pool) {}

  async hit(limit: string, address: string, windowStart: number, windowEnd: number): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.hit, [limit, address, windowStart, windowEnd])).rows[0].n;
  }

  async count(limit: string, address: string, windowStart: number): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.count, [limit, address, windowStart])).rows[0]?.n ?? 0;
  }

  async prune(now: number): Promise<number> {
    return (await this.pool.query(Q.prune, [now])).rowCount ?? 0;
  }
}

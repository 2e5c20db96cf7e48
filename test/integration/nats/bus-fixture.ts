/** A gateway piece on PostgreSQL + NATS for the bus tests: one App over its own store pool, a simulator upstream, and the bus roles. */
import { randomBytes } from 'node:crypto';
import { App } from '../../../src/app/app.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { startBusRoles, type BusRoles, type Role } from '../../../src/queue/roles.js';
import { deleteStream } from '../../../src/queue/nats.js';
import type { Egress } from '../../../src/ports/egress.js';
import { TEST_PG_URL } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

export const TEST_NATS_URL = process.env.SMSGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export const testPrefix = () => `t${randomBytes(4).toString('hex')}`;

export interface Piece {
  app: App;
  store: PostgresStore;
  clock: SimulatedClock;
  simulator: SimulatorSmsc;
  roles: BusRoles;
  stop(): Promise<void>;
}

export async function startPiece(o: { schema: string; prefix: string; role: Role; partitions?: number; egress?: Egress; now?: number; timings?: Record<string, number> }): Promise<Piece> {
  const store = await PostgresStore.open({ url: TEST_PG_URL, schema: o.schema, max: 4 });
  const clock = new SimulatedClock(o.now ?? NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const simulator = new SimulatorSmsc(clock);
  const roles = await startBusRoles(app, store, o.egress ?? simulator, {
    role: o.role, url: TEST_NATS_URL, prefix: o.prefix, partitions: o.partitions ?? 8,
    timings: { partitionTtlMs: 1500, sweepMs: 100, ...o.timings },
  });
  return {
    app, store, clock, simulator, roles,
    async stop() {
      await roles.stop();
      await store.close();
    },
  };
}

export async function removeStream(piece: Piece): Promise<void> {
  await deleteStream(piece.roles.bus);
}

export async function until(cond: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

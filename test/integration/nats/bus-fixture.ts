/** A gateway piece on PostgreSQL + NATS for the bus tests: one App over its own store pool, a simulator upstream, and the bus roles. */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { App } from '../../../src/app/app.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { startBusRoles, type BusRoles, type Role } from '../../../src/queue/roles.js';
import { deleteStream } from '../../../src/queue/nats.js';
import type { LinkHolder } from '../../../src/queue/link-control.js';
import type { Egress, SubmitResult } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { TEST_PG_URL, openTestPgStore } from '../../helpers/pg.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';
import { seedProvider } from '../../contract/fixtures.js';
import type { Principal } from '../../../src/app/types.js';

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

export async function startPiece(o: { schema: string; prefix: string; role: Role; partitions?: number; egress?: Egress; links?: LinkHolder; now?: number; timings?: Record<string, number> }): Promise<Piece> {
  const store = await PostgresStore.open({ url: TEST_PG_URL, schema: o.schema, max: 4 });
  const clock = new SimulatedClock(o.now ?? NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const simulator = new SimulatorSmsc(clock);
  const roles = await startBusRoles(app, store, o.egress ?? simulator, {
    role: o.role, url: TEST_NATS_URL, prefix: o.prefix, partitions: o.partitions ?? 8, links: o.links,
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

/** Clean-ups a suite adds as it goes, run last first after it (call inside a describe); a failing one does not stop the rest. */
export function suiteCleanups(): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });
  return cleanups;
}

/** A scene on the bus: a fresh PostgreSQL schema with one provider seeded (`tag`: its ids), its principal, and a prefix of its own. */
export interface BusScene {
  h: Awaited<ReturnType<typeof openTestPgStore>>;
  seeded: Awaited<ReturnType<typeof seedProvider>>;
  principal: Principal;
  prefix: string;
}

export async function busScene(cleanups: (() => Promise<void>)[], tag: string): Promise<BusScene> {
  const h = await openTestPgStore();
  cleanups.push(() => h.dispose());
  const seeded = await seedProvider(h.store, tag);
  return { h, seeded, principal: { role: 'content-provider', contentProviderId: seeded.cp.id, actorId: 'test' }, prefix: testPrefix() };
}

/** The scene's first piece: stopped at the end, after its stream is removed (the stream is the prefix's, one for all pieces). */
export async function startFirstPiece(cleanups: (() => Promise<void>)[], o: Parameters<typeof startPiece>[0]): Promise<Piece> {
  const piece = await startPiece(o);
  cleanups.push(() => piece.stop());
  cleanups.push(() => removeStream(piece));
  return piece;
}

/**
 * A carrier link the test drives. While down, a submit waits unwritten until Egress.cancel gives it
 * up (`stopped`, nothing written) or the link comes up (then it is written); while up it is written
 * at once, and answered at once unless `answering` is off (then its answer waits for `answerAll`).
 * Egress.cancel passes over what was written, as the SMPP client does (src/smpp/client/upstream.ts).
 */
export class ScriptedCarrier implements Egress {
  private up = false;
  answering = true;
  /** Submits waiting for the link, unwritten. */
  readonly waiting = new Map<string, (r: SubmitResult) => void>();
  /** Submits written whose answer has not come. */
  readonly unanswered = new Map<string, (r: SubmitResult) => void>();
  /** Every message written to the carrier, in order. */
  readonly written: string[] = [];
  /** Every id Egress.cancel was asked to give up, in order. */
  readonly cancelAsked: string[] = [];
  /** The text each message was written with, by id (the last submit's, should one be written twice). */
  readonly writtenText = new Map<string, string>();
  private readonly textOf = new Map<string, string>();

  submit(m: OutboundMessage): Promise<SubmitResult> {
    this.textOf.set(m.id, m.text);
    return new Promise((r) => (this.up ? this.write(m.id, r) : this.waiting.set(m.id, r)));
  }

  cancel(ids: readonly string[]): void {
    for (const id of ids) {
      this.cancelAsked.push(id);
      const r = this.waiting.get(id);
      if (!r) continue;
      this.waiting.delete(id);
      r({ ok: false, retry: true, reason: 'given up', stopped: { written: false } });
    }
  }

  /** The link returns: what waited for it is written now. */
  bringUp(): void {
    this.up = true;
    for (const [id, r] of [...this.waiting]) {
      this.waiting.delete(id);
      this.write(id, r);
    }
  }

  /** The carrier answers everything written so far: accepted. */
  answerAll(): void {
    for (const [id, r] of [...this.unanswered]) {
      this.unanswered.delete(id);
      r({ ok: true, upstreamId: `c-${id}` });
    }
  }

  private write(id: string, r: (res: SubmitResult) => void): void {
    this.written.push(id);
    this.writtenText.set(id, this.textOf.get(id) ?? '');
    if (this.answering) r({ ok: true, upstreamId: `c-${id}` });
    else this.unanswered.set(id, r);
  }

  onReceipt(): void {}
  onMo(): void {}
  async close(): Promise<void> {}
}

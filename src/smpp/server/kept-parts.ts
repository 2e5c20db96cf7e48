/**
 * Writes of the SMPP server's kept parts (ProviderPart: the acknowledged earlier parts of providers'
 * unfinished long messages), coalesced: the keeps and drops asked for in one turn of the event loop
 * go to the store as one transaction each, keeps before drops, and one turn's writes only after the
 * previous turn's have ended. On SQLite a write of its own would be a commit per part (tens of
 * microseconds of WAL writes each, on the event loop); in order, a set's drop never overtakes the
 * keep of one of its parts (PostgreSQL runs a pool's queries in any order).
 */
import type { ProviderPart, SmppDeliveryStore } from '../../ports/smpp-deliveries.js';

interface Waiter<T> { resolve(v: T): void; reject(e: unknown): void }

export class KeptParts {
  private keeps: { part: ProviderPart; w: Waiter<void> }[] = [];
  private drops: { key: string; w: Waiter<number[]> }[] = [];
  private scheduled = false;
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly store: Pick<SmppDeliveryStore, 'keepParts' | 'dropParts'>) {}

  /** Resolves once the part is kept; rejects when it could not be (its answer must then refuse it). */
  keep(part: ProviderPart): Promise<void> {
    return new Promise((resolve, reject) => {
      this.keeps.push({ part, w: { resolve, reject } });
      this.schedule();
    });
  }

  /** Forgets a set; resolves with the parts (seq) that were still kept (rejects when the store failed). */
  drop(key: string): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.drops.push({ key, w: { resolve, reject } });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const keeps = this.keeps;
      const drops = this.drops;
      this.keeps = [];
      this.drops = [];
      this.last = this.last.then(() => this.write(keeps, drops));
    });
  }

  private async write(keeps: KeptParts['keeps'], drops: KeptParts['drops']): Promise<void> {
    if (keeps.length) {
      try {
        await this.store.keepParts(keeps.map((k) => k.part));
        for (const k of keeps) k.w.resolve();
      } catch (e) {
        for (const k of keeps) k.w.reject(e);
      }
    }
    if (drops.length) {
      try {
        const gone = await this.store.dropParts([...new Set(drops.map((d) => d.key))]);
        for (const d of drops) d.w.resolve(gone.filter((g) => g.setKey === d.key).map((g) => g.seq).sort((a, b) => a - b));
      } catch (e) {
        for (const d of drops) d.w.reject(e);
      }
    }
  }
}

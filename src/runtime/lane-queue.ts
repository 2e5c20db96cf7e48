/**
 * First in, first out per delivery lane (src/domain/priority.ts), lane 0 first: an upstream link's
 * submits waiting for its window, a throttling pause or its throughput cap. One Fifo per lane, so a
 * push and a shift cost what they cost in one Fifo plus a look at (at most) three sizes.
 */
import { Fifo } from './fifo.js';
import { LOWEST_PRIORITY, PRIORITIES, type Priority } from '../domain/priority.js';

export class LaneQueue<T> {
  private readonly lanes: Fifo<T>[] = PRIORITIES.map(() => new Fifo<T>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Queues `item` behind those of its lane (absent: the lowest). */
  push(item: T, lane: Priority = LOWEST_PRIORITY): void {
    this.lanes[lane].push(item);
    this.count++;
  }

  /** The oldest item of the first lane holding any; undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    for (const l of this.lanes) {
      if (l.size === 0) continue;
      this.count--;
      return l.shift();
    }
    return undefined;
  }

  /** Removes the items `pick` chooses (Fifo.extract), lane by lane; the others keep their order. */
  extract(pick: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const l of this.lanes) for (const x of l.extract(pick)) out.push(x);
    this.count -= out.length;
    return out;
  }

  /** Empties the queue and returns what it held, in the order shift would have given it. */
  drain(): T[] {
    const out: T[] = [];
    for (const l of this.lanes) for (const x of l.drain()) out.push(x);
    this.count = 0;
    return out;
  }
}

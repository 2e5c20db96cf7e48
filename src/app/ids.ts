/** Ids that sort by creation time and say their kind: `msg_` + 9 base-36 time chars + 12 random hex. */
import { randomBytes } from 'node:crypto';
import type { IdGenerator, IdKind } from '../domain/ids.js';

export class RandomIds implements IdGenerator {
  private pool = randomBytes(6 * 1024);
  private offset = 0;
  next(kind: IdKind): string {
    if (this.offset + 6 > this.pool.length) {
      this.pool = randomBytes(6 * 1024);
      this.offset = 0;
    }
    const rand = this.pool.toString('hex', this.offset, this.offset + 6);
    this.offset += 6;
    return `${kind}_${Date.now().toString(36).padStart(9, '0')}${rand}`;
  }
}

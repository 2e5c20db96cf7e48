/**
 * A warning that something outside the gateway may cause as often as it likes (a provider flooding
 * the SMPP reassembly with parts it has no room for): said at once the first time for a key, then at
 * most once per `intervalMs` for that key, with how many times it happened since the line before
 * (`count`), so the log grows with time and the number of keys, not with the flood. What happened
 * after a key's last line is said once its interval is over, by the next occurrence or by `flush`
 * (call it periodically: a flood that stopped still has its count told); a key quiet for a whole
 * interval is forgotten, and its next occurrence is said at once again, as the start of a new run.
 * Heartbeat (heartbeat.ts) reports its failures once per outage instead: an outage ends when a round
 * succeeds, where a flood has no such end to wait for.
 */
export class CountedWarning<F> {
  private readonly keys = new Map<string, { saidAt: number; count: number; fields: F }>();

  /** `say(key, count, fields)`: one line, `fields` those of the latest occurrence. */
  constructor(private readonly intervalMs: number, private readonly say: (key: string, count: number, fields: F) => void) {}

  /** One occurrence for `key` at `now` (epoch ms). */
  note(key: string, fields: F, now: number): void {
    const k = this.keys.get(key);
    if (!k) {
      this.keys.set(key, { saidAt: now, count: 0, fields });
      this.say(key, 1, fields);
      return;
    }
    k.count++;
    k.fields = fields;
    if (now - k.saidAt >= this.intervalMs) this.tell(key, k, now);
  }

  /** Says the counts whose interval is over (`all`: every count not said yet, as at a close); forgets quiet keys. */
  flush(now: number, all = false): void {
    for (const [key, k] of this.keys) {
      if (!all && now - k.saidAt < this.intervalMs) continue;
      if (k.count) this.tell(key, k, now);
      else this.keys.delete(key);
    }
  }

  private tell(key: string, k: { saidAt: number; count: number; fields: F }, now: number): void {
    this.say(key, k.count, k.fields);
    k.count = 0;
    k.saidAt = now;
  }
}

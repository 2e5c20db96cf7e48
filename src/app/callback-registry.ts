/**
 * Which content providers want HTTP callbacks, and their URLs and secret, in memory: the callback
 * worker asks it on every status event (whether to kick a round of sending) and for each row it
 * sends, so a provider without callbacks (every one, in the benchmarks) costs one Map lookup and no
 * store read. Loaded at start, changed by the callbacks use case (callbacks.ts) in this process, and
 * reloaded from the store every ~30 s by the callback worker, for what other processes changed. The
 * store keeps its own copy of who wants callbacks for its transactions (CallbackStore), refreshed by
 * the same reads and writes.
 */
import type { CallbackSettings, CallbackStore } from '../ports/store.js';

export class CallbackRegistry {
  private byProvider = new Map<string, CallbackSettings>();

  /** The provider's settings when it has at least one URL; undefined otherwise. */
  get(contentProviderId: string): CallbackSettings | undefined {
    return this.byProvider.get(contentProviderId);
  }

  /** Providers with a URL. */
  get size(): number {
    return this.byProvider.size;
  }

  /** Takes the settings as just stored: kept while they name a URL, forgotten once they name none. */
  set(s: CallbackSettings): void {
    if (s.statusUrl === null && s.moUrl === null) this.byProvider.delete(s.contentProviderId);
    else this.byProvider.set(s.contentProviderId, s);
  }

  /** Replaces everything with what the store holds. */
  async load(store: CallbackStore): Promise<void> {
    const next = new Map<string, CallbackSettings>();
    for (const s of await store.listSettings()) next.set(s.contentProviderId, s);
    this.byProvider = next;
  }
}

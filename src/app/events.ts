/** A tiny typed event emitter for AppEvents (node's EventEmitter loses the payload types). */
export class Emitter<E extends { [K in keyof E]: unknown }> {
  private readonly handlers = new Map<keyof E, ((p: never) => void)[]>();
  on<K extends keyof E>(name: K, fn: (payload: E[K]) => void): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(fn as (p: never) => void);
    this.handlers.set(name, list);
    return () => {
      const l = this.handlers.get(name);
      if (l) this.handlers.set(name, l.filter((f) => f !== fn));
    };
  }
  emit<K extends keyof E>(name: K, payload: E[K]): void {
    const list = this.handlers.get(name);
    if (!list) return;
    for (const fn of list) {
      // A failing listener (e.g. a closed SMPP socket) must never break the message path.
      try {
        (fn as (p: E[K]) => void)(payload);
      } catch {
        /* listeners own their errors */
      }
    }
  }
}

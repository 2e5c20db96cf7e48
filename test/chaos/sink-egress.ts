/** An Egress that submits to the chaos sink over HTTP, passing our message id (the sink deduplicates on it). */
import type { Egress, SubmitResult } from '../../src/ports/egress.js';
import type { OutboundMessage } from '../../src/ports/store.js';

export class SinkEgress implements Egress {
  constructor(private readonly url: string) {}
  async submit(m: OutboundMessage): Promise<SubmitResult> {
    try {
      const r = await fetch(`${this.url}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: m.id, from: m.from, to: m.to, text: m.text }) });
      if (!r.ok) return { ok: false, retry: true, reason: `sink ${r.status}` };
      return { ok: true, upstreamId: ((await r.json()) as { upstreamId: string }).upstreamId };
    } catch (e) {
      return { ok: false, retry: true, reason: (e as Error).message };
    }
  }
  onReceipt(): void {}
  onMo(): void {}
  async close(): Promise<void> {}
}

/**
 * The SMPP client to carrier SMSCs on its own thread, as the Egress port. On two cores the gateway's
 * event loop was the bottleneck (docs/PERFORMANCE.md): it decided, recorded and also encoded,
 * windowed and correlated every upstream PDU. Here the whole SmppUpstream (links, windows, retries,
 * failover, receipt correlation) runs in a worker thread and the main thread only sees results,
 * receipts and MO, in batches. Semantics are SmppUpstream's: this class adds no decisions.
 *
 * If the thread dies (a bug, never expected), submits in flight fail with `retry` (the delivery
 * worker reschedules them: at-least-once, as for a dropped connection) and the thread is started
 * again after a pause.
 */
import { Worker } from 'node:worker_threads';
import type { DeliveryReceipt, Egress, InboundMo, SubmitResult, UpstreamCancel, UpstreamCancelResult } from '../../ports/egress.js';
import type { OutboundMessage } from '../../ports/store.js';
import type { UpstreamOptions } from './upstream.js';
import type { PortedNumbersData } from './ported-numbers.js';
import { within } from '../../app/within.js';
import { DEFAULT_SESSION_OPTIONS } from '../session/session.js';
import { DEFAULT_UNBIND_WAIT_MS } from '../transport/connection.js';
import { workerScript } from '../../runtime/worker-script.js';
import { SlotMap } from '../../runtime/slot-map.js';
import type { UpstreamLinkControl, UpstreamLinkControlResult, UpstreamLinkSource, UpstreamLinksSnapshot, UpstreamLinkStatus } from '../../ports/upstream-links.js';

/** Main thread → worker. */
export type ToThread =
  | { t: 'submit'; items: [number, OutboundMessage][] }
  | { t: 'waitUp'; k: number; ms: number }
  /** MO handled on the main thread: true = handled (acknowledge it), false = failed (temporary error). */
  | { t: 'moDone'; items: [number, boolean][] }
  /** Receipts handled on the main thread (their status recorded): true = acknowledge, false = temporary error. */
  | { t: 'receiptDone'; items: [number, boolean][] }
  /** Egress.stopSending. */
  | { t: 'stopSending' }
  /** Egress.cancel. */
  | { t: 'cancel'; ids: string[] }
  /** The links' status, asked on request (an operator's page, a /metrics scrape), never per message. */
  | { t: 'status'; k: number }
  /** Egress.cancelUpstream, answered by `cancelledUpstream` with the same key. */
  | { t: 'cancelUpstream'; k: number; c: UpstreamCancel; ms: number }
  /** An operator's stop or start of one link (UpstreamLinkControl), answered by `linkControl` with the same key. */
  | { t: 'stopLink'; k: number; name: string; by: string; at: number }
  | { t: 'startLink'; k: number; name: string }
  /** A reloaded ported-numbers list (SmppUpstream.setPorted): its SharedArrayBuffers are shared, not copied. */
  | { t: 'mnp'; data: PortedNumbersData | null }
  | { t: 'close' };

/** Worker → main thread. */
export type FromThread =
  | { t: 'ready' }
  | { t: 'results'; items: [number, SubmitResult | { error: string }][] }
  /** Receipts keyed, to be answered with `receiptDone` once the main thread's handlers have run. */
  | { t: 'receipts'; items: [number, DeliveryReceipt][] }
  /** MO keyed, to be answered with `moDone` once the main thread's handlers have run. */
  | { t: 'mo'; items: [number, InboundMo][] }
  | { t: 'up'; k: number; ok: boolean }
  /** The carrier's answer to a cancelUpstream. */
  | { t: 'cancelledUpstream'; k: number; r: UpstreamCancelResult }
  /** Whether any link is bound, each time a link goes up or down (Egress.bound). */
  | { t: 'bound'; up: boolean }
  | { t: 'log'; msg: string; fields?: Record<string, unknown>; level?: 'info' | 'warn' }
  /** The answer to `status`. */
  | { t: 'status'; k: number; snapshot: UpstreamLinksSnapshot }
  /** The answer to `stopLink` or `startLink`. */
  | { t: 'linkControl'; k: number; r: UpstreamLinkControlResult }
  | { t: 'closed' };

/** SmppUpstream's options, and how far the thread lowers its own scheduling priority. */
export interface ThreadedUpstreamOptions extends UpstreamOptions {
  /**
   * Nice increment the thread gives itself on Linux (runtime/thread-priority.ts), so that the event
   * loop wins a contended core; BACKGROUND_THREAD_NICE (10) unless given, 0 leaves it as is.
   */
  threadNice?: number;
}

/** TypeScript runs through tsx in the worker as in the main thread (no build step). */
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });
`;

const RESTART_MS = 1000;

/** How long linkStatus waits for the thread by default before answering with what it has, marked stale. */
export const LINK_STATUS_TIMEOUT_MS = 1000;

/** A link as configured, before the thread has said anything about it. */
function unknownStatus(c: UpstreamOptions['links'][number]): UpstreamLinkStatus {
  return {
    name: c.name, host: c.host, port: c.port, systemId: c.systemId, tls: c.tls !== undefined, bind: c.bind ?? 'trx', state: 'unknown',
    sessions: (c.bind === 'tx+rx' ? ['transmitter', 'receiver'] as const : ['transceiver'] as const).map((bindType) => ({ bindType, state: 'unknown' as const, boundSince: null, reconnects: 0, lastError: null })),
    boundSince: null, stoppedAt: null, stoppedBy: null,
    window: c.window, inFlight: 0, queued: 0, throughput: c.throughput, prefixes: [...c.prefixes], weight: c.weight, carrier: c.carrier ?? null,
    throttledUntil: null, reconnects: 0, lastError: null, counters: { submitted: 0, submitFailed: 0, throttled: 0, receipts: 0, mo: 0 },
  };
}

/**
 * How long the thread's links may take to close, each as its connection allows (SmppConnection.close:
 * our submits in flight answered within the session's response timeout, then the unbind_resp within
 * DEFAULT_UNBIND_WAIT_MS, then the deliver_sm that crossed our unbind within the response timeout;
 * then 2 s for the socket's end). 24 s by default; a thread whose links are down answers at once.
 * Only a bound: a silent SMSC holds the close about 2 s (its unbind_resp), not this.
 */
export function closeBoundMs(o: Pick<UpstreamOptions, 'link'>): number {
  return 2 * (o.link?.session?.responseTimeoutMs ?? DEFAULT_SESSION_OPTIONS.responseTimeoutMs) + DEFAULT_UNBIND_WAIT_MS + 2000;
}

export class ThreadedUpstream implements Egress, UpstreamLinkSource, UpstreamLinkControl {
  private worker!: Worker;
  private next = 1;
  private readonly pending = new SlotMap<number, { resolve(r: SubmitResult): void }>();
  /**
   * Requests to the thread waiting for its answer, by key (waitUp, linkStatus, cancelUpstream, a link's
   * stop or start: {@link ask}); each settles with the answer, or with its own fallback when no
   * answer comes in time or the thread ends.
   */
  private readonly asked = new Map<number, { answer(r: unknown): void; ended(): void }>();
  private readonly receiptCbs: ((r: DeliveryReceipt) => void | Promise<unknown>)[] = [];
  private readonly moCbs: ((mo: InboundMo) => void | Promise<unknown>)[] = [];
  /** MO and receipt outcomes to post, with the thread that asked (keys are per thread: a restarted one starts over). */
  private readonly answers = { moDone: [] as [Worker, number, boolean][], receiptDone: [] as [Worker, number, boolean][] };
  private outbox: [number, OutboundMessage][] = [];
  private scheduled = false;
  private closing: Promise<void> | null = null;
  /** The current thread is running (false between a crash and its restart). */
  private alive = false;
  /** Any link of the current thread bound, as it last said. */
  private linkUp = false;
  /** stopSending was called: submits end unsent here, without crossing. */
  private stopping = false;
  private onClosed: (() => void) | null = null;
  /** The thread's last answer to `status` (null before any). */
  private lastStatus: UpstreamLinksSnapshot | null = null;
  /**
   * The links an operator stopped, by name: a restarted thread starts with every link in service,
   * so they are stopped again in it (a stop lasts until start or a restart of the process).
   */
  private readonly held = new Map<string, { by: string; at: number }>();

  /** The ported-numbers list in force, so that a restarted thread starts with the latest one. */
  private ported: PortedNumbersData | null;

  constructor(private readonly opts: ThreadedUpstreamOptions) {
    if (opts.links.length === 0) throw new Error('ThreadedUpstream needs at least one link');
    this.ported = opts.ported ?? null;
  }

  /**
   * Replaces the ported-numbers list in the thread (SmppUpstream.setPorted). One message: the list's
   * memory is shared with the thread, never copied, however many numbers it holds.
   */
  setPorted(data: PortedNumbersData | null): void {
    this.ported = data;
    this.post({ t: 'mnp', data });
  }

  /**
   * Before start(): the link is held from the outset (compose heldLinks); the thread gets it with
   * the others a restarted thread gets, so it never binds it. An unknown name is passed over.
   */
  holdAtStart(name: string, by: string, at: number): void {
    if (this.opts.links.some((l) => l.name === name)) this.held.set(name, { by, at });
  }

  /** Starts the thread; it binds every link (as SmppUpstream.start). */
  start(): void {
    const { log: _log, onBound: _onBound, ported: _ported, ...opts } = this.opts;
    // a thread restarted after a crash starts with the operator's stops already in force (it never binds those links)
    const data = { ...opts, ...(this.ported ? { ported: this.ported } : {}), held: [...this.held].map(([name, h]) => ({ name, ...h })) };
    // Bundled once per process (src/runtime/worker-script.ts): the thread then neither compiles its
    // modules through tsx at start nor runs tsx's output, which wraps every function in a naming
    // helper (docs/PERFORMANCE.md: ~a tenth less CPU per message on this thread). Else through tsx.
    const entry = new URL('./upstream-thread.ts', import.meta.url);
    const script = workerScript(entry);
    this.worker = script
      ? new Worker(script, { eval: true, workerData: data })
      : new Worker(BOOT, { eval: true, workerData: { tsx: import.meta.resolve('tsx/esm/api'), entry: entry.href, ...data } });
    this.worker.on('message', (m: FromThread) => this.onMessage(m));
    this.worker.on('error', (e) => this.opts.log?.('smpp upstream thread failed', { error: e.message }));
    this.worker.on('exit', () => this.onExit());
    this.alive = true;
  }

  private onMessage(m: FromThread): void {
    switch (m.t) {
      case 'ready':
        return;
      case 'results':
        for (const [k, r] of m.items) {
          const p = this.pending.get(k);
          if (!p) continue;
          this.pending.delete(k);
          p.resolve('error' in r ? { ok: false, retry: true, reason: r.error } : r);
        }
        return;
      case 'receipts':
        // The thread acknowledges each receipt to the SMSC once its handlers here have resolved.
        for (const [k, r] of m.items) this.whenHandled(this.receiptCbs, r, 'receiptDone', k);
        return;
      case 'mo':
        // The thread acknowledges each MO to the SMSC once its handlers here have resolved.
        for (const [k, mo] of m.items) this.whenHandled(this.moCbs, mo, 'moDone', k);
        return;
      case 'up':
        this.answered(m.k, m.ok);
        return;
      case 'cancelledUpstream':
        this.answered(m.k, m.r);
        return;
      case 'bound':
        this.linkUp = m.up;
        this.opts.onBound?.(m.up);
        return;
      case 'log':
        this.opts.log?.(m.msg, m.fields, m.level);
        return;
      case 'status':
        this.lastStatus = m.snapshot;
        this.answered(m.k, m.snapshot);
        return;
      case 'linkControl':
        this.answered(m.k, m.r);
        return;
      case 'closed':
        this.onClosed?.();
        return;
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Runs the handlers of one MO or receipt, then answers the thread (`kind`) with their outcome. */
  private whenHandled<T>(cbs: ((x: T) => void | Promise<unknown>)[], x: T, kind: 'moDone' | 'receiptDone', k: number): void {
    const asker = this.worker;
    let handled: unknown;
    try {
      handled = cbs.length === 1 ? cbs[0](x) : Promise.all(cbs.map((cb) => cb(x)));
    } catch (e) {
      handled = Promise.reject(e);
    }
    if (handled instanceof Promise) handled.then(() => this.answer(kind, asker, k, true), () => this.answer(kind, asker, k, false));
    else this.answer(kind, asker, k, true);
  }

  /** Outcomes of one turn go back to the thread as one message per kind. */
  private answer(kind: 'moDone' | 'receiptDone', asker: Worker, k: number, ok: boolean): void {
    const list = this.answers[kind];
    list.push([asker, k, ok]);
    if (list.length > 1) return;
    setImmediate(() => {
      // a thread that died meanwhile answered its SMSC nothing: the SMSC delivers those again
      const items = list.filter(([w]) => w === this.worker).map(([, k, ok]): [number, boolean] => [k, ok]);
      list.length = 0;
      if (items.length) this.post({ t: kind, items });
    });
  }

  /** Submits that will get no answer: back to the delivery worker as transient failures. */
  private fail(keys: Iterable<number>, reason: string): void {
    for (const k of keys) {
      const p = this.pending.get(k);
      this.pending.delete(k);
      p?.resolve({ ok: false, retry: true, reason });
    }
  }

  private onExit(): void {
    this.alive = false;
    this.linkUp = false;
    this.fail([...this.pending.keys()], 'smpp upstream thread stopped');
    // an answer asked of the thread that died will not come: each request's fallback, at once
    const asked = [...this.asked.values()];
    this.asked.clear();
    for (const w of asked) w.ended();
    this.onClosed?.();
    if (this.closing) return;
    this.opts.log?.('smpp upstream thread exited; restarting', {});
    setTimeout(() => { if (!this.closing) this.start(); }, RESTART_MS).unref();
  }

  private post(m: ToThread): void {
    if (this.alive) this.worker.postMessage(m);
  }

  /**
   * Posts the request `make(key)` and waits for the thread's answer under that key; `fallback` when
   * none comes within `ms` (null: the thread bounds it itself) or the thread ends first.
   */
  private ask<R>(make: (k: number) => ToThread, ms: number | null, fallback: (why: 'timeout' | 'ended') => R): Promise<R> {
    const k = this.next++;
    return new Promise<R>((resolve) => {
      const t = ms === null ? null : setTimeout(() => {
        this.asked.delete(k);
        resolve(fallback('timeout'));
      }, ms);
      t?.unref();
      this.asked.set(k, {
        answer: (r) => { if (t) clearTimeout(t); resolve(r as R); },
        ended: () => { if (t) clearTimeout(t); resolve(fallback('ended')); },
      });
      this.post(make(k));
    });
  }

  /** The thread's answer to request `k` (ask). */
  private answered(k: number, r: unknown): void {
    const w = this.asked.get(k);
    this.asked.delete(k);
    w?.answer(r);
  }

  /** Resolves once every link is bound (or `ms` passes); true when all are up. */
  waitUp(ms = 10_000): Promise<boolean> {
    if (this.closing || !this.alive) return Promise.resolve(false);
    return this.ask((k) => ({ t: 'waitUp', k, ms }), null, () => false);
  }

  /**
   * The links' status from the thread (UpstreamLinkSource): one message each way, on request. A
   * thread that does not answer within `timeoutMs` (busy, or restarting) gets no more time: the answer
   * is its last status, or the configuration with state `unknown`, marked `stale`.
   */
  linkStatus(timeoutMs = LINK_STATUS_TIMEOUT_MS): Promise<UpstreamLinksSnapshot> {
    const stale = () => this.staleStatus();
    if (this.closing || !this.alive) return Promise.resolve(stale());
    return this.ask((k) => ({ t: 'status', k }), timeoutMs, stale);
  }

  /** What linkStatus answers without the thread: its last status, or the configuration as `unknown`; stale either way. */
  private staleStatus(): UpstreamLinksSnapshot {
    return this.lastStatus ? { ...this.lastStatus, stale: true } : { links: this.opts.links.map(unknownStatus), at: Date.now(), stale: true };
  }

  /** Egress.bound: a link of the running thread is bound. */
  bound(): boolean {
    return this.alive && this.linkUp;
  }

  /** Egress.stopSending, in the thread; submits from now on end here, unsent. */
  stopSending(): void {
    if (this.stopping) return;
    this.stopping = true;
    // Submits of this turn still waiting to cross arrive after it and end there unsent, as here.
    this.post({ t: 'stopSending' });
  }

  /**
   * Egress.cancel, in the thread. Every submit of the ids crossed before this (submits cross in the
   * turn they are made; a claim is found lost or lapsing a renewal later), so the thread sees them.
   */
  cancel(ids: readonly string[]): void {
    if (ids.length > 0) this.post({ t: 'cancel', ids: [...ids] });
  }

  /** Egress.cancelUpstream, in the thread (SmppUpstream.cancelUpstream); its answer crosses back at once. */
  cancelUpstream(c: UpstreamCancel, waitMs: number): Promise<UpstreamCancelResult> {
    if (this.closing || !this.alive) return Promise.resolve({ ok: false, reason: 'smpp upstream thread not running' });
    // the thread keeps to waitMs itself; this only bounds a thread that never answers. One that ends
    // took the carrier's answer with it: not cancelled here.
    return this.ask<UpstreamCancelResult>((k) => ({ t: 'cancelUpstream', k, c, ms: waitMs }), waitMs + 1000, (why) => ({
      ok: false, reason: why === 'ended' ? 'smpp upstream thread stopped' : `no answer from the smpp upstream thread within ${waitMs} ms`,
    }));
  }

  /** UpstreamLinkControl.stopLink, in the thread: one message each way, waiting at most `timeoutMs`. */
  async stopLink(name: string, by: string, at: number, timeoutMs = LINK_STATUS_TIMEOUT_MS): Promise<UpstreamLinkControlResult> {
    const r = await this.control({ t: 'stopLink', k: 0, name, by, at }, timeoutMs);
    if (r.ok && !this.held.has(name)) this.held.set(name, { by: r.status.stoppedBy ?? by, at: r.status.stoppedAt ?? at });
    return r;
  }

  /** UpstreamLinkControl.startLink, in the thread. */
  async startLink(name: string, timeoutMs = LINK_STATUS_TIMEOUT_MS): Promise<UpstreamLinkControlResult> {
    const r = await this.control({ t: 'startLink', k: 0, name }, timeoutMs);
    if (r.ok) this.held.delete(name);
    return r;
  }

  /** Posts a stop or start and waits for its answer; a thread that does not answer in time: `no_answer` (it may still act). */
  private control(m: Extract<ToThread, { t: 'stopLink' | 'startLink' }>, timeoutMs: number): Promise<UpstreamLinkControlResult> {
    if (this.closing || !this.alive) return Promise.resolve({ ok: false, reason: 'no_answer' });
    return this.ask<UpstreamLinkControlResult>((k) => ({ ...m, k }), timeoutMs, () => ({ ok: false, reason: 'no_answer' }));
  }

  submit(msg: OutboundMessage): Promise<SubmitResult> {
    if (this.stopping) return Promise.resolve({ ok: false, retry: true, reason: 'smpp upstream stopping: not sent', stopped: { written: false } });
    if (this.closing) return Promise.resolve({ ok: false, retry: true, reason: 'smpp upstream closing' });
    if (!this.alive) return Promise.resolve({ ok: false, retry: true, reason: 'smpp upstream thread restarting' });
    const k = this.next++;
    const p = new Promise<SubmitResult>((resolve) => this.pending.set(k, { resolve }));
    this.outbox.push([k, msg]);
    // Submits of one event-loop turn (a delivery batch) cross to the thread as one message.
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        const items = this.outbox;
        this.outbox = [];
        if (this.alive) this.post({ t: 'submit', items });
        else this.fail(items.map(([k]) => k), 'smpp upstream thread stopped');
      });
    }
    return p;
  }

  /** Receipt handlers; the receipt is acknowledged to the SMSC only once every returned promise resolves. */
  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<unknown>): void {
    this.receiptCbs.push(cb);
  }

  /** MO handlers; the MO is acknowledged to the SMSC only once every returned promise resolves. */
  onMo(cb: (mo: InboundMo) => void | Promise<unknown>): void {
    this.moCbs.push(cb);
  }

  /** Unbinds every link (as SmppUpstream.close), then ends the thread. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (!this.worker || !this.alive) return;
      const closed = new Promise<void>((r) => (this.onClosed = r));
      this.post({ t: 'close' });
      // Links unbind politely if they can; a thread that does not answer is ended anyway, once its
      // links would all have closed (closeBoundMs): not before, or a receipt still being recorded
      // across an unbind would lose its answer (5 s before 2026-12-07, under the sessions' own bounds).
      await within(closed, closeBoundMs(this.opts));
      await this.worker.terminate();
    })();
    return this.closing;
  }
}

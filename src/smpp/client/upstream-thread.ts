/**
 * The worker-thread side of ThreadedUpstream (threaded-upstream.ts): runs an ordinary SmppUpstream
 * (links, windows, retries, failover, receipt correlation) and speaks to the main thread in batches.
 * Everything that crosses is plain data (structured clone); results, receipts and MO gathered in one
 * event-loop turn go back as one message each, so the per-message cost of the crossing stays small.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SmppUpstream } from './upstream.js';
import type { DeliveryReceipt, InboundMo, SubmitResult } from '../../ports/egress.js';
import type { OutboundMessage } from '../../ports/store.js';
import type { ToThread, FromThread, ThreadedUpstreamOptions } from './threaded-upstream.js';
import { SlotMap } from '../../runtime/slot-map.js';
import { lowerThreadPriority } from '../../runtime/thread-priority.js';

const port = parentPort!;
const { threadNice, held, ...opts } = workerData as Omit<ThreadedUpstreamOptions, 'log'> & { held?: { name: string; by: string; at: number }[] };
// Below the event loop's priority: it is the submissions' critical path; this thread works in batches
// (src/runtime/thread-priority.ts).
lowerThreadPriority(threadNice);
const send = (m: FromThread) => port.postMessage(m);

const upstream = new SmppUpstream({ ...opts, log: (msg, fields, level) => send({ t: 'log', msg, fields, level }), onBound: (up) => send({ t: 'bound', up }) });

let results: [number, SubmitResult | { error: string }][] = [];
let receipts: [number, DeliveryReceipt][] = [];
let mos: [number, InboundMo][] = [];
/** MO sent to the main thread, waiting for its handlers' outcome (moDone). */
const moWaiting = new SlotMap<number, (ok: boolean) => void>();
let moNext = 1;
/** Receipts sent to the main thread, waiting for their handlers' outcome (receiptDone), with when they left. */
const receiptWaiting = new SlotMap<number, { at: number; settle(ok: boolean): void }>();
let receiptNext = 1;
/**
 * The upstream answers the SMSC at receiptAckTimeoutMs whatever happens here; an answer that never
 * comes must not pin its entry. One sweep for all (a timer per receipt would cost more than the receipt).
 */
const RECEIPT_FORGET_MS = (opts.receiptAckTimeoutMs ?? 10_000) + 5000;
setInterval(() => {
  const limit = Date.now() - RECEIPT_FORGET_MS;
  for (const [k, w] of receiptWaiting) {
    if (w.at > limit) break;
    receiptWaiting.delete(k);
    w.settle(false);
  }
}, 1000).unref();
/** The upstream gives up at moAckTimeoutMs; an answer that never comes must not pin its entry. */
const MO_FORGET_MS = (opts.moAckTimeoutMs ?? 5000) + 1000;
let scheduled = false;
function flushSoon(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    // Results before receipts: a receipt that overtook its submit_sm_resp upstream is still
    // reported after the result that names its upstream id whenever both are in this turn.
    if (results.length) { send({ t: 'results', items: results }); results = []; }
    if (receipts.length) { send({ t: 'receipts', items: receipts }); receipts = []; }
    if (mos.length) { send({ t: 'mo', items: mos }); mos = []; }
  });
}

// A receipt is acknowledged to the SMSC once the main thread has recorded it (receiptDone).
upstream.onReceipt((r) => new Promise<void>((resolve, reject) => {
  const k = receiptNext++;
  receiptWaiting.set(k, { at: Date.now(), settle: (ok) => (ok ? resolve() : reject(new Error('receipt not recorded'))) });
  receipts.push([k, r]);
  flushSoon();
}));
// An MO is acknowledged to the SMSC once the main thread's handlers have resolved (SmppUpstream
// waits for this promise, bounded by moAckTimeoutMs).
upstream.onMo((m) => new Promise<void>((resolve, reject) => {
  const k = moNext++;
  const t = setTimeout(() => { moWaiting.delete(k); reject(new Error('no answer from the main thread')); }, MO_FORGET_MS);
  moWaiting.set(k, (ok) => {
    clearTimeout(t);
    moWaiting.delete(k);
    if (ok) resolve();
    else reject(new Error('MO handler failed'));
  });
  mos.push([k, m]);
  flushSoon();
}));

function submit(k: number, msg: OutboundMessage): void {
  upstream.submit(msg).then(
    (r) => { results.push([k, r]); flushSoon(); },
    (e: Error) => { results.push([k, { error: e.message }]); flushSoon(); },
  );
}

port.on('message', (m: ToThread) => {
  switch (m.t) {
    case 'submit':
      for (const [k, msg] of m.items) submit(k, msg);
      return;
    case 'moDone':
      for (const [k, ok] of m.items) moWaiting.get(k)?.(ok);
      return;
    case 'receiptDone':
      for (const [k, ok] of m.items) {
        const w = receiptWaiting.get(k);
        if (!w) continue;
        receiptWaiting.delete(k);
        w.settle(ok);
      }
      return;
    case 'waitUp':
      void upstream.waitUp(m.ms).then((ok) => send({ t: 'up', k: m.k, ok }));
      return;
    case 'stopSending':
      upstream.stopSending();
      return;
    case 'cancel':
      upstream.cancel(m.ids);
      return;
    case 'status':
      send({ t: 'status', k: m.k, snapshot: upstream.statusNow() });
      return;
    case 'cancelUpstream':
      // answered at once, not with a turn's batch: the canceller (an HTTP request, an ESME) waits
      void upstream.cancelUpstream(m.c, m.ms).then(
        (r) => send({ t: 'cancelledUpstream', k: m.k, r }),
        (e: Error) => send({ t: 'cancelledUpstream', k: m.k, r: { ok: false, reason: e.message } }),
      );
      return;
    case 'stopLink':
      send({ t: 'linkControl', k: m.k, r: upstream.stopNow(m.name, m.by, m.at) });
      return;
    case 'startLink':
      send({ t: 'linkControl', k: m.k, r: upstream.startNow(m.name) });
      return;
    case 'mnp':
      upstream.setPorted(m.data);
      return;
    case 'close':
      void upstream.close().finally(() => send({ t: 'closed' }));
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

// the operator's stops from before a restart of this thread, in force before any link binds
for (const h of held ?? []) upstream.stopNow(h.name, h.by, h.at);
upstream.start();
send({ t: 'ready' });

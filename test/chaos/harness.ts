/**
 * Chaos harness: child processes (sink, gateway pieces) that can be killed with SIGKILL and started
 * again, a bounded load generator that remembers which messages were acknowledged (HTTP 200 with an
 * id) and which were sent without an answer, and the end-of-run comparison of acknowledgements, the
 * sink and the statutory records. Loopback only; every loop is bounded in count and time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface Proc {
  child: ChildProcess;
  /** First stdout line (JSON or `ready`). */
  ready: Promise<string>;
  exited: Promise<number | null>;
}

export function startProc(script: string, arg: object | null): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', `${HERE}${script}`, ...(arg ? [JSON.stringify(arg)] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err = (err + d).slice(-4000); });
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const i = out.indexOf('\n');
      if (i >= 0) resolve(out.slice(0, i));
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code} before ready: ${err}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, ready, exited };
}

export async function kill9(p: Proc): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

export async function stopGracefully(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(t);
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LoadResult {
  /** ref → message id, for messages the gateway acknowledged. */
  acked: Map<string, string>;
  /** refs sent in requests that got no answer (connection refused or reset). */
  unacked: Set<string>;
  requests: number;
  failedRequests: number;
}

/**
 * Sends batches of `batch` verification messages (each to a fresh number, text carrying a unique
 * ref) to the ingress URLs in turn until `stop()` or `maxMessages`. Refused or cut requests are not
 * retried: their messages count as unacknowledged.
 */
export function startLoad(o: { urls: () => string[]; apiKey: string; port: string; batch: number; maxMessages: number; pauseMs: number }): { stop(): Promise<LoadResult> } {
  const res: LoadResult = { acked: new Map(), unacked: new Set(), requests: 0, failedRequests: 0 };
  let stopped = false;
  let seq = 0;
  const loop = (async () => {
    let i = 0;
    while (!stopped && seq < o.maxMessages) {
      const urls = o.urls();
      const url = urls[i++ % urls.length];
      const refs: string[] = [];
      const messages = [];
      for (let k = 0; k < o.batch; k++) {
        const ref = `R${++seq}`;
        refs.push(ref);
        // One number per message (refs are unique, so are these): no frequency rule can bite.
        const to = `+86139${String(seq).padStart(8, '0')}`;
        messages.push({ from: o.port, to, text: `【示例】您的验证码是${String(seq % 1e6).padStart(6, '0')}，编号${ref}`, type: 'verification', clientRef: ref });
      }
      res.requests++;
      try {
        const r = await fetch(`${url}/v1/messages/batch`, { method: 'POST', headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages }), signal: AbortSignal.timeout(10_000) });
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        const body = (await r.json()) as { results: { id?: string; status?: string }[] };
        body.results.forEach((x, k) => {
          if (x.status === 'accepted' && x.id) res.acked.set(refs[k], x.id);
          else throw new Error(`not accepted: ${JSON.stringify(x)}`);
        });
      } catch (e) {
        if (/not accepted/.test((e as Error).message)) throw e;
        res.failedRequests++;
        for (const ref of refs) res.unacked.add(ref);
        await sleep(300);
      }
      if (o.pauseMs) await sleep(o.pauseMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return res;
    },
  };
}

export interface SinkState {
  attempts: number;
  deliveries: { id: string; to: string; text: string }[];
  repeats: Record<string, number>;
}

export async function sinkState(url: string): Promise<SinkState> {
  return (await (await fetch(`${url}/state`)).json()) as SinkState;
}

export const refOf = (text: string): string | null => /编号(R\d+)/.exec(text)?.[1] ?? null;

/**
 * The SMPP client's thread dying (never expected: a bug) costs only a retry: submits in flight come
 * back as transient failures for the delivery worker to reschedule, the thread starts again and
 * binds, and closing never hangs, whatever state the thread is in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { getPriority } from 'node:os';
import { threadStats } from '../../../bench/proc.js';

/** Nice value of every thread of this process. */
const threadNices = (): number[] => [...threadStats(process.pid).values()].map((t) => t.nice);

const msg = (id: string): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to: '+8613800138000', text: id, registeredDelivery: false, attempts: 0, submittedAt: 0 });
const thread = (up: ThreadedUpstream) => (up as unknown as { worker: Worker }).worker;

test('a dead client thread: in-flight submits retry, the thread restarts and sends again, close does not hang', { timeout: 30_000 }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'none' });
  await smsc.listen();
  const up = new ThreadedUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=fake`)] });
  up.start();
  try {
    assert.ok(await up.waitUp(5000));
    assert.equal((await up.submit(msg('before'))).ok, true);
    const first = thread(up);
    const exited = new Promise((r) => first.once('exit', r));
    const inFlight = up.submit(msg('in-flight'));
    await first.terminate();
    await exited;
    const r = await inFlight;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.retry, true, 'a transient failure: the delivery worker reschedules it');
    const during = await up.submit(msg('during'));
    assert.equal(!during.ok && during.retry, true);
    // Restarted after a pause, bound again.
    const end = Date.now() + 10_000;
    while (!(thread(up) !== first && (await up.waitUp(500)))) {
      assert.ok(Date.now() < end, 'the thread came back');
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal((await up.submit(msg('after'))).ok, true);
    assert.ok(smsc.ackedTexts().includes('after'));
    // Dead again, and closed before the restart: close returns.
    await thread(up).terminate();
  } finally {
    await up.close();
    await smsc.close();
  }
});

test('the client thread from its bundled script (as it runs by default) and, with SMSGUARD_WORKER_BUNDLE=off, through tsx: binds, submits, gets receipts', { timeout: 60_000 }, async (t) => {
  const { workerScript, useWorkerBundles } = await import('../../../src/runtime/worker-script.js');
  t.after(() => useWorkerBundles(true));
  // The default path must really be the bundle (a failed build falls back to tsx silently): the
  // thread's entry bundles, as ThreadedUpstream asks for it.
  const script = workerScript(new URL('../../../src/smpp/client/upstream-thread.ts', import.meta.url));
  assert.ok(script && script.includes('SmppUpstream'), 'the client thread\'s entry bundles');
  const smsc = new FakeSmsc({ misbehaviour: 'none', dlr: true });
  await smsc.listen();
  try {
    for (const how of ['bundled', 'off']) {
      useWorkerBundles(how !== 'off');
      const up = new ThreadedUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=fake`)] });
      const receipts: string[] = [];
      up.onReceipt((r) => void receipts.push(r.upstreamId));
      up.start();
      try {
        assert.ok(await up.waitUp(10_000), how);
        const r = await up.submit(msg(`via ${how}`));
        assert.ok(r.ok, how);
        const end = Date.now() + 5000;
        while (!receipts.includes(r.upstreamId)) {
          assert.ok(Date.now() < end, `${how}: its receipt`);
          await new Promise((res) => setTimeout(res, 20));
        }
      } finally {
        await up.close();
      }
    }
  } finally {
    await smsc.close();
  }
});

test('the client thread runs ten steps nicer than the event loop (Linux), or as it is with threadNice 0', { timeout: 30_000, skip: process.platform !== 'linux' && 'per-thread nice is Linux only' }, async () => {
  const smsc = new FakeSmsc({ misbehaviour: 'none' });
  await smsc.listen();
  const loop = getPriority();
  const nicer = Math.min(19, loop + 10);
  try {
    for (const threadNice of [undefined, 0]) {
      const before = threadNices().filter((n) => n === nicer).length;
      const up = new ThreadedUpstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}?name=fake`)], threadNice });
      up.start();
      try {
        assert.ok(await up.waitUp(10_000));
        assert.equal(threadNices().filter((n) => n === nicer).length - before, threadNice === 0 ? 0 : 1, `threadNice ${threadNice}`);
        assert.equal(getPriority(), loop, 'the event loop keeps its priority');
      } finally {
        await up.close();
      }
    }
  } finally {
    await smsc.close();
  }
});

/**
 * Ported numbers (携号转网) in carrier routing, against two fake SMSCs, with the client in process and
 * on its own thread: a number with a cmcc prefix that moved to ctcc goes to the ctcc link, the rest by
 * prefix; a reloaded list (what SIGHUP does: parsed on a thread of its own) takes effect, in the
 * upstream's thread too.
 */
import { test, describe } from 'node:test';
import type { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { parseMnpCsv } from '../../../src/config/mnp-file.js';
import { reloadMnp } from '../../../src/config/mnp-reload.js';
import type { PortedNumbersData } from '../../../src/smpp/client/ported-numbers.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS, type Upstream } from '../../fakes/smpp/upstream-fixture.js';

const m = (id: string, to: string): OutboundMessage => ({ id, contentProviderId: 'cp', from: '10690001', to, text: id, registeredDelivery: false, attempts: 0, submittedAt: 0 });

/** A cmcc link (prefix 86138) and a ctcc link (prefix 86133), each to its own fake SMSC. */
async function twoCarriers(make: (typeof UPSTREAM_MAKERS)[number][1], ported: PortedNumbersData | undefined, logs: unknown[][], body: (up: Upstream, cmcc: FakeSmsc, ctcc: FakeSmsc) => Promise<void>): Promise<void> {
  const cmcc = new FakeSmsc({ misbehaviour: 'none' });
  const ctcc = new FakeSmsc({ misbehaviour: 'none' });
  await Promise.all([cmcc.listen(), ctcc.listen()]);
  const up = make({
    links: [
      parseUpstreamUrl(`smpp://u:p@127.0.0.1:${cmcc.port}?name=cmcc-1&prefixes=86138&carrier=cmcc`),
      parseUpstreamUrl(`smpp://u:p@127.0.0.1:${ctcc.port}?name=ctcc-1&prefixes=86133&carrier=CTCC`),
    ],
    ported,
    log: (...a) => logs.push(a),
  });
  up.start();
  try {
    assert.ok(await up.waitUp(3000));
    await body(up, cmcc, ctcc);
  } finally {
    await up.close();
    await Promise.all([cmcc.close(), ctcc.close()]);
  }
}

for (const [name, make] of UPSTREAM_MAKERS) {
  describe(`upstream client ${name}: ported numbers`, () => {
    test('a cmcc-prefix number ported to ctcc goes to the ctcc link; others by prefix', async () => {
      const { data } = parseMnpCsv('13800000001,ctcc\n13300000009,cmcc\n');
      await twoCarriers(make, data, [], async (up, cmcc, ctcc) => {
        const rs = await Promise.all([m('ported', '+8613800000001'), m('native', '+8613800000002'), m('back', '+8613300000009'), m('ct', '+8613300000001')].map((x) => up.submit(x)));
        assert.ok(rs.every((r) => r.ok), JSON.stringify(rs));
        assert.deepEqual(ctcc.ackedTexts().sort(), ['ct', 'ported']);
        assert.deepEqual(cmcc.ackedTexts().sort(), ['back', 'native']);
      });
    });

    test('a carrier no link names falls back to prefix routing, logged once for that carrier', async () => {
      const { data } = parseMnpCsv('13800000001,cucc\n13800000002,cucc\n');
      const logs: unknown[][] = [];
      await twoCarriers(make, data, logs, async (up, cmcc) => {
        const rs = await Promise.all([m('a', '+8613800000001'), m('b', '+8613800000002')].map((x) => up.submit(x)));
        assert.ok(rs.every((r) => r.ok));
        assert.deepEqual(cmcc.ackedTexts().sort(), ['a', 'b']);
        const warned = logs.filter((l) => String(l[0]).includes('no link names'));
        assert.equal(warned.length, 1);
        assert.deepEqual(warned[0][1], { carrier: 'cucc' });
      });
    });

    test('a reloaded list takes effect; an unreadable file keeps the one in use', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mnp-'));
      const file = join(dir, 'ported.csv');
      try {
        writeFileSync(file, '13800000001,cmcc\n');
        const logs: unknown[][] = [];
        const log = (msg: string, f: Record<string, unknown>) => logs.push([msg, f]);
        await twoCarriers(make, undefined, [], async (up, cmcc, ctcc) => {
          assert.ok(await reloadMnp(file, up, log));
          assert.ok((await up.submit(m('before', '+8613800000001'))).ok);
          writeFileSync(file, 'msisdn,carrier\n13800000001,ctcc\nnot a number,ctcc\n');
          assert.ok(await reloadMnp(file, up, log));
          assert.ok((await up.submit(m('after', '+8613800000001'))).ok);
          rmSync(file);
          assert.equal(await reloadMnp(file, up, log), false);
          assert.ok((await up.submit(m('kept', '+8613800000001'))).ok);
          assert.deepEqual(cmcc.ackedTexts(), ['before']);
          assert.deepEqual(ctcc.ackedTexts().sort(), ['after', 'kept']);
          assert.ok(logs.some((l) => JSON.stringify(l).includes('ported.csv:3: not a mainland mobile number')));
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

test('upstream thread restarted after a crash routes by the latest list, not the one it started with', { timeout: 30_000 }, async () => {
  const { data: first } = parseMnpCsv('13800000001,cmcc\n');
  const { data: latest } = parseMnpCsv('13800000001,ctcc\n');
  const make = UPSTREAM_MAKERS.find(([n]) => n === 'on its own thread')![1];
  await twoCarriers(make, first, [], async (up, cmcc, ctcc) => {
    const threaded = up as ThreadedUpstream;
    threaded.setPorted(latest);
    const dead = (threaded as unknown as { worker: Worker }).worker;
    await dead.terminate();
    const end = Date.now() + 10_000;
    while (!((threaded as unknown as { worker: Worker }).worker !== dead && (await up.waitUp(500)))) {
      assert.ok(Date.now() < end, 'the thread came back');
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok((await up.submit(m('after-restart', '+8613800000001'))).ok);
    assert.deepEqual(ctcc.ackedTexts(), ['after-restart']);
    assert.deepEqual(cmcc.ackedTexts(), []);
  });
});

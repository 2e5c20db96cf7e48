/**
 * Egress.stopSending and Egress.bound on the SMPP client (in process and on its own thread): with no
 * link bound a stop ends the submits waiting for one at once, as not written (their claims can go
 * back to the queue), and every later submit too; a submit that wrote its PDU before the link went
 * ends as written (the SMSC may have it: it must stay claimed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort } from '../../helpers/closed-port.js';
import { parseUpstreamUrl } from '../../../src/smpp/client/config.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import type { SubmitResult } from '../../../src/ports/egress.js';
import { FakeSmsc } from '../../fakes/smpp/fake-smsc.js';
import { UPSTREAM_MAKERS } from '../../fakes/smpp/upstream-fixture.js';
import { until } from '../../helpers/wait.js';

const msg = (id: string): OutboundMessage => ({ id, contentProviderId: 'cp_1', from: '10690001', to: '+8613800138000', text: `stop ${id}`, registeredDelivery: true, attempts: 1, submittedAt: Date.now() });

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: with no link bound, stopSending ends the submits waiting for one at once, as not written`, { timeout: 20_000 }, async () => {
    const up = make({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${await closedPort()}`)], submitBudgetMs: 30_000 });
    up.start();
    try {
      const waiting = [up.submit(msg('a')), up.submit(msg('b'))];
      let settled = 0;
      for (const p of waiting) void p.then(() => settled++);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(up.bound(), false);
      assert.equal(settled, 0, 'waiting for a link, within its 30 s budget');
      const t0 = Date.now();
      up.stopSending();
      const results = await Promise.all(waiting);
      assert.ok(Date.now() - t0 < 1000, `ended in ${Date.now() - t0} ms`);
      for (const r of results) assert.deepEqual(r.ok ? r : r.stopped, { written: false });
      const later: SubmitResult = await up.submit(msg('c'));
      assert.deepEqual(!later.ok && later.stopped, { written: false }, 'a submit after the stop is not sent either');
    } finally {
      await up.close();
    }
  });

  test(`${name}: a submit written before the link went ends as written, and bound() follows the link`, { timeout: 20_000 }, async () => {
    const smsc = new FakeSmsc({ misbehaviour: 'never_answers' });
    await smsc.listen();
    const up = make({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${smsc.port}`)], submitBudgetMs: 30_000 });
    up.start();
    try {
      assert.ok(await up.waitUp(5000));
      await until(() => up.bound(), 5000);
      const written = up.submit(msg('w'));
      await until(() => smsc.received.length === 1, 5000);
      up.stopSending();
      // the SMSC goes away with the PDU unanswered: whether it kept it nobody can tell
      await smsc.close();
      const r = await written;
      assert.equal(r.ok, false);
      assert.deepEqual(!r.ok && r.stopped, { written: true });
      await until(() => !up.bound(), 5000);
    } finally {
      await up.close();
      await smsc.close().catch(() => undefined);
    }
  });
}

/**
 * A long commercial message whose sending began inside the sending hours (08:00–21:00 Asia/Shanghai)
 * and was cut off part-way at 21:00: part 1 acknowledged by the carrier, part 2 refused for a while
 * (queue full) or lost with the connection. Where does each part go, and when?
 * - Part 1 is never sent again, neither at night nor in the morning, and not after a restart.
 * - The rest does not go at night (docs/CONSENT.md: the sending hours bound every part, a message's
 *   end included); it goes when the window opens, under the same UDH reference as part 1, so the
 *   handset completes the one set.
 * Both against a restart overnight: nothing of the first process's memory survives, only the queue.
 * Before (found 2026-12-06): the end of the hours gave up the submit as "written", which kept it
 * claimed without recording its acknowledged parts; the morning's claim after a restart built every
 * part again under a new reference, and part 1 reached the handset twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { CommandStatus, parseUdh, type SmPdu } from '../../../src/smpp/pdu/index.js';
import type { SubmitResult } from '../../../src/ports/egress.js';
import { FakeSmsc, type FakeSmscOptions } from '../../fakes/smpp/fake-smsc.js';
import { validCreditCode } from '../../helpers/gateway.js';
import { deliveryGateway, onboardProvider, type RestartGateway, type UpstreamMaker } from '../../helpers/restart-gateway.js';
import { UPSTREAM_MAKERS } from '../../fakes/smpp/upstream-fixture.js';
import { waitFor } from '../../helpers/wait.js';

const ADMIN = { role: 'admin' as const, actorId: 'a' };
const TO = '13800138501';
/** 144 UCS-2 characters: three parts of 67. */
const PROMO = `【示例】${'年终大促全场五折，欢迎光临。'.repeat(10)}`;
const EVENING = Date.parse('2026-11-30T20:59:30+08:00');
const CLOSE = Date.parse('2026-11-30T21:00:00+08:00');
const NIGHT = Date.parse('2026-11-30T21:05:00+08:00');
const MORNING = Date.parse('2026-12-01T08:00:00+08:00');

const concat = (pdu: SmPdu) => parseUdh(pdu.short_message)?.concat;

/** The first process: a provider with a commercial port, the number's consent, and the promotion submitted; the submit's results. */
async function firstProcess(db: string, clock: SimulatedClock, smsc: FakeSmsc, make: UpstreamMaker): Promise<{ g: RestartGateway; id: string; results: SubmitResult[] }> {
  const g = deliveryGateway(new SqliteStore(db), clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier&window=1`, { make });
  const results: SubmitResult[] = [];
  const submit = g.up.submit.bind(g.up);
  g.up.submit = (m) => submit(m).then((r) => (results.push(r), r));
  assert.ok(await g.up.waitUp(5000));
  const cp = await onboardProvider(g.app, await validCreditCode());
  await g.app.addPort(ADMIN, { number: '10690002', contentProviderId: cp.contentProviderId, kind: 'commercial' });
  const now = clock.now();
  await g.app.grantConsent(cp, { msisdn: TO, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: new Date(now + 30 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(now - 86_400_000).toISOString() } });
  const o = await g.app.submitMessage(cp, { from: '10690002', to: TO, text: PROMO, type: 'commercial', category: 'promo' }, 'http');
  assert.ok(o.ok, JSON.stringify(o));
  return { g, id: o.id, results };
}

/**
 * Runs the scene: `cut` makes the carrier cut the message off at part 2 (and sets the clock to
 * 21:00 when it does), the night passes with the first process, a second one on the same database
 * sends the rest at 08:00. Asserts where every part went.
 */
async function cutOffAtClose(make: UpstreamMaker, smscOptions: (clock: SimulatedClock, cut: { on: boolean }) => FakeSmscOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-long-cutoff-'));
  const db = join(dir, 'gw.db');
  const clock = new SimulatedClock(EVENING);
  const cut = { on: true };
  const smsc = new FakeSmsc(smscOptions(clock, cut));
  await smsc.listen();
  let second: RestartGateway | null = null;
  try {
    const first = await firstProcess(db, clock, smsc, make);
    let atClose = 0;
    try {
      await waitFor(() => (smsc.acked.length === 1 && smsc.received.length >= 2) || undefined, 10_000, 'part 1 acknowledged, part 2 tried');
      if (clock.now() < CLOSE) clock.set(CLOSE);
      // the worker looks every 20 ms; the submit is given up before its budget (30 s) runs out
      await waitFor(() => first.results.length === 1 || undefined, 5000, 'the submit given up at 21:00');
      const r = first.results[0];
      assert.equal(r.ok, false, JSON.stringify(r));
      assert.ok(!r.ok && r.partial, `the acknowledged part comes back with the result: ${JSON.stringify(r)}`);
      atClose = smsc.received.length;
      // the night: whatever the worker claims now, the sending hours hold it back
      clock.set(NIGHT);
      await new Promise((res) => setTimeout(res, 400));
      assert.equal(smsc.received.length, atClose, 'no part at night');
      assert.equal((await first.g.app.getMessage(ADMIN, first.id)).status, 'accepted');
    } finally {
      await first.g.stop();
    }
    // a restart overnight: nothing of the first process's memory survives
    cut.on = false;
    second = deliveryGateway(new SqliteStore(db), clock, `smpp://u:p@127.0.0.1:${smsc.port}?name=carrier&window=1`, { make });
    assert.ok(await second.up.waitUp(5000));
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(smsc.received.length, atClose, 'still no part at night, after the restart');
    clock.set(MORNING);
    const g2 = second;
    await waitFor(async () => ['submitted', 'delivered'].includes((await g2.app.getMessage(ADMIN, first.id)).status) || undefined, 15_000, 'the rest sent at 08:00');
    const acked = smsc.answers.filter(([, st]) => st === CommandStatus.ESME_ROK).map(([n]) => concat(smsc.received[n - 1])!);
    assert.deepEqual(acked.map((c) => c.seq).sort(), [1, 2, 3], 'each part acknowledged exactly once: part 1 not again');
    assert.equal(new Set(acked.map((c) => c.ref)).size, 1, 'one UDH reference for the whole set');
    assert.ok(acked.every((c) => c.total === 3));
    const part1 = smsc.received.filter((p) => concat(p)?.seq === 1);
    assert.equal(part1.length, 1, 'part 1 written once');
  } finally {
    await second?.stop();
    await smsc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, make] of UPSTREAM_MAKERS) {
  test(`${name}: a long promotion cut off at 21:00 (part 2 refused, queue full): part 1 never again, the rest at 08:00 under the same reference, across a restart`, { timeout: 60_000 }, () =>
    cutOffAtClose(make, (_clock, cut) => ({
      misbehaviour: 'none', dlr: true,
      answer: (pdu) => (cut.on && concat(pdu)?.seq === 2 ? CommandStatus.ESME_RMSGQFUL : undefined),
    })));

  test(`${name}: a long promotion cut off at 21:00 (the connection lost with part 2 unanswered): part 1 never again, the rest at 08:00 under the same reference, across a restart`, { timeout: 60_000 }, () =>
    cutOffAtClose(make, (clock) => ({
      misbehaviour: 'drops_connection', after: 2, dlr: true,
      // part 2 reaches the carrier as 21:00 strikes; the connection goes before it is answered
      answer: (pdu) => {
        if (concat(pdu)?.seq === 2 && clock.now() < CLOSE) clock.set(CLOSE);
        return undefined;
      },
    })));
}

/**
 * Delivery lanes in scale-out (`--queue`): a provider's commercial backlog is handed over on every
 * recipient partition's subject, and an egress process sends it through an SMPP link capped at a
 * few dozen submits a second; a verification code submitted afterwards must reach the SMSC within a
 * bound far below N / rate. It travels its partition's express subject (`<prefix>.mtx.<p>`), whose
 * consumer the egress worker processes beside the commercial one, and the link sends it first.
 * Two partitions, so that each holds half the backlog. Before: the code waited in its partition's
 * subject behind that partition's share of the backlog (over 4 s here, growing with N / rate).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { busScene, startFirstPiece, startPiece, suiteCleanups } from './bus-fixture.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SmppSimulatorServer } from '../../../src/smpp/simulator/index.js';
import { SmppUpstream, parseUpstreamUrl } from '../../../src/smpp/client/index.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

const N = 200;
const RATE = 40;
const BULK = 2_000;
const BULK_RATE = 100;

describe('lanes across the bus', { timeout: 90_000 }, () => {
  const cleanups = suiteCleanups();

  test(`a code submitted after ${N} commercial messages reaches the SMSC through a link capped at ${RATE}/s within 1 s, not after ${N / RATE} s`, async () => {
    const { seeded, principal, sim, ingress } = await laneScene(cleanups, 'd4e5f6', RATE);
    const users = Array.from({ length: N }, (_, i) => `1380014${String(i).padStart(4, '0')}`);
    for (const msisdn of users) {
      await ingress.app.grantConsent(principal, { msisdn, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: `form-${msisdn}`, capturedAt: '2026-11-01T00:00:00Z' } });
    }
    const ads = await ingress.app.submitMessages(principal, users.map((to) => ({ from: seeded.commercial, to, text: `${seeded.signature}会员日全场八折拒收请回复R`, type: 'commercial', category: 'promo' })), 'http');
    assert.equal(ads.filter((o) => o.ok).length, N, JSON.stringify(ads.find((o) => !o.ok)));
    const { waited, before } = await codeAfterBacklog({ seeded, principal, sim, ingress }, '864209', '13900139001');
    assert.ok(before >= 0, `the code had not reached the SMSC after ${waited} ms (${sim.count} of the ${N} commercial had)`);
    console.log(`over the bus the code reached the SMSC ${waited} ms after its submission, after ${before} of the ${N} commercial messages`);
    assert.ok(waited < 1_000, `the code took ${waited} ms; the backlog alone takes ${(N / RATE) * 1000} ms`);
    assert.ok(before < N / 2, `the code went after ${before} commercial messages`);
  });

  test(`a code submitted after ${BULK} notifications reaches the SMSC through a link capped at ${BULK_RATE}/s within 1 s, not after ${BULK / BULK_RATE} s`, async () => {
    // Notifications and public welfare share the middle lane, above commercial: a bulk notice to
    // every customer is a backlog of its own, and a code must not wait in the stream behind it.
    const { seeded, principal, sim, ingress } = await laneScene(cleanups, 'e5f6a7', BULK_RATE);
    const users = Array.from({ length: BULK }, (_, i) => `1370014${String(i).padStart(4, '0')}`);
    for (let i = 0; i < BULK; i += 500) {
      const batch = users.slice(i, i + 500).map((to) => ({ from: seeded.service, to, text: `${seeded.signature}您的账单已出，本期应还128.00元`, type: 'notification' as const }));
      const out = await ingress.app.submitMessages(principal, batch, 'http');
      assert.equal(out.filter((o) => o.ok).length, batch.length, JSON.stringify(out.find((o) => !o.ok)));
    }
    const { waited, before } = await codeAfterBacklog({ seeded, principal, sim, ingress }, '531907', '13900139002');
    assert.ok(before >= 0, `the code had not reached the SMSC after ${waited} ms (${sim.count} of the ${BULK} notifications had)`);
    console.log(`over the bus the code reached the SMSC ${waited} ms after its submission, after ${before} of the ${BULK} notifications`);
    assert.ok(waited < 1_000, `the code took ${waited} ms; the backlog alone takes ${(BULK / BULK_RATE) * 1000} ms`);
  });
});

type Cleanups = ReturnType<typeof suiteCleanups>;

/** A bus scene whose egress process sends through one SMPP link to a simulator SMSC, capped at `rate` submits a second. */
async function laneScene(cleanups: Cleanups, seed: string, rate: number) {
  const { h, seeded, principal, prefix } = await busScene(cleanups, seed);
  const sim = new SimulatorSmsc(new SimulatedClock(NOON_SHANGHAI));
  const simServer = new SmppSimulatorServer({ sim });
  const simPort = await simServer.listen(0);
  cleanups.push(() => simServer.close());
  const upstream = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://smsguard:pw@127.0.0.1:${simPort}?name=sim&window=100&throughput=${rate}`)] });
  upstream.start();
  cleanups.push(() => upstream.close());
  assert.ok(await upstream.waitUp(10_000));
  const ingress = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress', partitions: 2 });
  const egress = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: upstream, partitions: 2 });
  cleanups.push(() => egress.stop());
  return { seeded, principal, sim, ingress };
}

/**
 * Once the backlog has begun reaching the SMSC, submits a verification code and waits (at most 4 s)
 * for it there: how long it took, and how many messages reached the SMSC before it (-1: it never did).
 */
async function codeAfterBacklog(scene: Awaited<ReturnType<typeof laneScene>>, code: string, to: string): Promise<{ waited: number; before: number }> {
  const { seeded, principal, sim, ingress } = scene;
  const started = Date.now();
  while (sim.count < 5) {
    if (Date.now() - started > 20_000) assert.fail(`the backlog never started (${sim.count} reached the SMSC)`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const text = `${seeded.signature}您的验证码是${code}`;
  const t0 = Date.now();
  const sent = await ingress.app.submitMessage(principal, { from: seeded.service, to, text, type: 'verification' }, 'http');
  assert.ok(sent.ok, JSON.stringify(sent));
  while (!sim.outbox().some((d) => d.text === text) && Date.now() - t0 < 4_000) await new Promise((r) => setTimeout(r, 5));
  return { waited: Date.now() - t0, before: sim.outbox().findIndex((d) => d.text === text) };
}

/**
 * Several egress processes bound to one carrier account: the SMSC sends each receipt on whichever
 * receiver bind it likes (here, as the built-in simulator does, always the last one bound), so most
 * receipts reach a process that did not submit their message. The SMPP client's guess for an SMSC
 * that spells ids two ways (the receipt's id read as hex or decimal, docs/SMPP.md "Receipts") was
 * taken at once when this process had filed a message under another reading of the id: with hex
 * ids counted by one SMSC for both processes, the receipt for the other process's `0000000012` went
 * to this process's `000000000C` (decimal 12), which was reported delivered on another message's
 * receipt, while the right message never got one. Now, on a store several processes share, a
 * receipt whose id as written this process has not filed is held like an unknown one and then
 * matched through the store, where the id as written wins.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { busScene, startFirstPiece, startPiece, suiteCleanups } from './bus-fixture.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SmppSimulatorServer } from '../../../src/smpp/simulator/index.js';
import { SmppUpstream, parseUpstreamUrl } from '../../../src/smpp/client/index.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

const N = 40;

describe('receipts on a carrier account shared by egress processes', { timeout: 90_000 }, () => {
  const cleanups = suiteCleanups();

  test(`${N} messages sent by two egress processes, every receipt on the last one bound: each message gets its own receipt`, async () => {
    const { h, seeded, principal, prefix } = await busScene(cleanups, 'f7a8b9');
    const sim = new SimulatorSmsc(new SimulatedClock(NOON_SHANGHAI));
    const simServer = new SmppSimulatorServer({ sim });
    const simPort = await simServer.listen(0);
    cleanups.push(() => simServer.close());
    const upstream = async (name: string) => {
      const u = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://smsguard:pw@127.0.0.1:${simPort}?name=${name}&window=10`)], sharedAccount: true });
      u.start();
      cleanups.push(() => u.close());
      assert.ok(await u.waitUp(10_000));
      return u;
    };
    const ingress = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress', partitions: 4 });
    const one = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: await upstream('one'), partitions: 4 });
    cleanups.push(() => one.stop());
    const two = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: await upstream('two'), partitions: 4 });
    cleanups.push(() => two.stop());
    const t0 = Date.now();
    while ((one.roles.worker!.owned().length !== 2 || two.roles.worker!.owned().length !== 2) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
    assert.equal(one.roles.worker!.owned().length + two.roles.worker!.owned().length, 4);
    const out = await ingress.app.submitMessages(principal, Array.from({ length: N }, (_, i) => ({
      from: seeded.service, to: `1391000${String(i).padStart(4, '0')}`, text: `${seeded.signature}您的订单${1000 + i}已发货`, type: 'notification' as const, registeredDelivery: true as const,
    })), 'http');
    assert.equal(out.filter((o) => o.ok).length, N, JSON.stringify(out.find((o) => !o.ok)));
    const statuses = async () => (await h.store.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM message_status GROUP BY status ORDER BY status')).rows;
    const started = Date.now();
    let now = await statuses();
    while (!(now.length === 1 && now[0].status === 'delivered') && Date.now() - started < 15_000) {
      await new Promise((r) => setTimeout(r, 200));
      now = await statuses();
    }
    assert.deepEqual(now, [{ status: 'delivered', n: N }], `statuses 15 s after: ${JSON.stringify(now)}`);
    // and each was delivered on its own receipt: the upstream id the SMSC gave it delivered there
    const simDelivered = new Set(sim.outbox().map((d) => d.upstreamId));
    const ours = (await h.store.pool.query<{ upstream_id: string }>('SELECT upstream_id FROM message_status')).rows.map((r) => r.upstream_id);
    assert.equal(ours.filter((u) => simDelivered.has(u)).length, N);
  });
});

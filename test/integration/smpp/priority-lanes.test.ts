/**
 * Delivery lanes end to end (src/domain/priority.ts): a provider's commercial backlog goes out
 * behind an upstream link capped at a few dozen submits a second, as a carrier caps a bind; a
 * verification code submitted afterwards must reach the SMSC within a bound far below the
 * backlog's N / rate, not after it. The backlog is one claimed batch already handed to the link
 * when the code arrives: the worker claims the code beside it (express claim) and the link sends
 * it before the backlog's submits still waiting for the cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmppGateway } from '../../fakes/smpp/smpp-gateway.js';
import type { Principal } from '../../../src/app/types.js';

const N = 200;
const RATE = 40;
const CODE = '【示例】您的验证码是864209，5分钟内有效。';

test(`lanes: a verification code submitted after ${N} commercial messages queued on a link capped at ${RATE}/s reaches the SMSC within 1.5 s, not after ${N / RATE} s`, async () => {
  const g = await startSmppGateway({ linkThroughput: RATE });
  try {
    const cp: Principal = { role: 'content-provider', contentProviderId: g.cpId, actorId: g.cpId };
    const users = Array.from({ length: N }, (_, i) => `1380013${String(i).padStart(4, '0')}`);
    for (const msisdn of users) {
      await g.app.grantConsent(cp, { msisdn, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: `form-${msisdn}`, capturedAt: '2026-11-01T00:00:00Z' } });
    }
    const ads = await g.app.submitMessages(cp, users.map((to) => ({ from: '10690002', to, text: '【示例】会员日全场八折拒收请回复R', type: 'commercial', category: 'promo' })), 'http');
    assert.equal(ads.filter((o) => o.ok).length, N, JSON.stringify(ads.find((o) => !o.ok)));
    // the backlog is out on the link: the first of it has reached the SMSC, the rest waits for the cap
    const started = Date.now();
    while (g.sim.count === 0) {
      if (Date.now() - started > 10_000) assert.fail('the backlog never started');
      await new Promise((r) => setTimeout(r, 5));
    }
    const t0 = Date.now();
    const code = await g.app.submitMessage(cp, { from: '10690001', to: '13900139000', text: CODE, type: 'verification' }, 'http');
    assert.ok(code.ok, JSON.stringify(code));
    let waited = 0;
    while (!g.sim.outbox().some((d) => d.text === CODE)) {
      waited = Date.now() - t0;
      if (waited > 4_000) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    waited = Date.now() - t0;
    const before = g.sim.outbox().findIndex((d) => d.text === CODE);
    assert.ok(before >= 0, `the code had not reached the SMSC after ${waited} ms (${g.sim.count} of the ${N} commercial had)`);
    console.log(`the code reached the SMSC ${waited} ms after its submission, after ${before} of the ${N} commercial messages`);
    assert.ok(waited < 1_500, `the code took ${waited} ms; the backlog alone takes ${(N / RATE) * 1000} ms`);
    assert.ok(before < N / 2, `the code went after ${before} commercial messages`);
  } finally {
    await g.close();
  }
});
